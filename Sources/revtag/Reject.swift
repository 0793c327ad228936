import ArgumentParser

// Placeholder: replaced by the real command.
struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a tag (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
