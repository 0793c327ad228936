import ArgumentParser

// Placeholder: replaced by the real command.
struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agreement", abstract: "Inter-coder agreement (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
