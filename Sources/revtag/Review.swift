import ArgumentParser

// Placeholder: replaced by the real command.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Review pending suggestions interactively (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
