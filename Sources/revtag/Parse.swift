import ArgumentParser

// Placeholder: replaced by the real command.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse", abstract: "Parse review documents and print their blocks (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
