import ArgumentParser

// Placeholder: replaced by the real command.
struct CodebookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codebook", abstract: "Inspect and lint the codebook (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
