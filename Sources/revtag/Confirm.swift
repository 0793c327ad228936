import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag confirm FILE TAG [--subject S] [--note T]`.
struct ConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm a suggested tag of a document.",
        discussion: """
            The tag must be among the document's current suggestions (see `revtag status FILE` or \
            `revtag review FILE`); a document not yet in the store is parsed and tagged first. The \
            decision is anchored on the suggestion's evidence. To add a tag that was not suggested, \
            use `revtag add`. Example: revtag confirm corpus/dhr-ipv-01.html characteristic/alcohol-misuse --subject perpetrator
            """)

    @Argument(help: ArgumentHelp("The review document (a file, or a document already in the store).", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The tag id, facet/id (for example characteristic/alcohol-misuse).", valueName: "tag"))
    var tag: String

    @Option(help: ArgumentHelp("Whose characteristic: victim, perpetrator or unknown (characteristic/* tags only).", valueName: "subject"))
    var subject: String?

    @Option(help: ArgumentHelp("A note kept with the decision.", valueName: "text"))
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
            let decision = try store.confirm(document: prepared.path, key: key, coder: coderOptions.resolvedCoder, note: note)
            print("confirmed \(StoreSupport.describe(decision)) in \(prepared.path) (decision \(decision.id), coder \(decision.coder))")
        }
    }
}
