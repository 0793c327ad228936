import AnnotationStore
import ArgumentParser
import ReviewModel

/// The arguments `confirm` and `reject` share: which document, which tag, whose.
struct SuggestedTagArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The review document (a file, or a document already in the store).", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The tag id, facet/id (for example characteristic/alcohol-misuse).", valueName: "tag"))
    var tag: String

    @Option(help: ArgumentHelp("Whose characteristic: victim, perpetrator or unknown (characteristic/* tags only).", valueName: "subject"))
    var subject: String?

    /// Opens the store, checks the tag against the codebook, makes sure the document is in
    /// the store (parsing and tagging it first when it is not), and resolves the subject
    /// against the document's latest suggestions.
    func resolve(
        store storeOptions: StoreOptions, codebook codebookOptions: CodebookOptions
    ) throws -> (store: AnnotationStore, path: String, key: TagKey) {
        let store = try StoreSupport.open(storeOptions)
        let codebook = try StoreSupport.codebook(codebookOptions)
        let tagID = try StoreSupport.tag(tag, codebook: codebook)
        let prepared = try StoreSupport.prepare(file, store: store, codebookOptions: codebookOptions, tag: true)
        let suggested = try store.latestSuggestions(document: prepared.path).map(\.key)
        let key = try StoreSupport.key(tag: tagID, subject: subject, suggested: suggested, fallback: nil)
        return (store, prepared.path, key)
    }
}
