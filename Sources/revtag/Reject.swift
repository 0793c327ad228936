import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag reject FILE TAG [--subject S] [--note T]`.
struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a tag of a document (suggested or not).",
        discussion: """
            Records that the coder looked and said no; a later `confirm` or `add` supersedes it \
            (both stay in the history). Example: revtag reject corpus/dhr-ipv-01.html agency/police --note "routine visit"
            """)

    @Argument(help: ArgumentHelp("The review document (a file, or a document already in the store).", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The tag id, facet/id.", valueName: "tag"))
    var tag: String

    @Option(help: ArgumentHelp("Whose characteristic: victim, perpetrator or unknown (characteristic/* tags only).", valueName: "subject"))
    var subject: String?

    @Option(help: ArgumentHelp("A note kept with the decision (why it is wrong).", valueName: "text"))
    var note: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions
    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        try StoreSupport.reporting {
            let store = try StoreSupport.open(storeOptions)
            let codebook = try StoreSupport.codebook(codebookOptions)
            let tagID = try StoreSupport.tag(tag, codebook: codebook)
            let prepared = try StoreSupport.prepare(file, store: store, codebookOptions: codebookOptions, tag: true)
            let suggested = try store.latestSuggestions(document: prepared.path).map(\.key)
            let key = try StoreSupport.key(tag: tagID, subject: subject, suggested: suggested, fallback: nil)
            let decision = try store.reject(document: prepared.path, key: key, coder: coderOptions.resolvedCoder, note: note)
            print("rejected \(StoreSupport.describe(decision)) in \(prepared.path) (decision \(decision.id), coder \(decision.coder))")
        }
    }
}
