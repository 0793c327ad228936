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

    @OptionGroup var target: SuggestedTagArguments

    @Option(help: ArgumentHelp("A note kept with the decision (why it is wrong).", valueName: "text"))
    var note: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions
    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        try StoreSupport.reporting {
            let (store, path, key) = try target.resolve(store: storeOptions, codebook: codebookOptions)
            let decision = try store.reject(document: path, key: key, coder: coderOptions.resolvedCoder, note: note)
            print("rejected \(StoreSupport.describe(decision)) in \(path) (decision \(decision.id), coder \(decision.coder))")
        }
    }
}
