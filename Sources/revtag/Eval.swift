import ArgumentParser

// Placeholder: replaced by the real command.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate suggestions against gold annotations (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
