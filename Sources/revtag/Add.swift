import ArgumentParser

// Placeholder: replaced by the real command.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a tag by hand (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
