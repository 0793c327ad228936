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

    @OptionGroup var target: SuggestedTagArguments

    @Option(help: ArgumentHelp("A note kept with the decision.", valueName: "text"))
    var note: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions
    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        try StoreSupport.reporting {
            let (store, path, key) = try target.resolve(store: storeOptions, codebook: codebookOptions)
            let decision = try store.confirm(document: path, key: key, coder: coderOptions.resolvedCoder, note: note)
            print("confirmed \(StoreSupport.describe(decision)) in \(path) (decision \(decision.id), coder \(decision.coder))")
        }
    }
}
