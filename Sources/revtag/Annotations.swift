import ArgumentParser

// Placeholder: replaced by the real command.
struct AnnotationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annotations", abstract: "Import and export annotations (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
