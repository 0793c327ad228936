import ArgumentParser

// Placeholder: replaced by the real command.
struct SuggestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suggest", abstract: "Suggest tags for review documents (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
