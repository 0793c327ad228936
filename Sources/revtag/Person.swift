import ArgumentParser

// Placeholder: replaced by the real command.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "person", abstract: "Record a person's demographics (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
