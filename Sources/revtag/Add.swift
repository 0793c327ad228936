import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag add FILE TAG [--subject S] [--quote TEXT] [--note T]`.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a tag to a document by hand.",
        discussion: """
            With --quote the tag is anchored on that text of the document (copied from it; \
            whitespace and case may differ). Characteristics without --subject get subject unknown. \
            Example: revtag add corpus/dhr-ipv-01.html weapon/knife --quote "a kitchen knife"
            """)

    @Argument(help: ArgumentHelp("The review document (a file, or a document already in the store).", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The tag id, facet/id.", valueName: "tag"))
    var tag: String

    @Option(help: ArgumentHelp("Whose characteristic: victim, perpetrator or unknown (characteristic/* tags only).", valueName: "subject"))
    var subject: String?

    @Option(help: ArgumentHelp("Text of the document the tag rests on (anchors the decision).", valueName: "text"))
    var quote: String?

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
            let key = try StoreSupport.key(tag: tagID, subject: subject, suggested: [], fallback: .unknown)
            let prepared = try StoreSupport.prepare(
                file, store: store, codebookOptions: nil, tag: false, needText: quote != nil)
            var anchor: TextAnchor?
            if let quote {
                guard let document = prepared.document else {
                    throw CLIFailure(message: "\(file): --quote needs the document's file", code: RevtagExit.noInput)
                }
                guard let range = Anchoring.find(quote: quote, in: document.text) else {
                    throw StoreError.quoteNotFound(document: prepared.path, quote: quote)
                }
                anchor = Anchoring.anchor(text: document.text, range: range)
            }
            let decision = try store.add(
                document: prepared.path, key: key, coder: coderOptions.resolvedCoder, note: note, anchor: anchor)
            print("added \(StoreSupport.describe(decision)) to \(prepared.path) (decision \(decision.id), coder \(decision.coder))")
        }
    }
}
