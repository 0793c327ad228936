import ArgumentParser

// Placeholder: replaced by the real command.
struct RetagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retag", abstract: "Re-apply the codebook to a corpus (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
