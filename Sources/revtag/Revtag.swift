import ArgumentParser
import ReviewModel

/// The `revtag` command: code statutory case reviews.
@main
struct Revtag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revtag",
        abstract: "Parse, tag and code statutory case reviews (DHR, CSPR/SCR, SAR, IIR).",
        discussion: """
            revtag reads review documents (HTML, XHTML/XML, pdftohtml XML, PDF, text, Markdown), \
            suggests tags from an editable codebook with their evidence, stores coders' decisions \
            in SQLite, and aggregates confirmed annotations into report tables.

            Exit codes: 0 success; 1 some input failed (reported on stderr); 64 usage error; \
            65 bad input data; 66 input file missing or unreadable; 70 internal error.
            """,
        version: RevtagInfo.version,
        subcommands: [
            ParseCommand.self,
            SuggestCommand.self,
            EvalCommand.self,
            CodebookCommand.self,
            ReviewCommand.self,
            ConfirmCommand.self,
            RejectCommand.self,
            AddCommand.self,
            PersonCommand.self,
            StatusCommand.self,
            AnnotationsCommand.self,
            AgreementCommand.self,
            AggregateCommand.self,
            RetagCommand.self,
            LspCommand.self,
        ]
    )
}
