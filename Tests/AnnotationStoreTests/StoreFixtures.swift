import Foundation
import ReviewModel
import TestSupport
@testable import AnnotationStore

/// A fresh store in its own temporary folder.
struct TemporaryStore {
    let directory: URL
    let store: AnnotationStore

    init() throws {
        directory = try TestPaths.scratchDirectory("revtag-store")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try AnnotationStore(path: directory.appendingPathComponent("revtag.sqlite").path)
    }

    var path: String { store.path }
}

/// A document of plain text (no source format) named `name`.
func textDocument(_ name: String, _ text: String) -> ReviewDocument {
    ReviewDocument(
        name: name, format: .text, text: text,
        blocks: [Block(kind: .paragraph, range: TextRange(start: 0, end: text.utf8.count))],
        sentences: SentenceSplitter.split(Array(text.utf8), in: TextRange(start: 0, end: text.utf8.count)),
        sourceMap: .identity(text))
}

/// The UTF-8 range of the first occurrence of `quote` in `text`.
func range(of quote: String, in text: String) -> TextRange {
    let bytes = Array(text.utf8)
    let needle = Array(quote.utf8)
    let start = Anchoring.occurrences(of: needle, in: bytes).first ?? -1
    precondition(start >= 0, "'\(quote)' not in the fixture text")
    return TextRange(start: start, end: start + needle.count)
}

/// A suggestion of `tag` (with subject) whose evidence is `quote` in `text`.
func suggestion(_ tag: String, _ subject: Subject?, quote: String, in text: String, rule: String = "rule/1") -> Suggestion {
    let span = range(of: quote, in: text)
    return Suggestion(
        key: TagKey(tag: TagID(tag)!, subject: subject), confidence: 0.8,
        evidence: [Evidence(text: quote, range: span, rule: rule, line: 0, character: span.start)])
}

func result(_ document: ReviewDocument, _ suggestions: [Suggestion], category: String? = nil) -> TaggingResult {
    TaggingResult(
        document: document.name, reviewType: nil,
        category: category.map { CategorySuggestion(id: $0, confidence: 0.7, evidence: ["fixture"]) },
        suggestions: suggestions, people: [])
}

/// Fictional review text used across the tests.
enum Fixture {
    static let name = "corpus/test-dhr.txt"
    static let text = """
        Overview. Maya Brennan, 34, lived with her partner Tom Ashby in a rented flat. \
        Tom drank heavily most evenings and had been cautioned for assault in 2017. \
        Maya was known to the GP for low mood. Police attended the flat twice in 2019.
        """
    static var document: ReviewDocument { textDocument(name, text) }
    static var suggestions: [Suggestion] {
        [
            suggestion("characteristic/alcohol-misuse", .perpetrator, quote: "drank heavily", in: text, rule: "alcohol-misuse/1"),
            suggestion("characteristic/mental-health", .victim, quote: "low mood", in: text, rule: "mental-health/2"),
            suggestion("agency/police", nil, quote: "Police attended", in: text, rule: "police/1"),
        ]
    }
    static var tagging: TaggingResult { result(document, suggestions, category: "intimate-partner-violence") }

    static let alcohol = TagKey(tag: TagID("characteristic/alcohol-misuse")!, subject: .perpetrator)
    static let mood = TagKey(tag: TagID("characteristic/mental-health")!, subject: .victim)
    static let police = TagKey(tag: TagID("agency/police")!, subject: nil)
}

extension AnnotationStore {
    /// Records the fixture's suggestions in a new run.
    @discardableResult
    func recordFixture(_ document: ReviewDocument = Fixture.document, _ tagging: TaggingResult = Fixture.tagging) throws -> DocumentRegistration {
        try recordSuggestionRun(document: document, result: tagging, codebookVersion: "test-1", codebookHash: "abc").registration
    }
}
