import ArgumentParser

// Placeholder: replaced by the real command.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show coding status per document (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
