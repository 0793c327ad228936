import ArgumentParser

// Placeholder: replaced by the real command.
struct AggregateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "aggregate", abstract: "Aggregate confirmed annotations into report tables (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
