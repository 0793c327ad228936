import ArgumentParser

// Placeholder: replaced by the real command.
struct LspCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lsp", abstract: "Run the language server over stdio (not built yet)")
    func run() async throws { throw ExitCode(70) }
}
