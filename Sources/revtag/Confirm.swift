import ArgumentParser

// Placeholder: replaced by the real command.
struct ConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm", abstract: "Confirm a tag (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
