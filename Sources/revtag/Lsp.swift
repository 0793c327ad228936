import ArgumentParser
import Foundation
import LanguageServer

/// `revtag lsp`: the language server over stdio.
struct LspCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server (LSP 3.17) over stdin and stdout.",
        discussion: """
            Editors start this command; it is not meant to be run by hand. Suggestions appear as \
            diagnostics; confirm, reject and change-subject are code actions that write to the same \
            store as `revtag confirm` and `revtag reject`. The options set defaults that the editor's \
            settings (initializationOptions or the `revtag` configuration section: store, codebook, \
            coder, maxDiagnostics, showConfirmed, confirmedMark) override. Relative paths are resolved \
            against the editor's workspace folder. Logs go to standard error.
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The annotation store (SQLite). Default: $REVTAG_STORE, else annotations/revtag.sqlite in the workspace.",
        valueName: "path"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp(
        "A codebook YAML file to use instead of the shipped one (default: revtag.yaml in the workspace when present).",
        valueName: "path"))
    var codebook: String?

    @Option(name: .long, help: ArgumentHelp(
        "Who is coding (recorded with each decision). Default: $REVTAG_CODER, else the login name.", valueName: "name"))
    var coder: String?

    @Option(name: .long, help: ArgumentHelp(
        "Most diagnostics per document; the highest-ranked suggestions are kept.", valueName: "n"))
    var maxDiagnostics = 500

    @Flag(name: .long, help: "Do not show confirmed tags (by default they appear as hints marked confirmed).")
    var hideConfirmed = false

    @Flag(name: .long, help: ArgumentHelp("Accepted for editors that pass it; stdio is the only transport."))
    var stdio = false

    func validate() throws {
        guard maxDiagnostics >= 0 else { throw ValidationError("--max-diagnostics must be 0 or more (got \(maxDiagnostics)).") }
    }

    func run() async throws {
        let configuration = ServerConfiguration(
            storePath: store, codebookPath: codebook, coder: coder, maxDiagnostics: maxDiagnostics,
            showConfirmed: !hideConfirmed)
        let code = await runLanguageServer(configuration: configuration)
        throw ExitCode(code)
    }
}
