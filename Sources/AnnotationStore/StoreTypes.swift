import Foundation
import ReviewModel

/// What a coder decided about one (tag, subject) of a document.
public enum DecisionStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// A suggestion the coder accepted.
    case confirmed
    /// A suggestion the coder turned down.
    case rejected
    /// A tag the coder added by hand (no suggestion, or beyond it).
    case added
    /// A compensating decision recorded by "undo": the earlier decision no longer holds,
    /// and the suggestion (if any) is pending again. The earlier row stays, superseded.
    case withdrawn

    /// Whether the decision puts the tag in the document's case record.
    public var isPositive: Bool { self == .confirmed || self == .added }
}

/// Where a human decision came from (every origin is an explicit human action).
public enum DecisionOrigin: String, Sendable, Codable, CaseIterable, Hashable {
    /// A scriptable command (`revtag confirm`, `reject`, `add`, `person`).
    case command
    /// The interactive `revtag review` session.
    case review
    /// A code action accepted in an editor through the language server.
    case editor
    /// `revtag annotations import`.
    case `import`
}

/// A decision's anchor in the document's normalised text, as a W3C Web Annotation
/// `TextQuoteSelector` (exact, prefix, suffix) plus a `TextPositionSelector`.
///
/// `range` is in UTF-8 bytes (like every ``TextRange``); `characterStart`/`characterEnd`
/// count Unicode scalars, the unit the W3C selector uses.
public struct TextAnchor: Hashable, Sendable, Codable {
    /// The quoted text.
    public var exact: String
    /// Up to ``TextAnchor/contextLength`` Unicode scalars before the quote.
    public var prefix: String
    /// Up to ``TextAnchor/contextLength`` Unicode scalars after the quote.
    public var suffix: String
    /// The quote's position, UTF-8 offsets into the normalised text.
    public var range: TextRange
    /// The quote's start, in Unicode scalars.
    public var characterStart: Int
    /// The quote's end (exclusive), in Unicode scalars.
    public var characterEnd: Int

    /// Context kept on each side (Hypothesis keeps 32 characters).
    public static let contextLength = 32

    public init(exact: String, prefix: String, suffix: String, range: TextRange, characterStart: Int, characterEnd: Int) {
        self.exact = exact
        self.prefix = prefix
        self.suffix = suffix
        self.range = range
        self.characterStart = characterStart
        self.characterEnd = characterEnd
    }
}

/// A document the store knows: a corpus file that was tagged, or a document named by an import.
public struct StoredDocument: Hashable, Sendable {
    /// The store's id.
    public var id: Int64
    /// The path (or id) the document was registered under.
    public var path: String
    /// SHA-256 (hex) of the normalised text; nil for documents known only from an import.
    public var contentHash: String?
    /// Title, review type, date and area as parsed.
    public var metadata: DocumentMetadata?
    /// Length of the normalised text in UTF-8 bytes; nil when unknown.
    public var textLength: Int?
}

/// A human decision with its anchor.
public struct Decision: Hashable, Sendable, Identifiable {
    public var id: Int64
    /// The document's path.
    public var document: String
    /// The tag and subject.
    public var key: TagKey
    public var status: DecisionStatus
    public var coder: String
    public var time: Date
    public var note: String?
    /// Where the decision is anchored; nil for decisions about the document as a whole
    /// (imports, category, added tags without a quote).
    public var anchor: TextAnchor?
    /// Whether the anchor's quote could not be found after the document's text changed.
    public var orphaned: Bool
    /// The later decision that replaced this one (a correction or an undo), if any.
    public var supersededBy: Int64?
    /// The suggestion the decision answered, if any.
    public var suggestionID: Int64?
    public var origin: DecisionOrigin

    /// Whether this is the coder's decision in force for its (document, tag, subject).
    public var isCurrent: Bool { supersededBy == nil }
}

/// A stored suggestion of one run.
public struct StoredSuggestion: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var runID: Int64
    public var document: String
    public var key: TagKey
    public var confidence: Double
    /// The first evidence's rule.
    public var rule: String
    /// Every evidence span.
    public var evidence: [Evidence]
}

/// How a suggestion run went.
public enum RunStatus: String, Sendable, Codable, Hashable {
    case running
    case finished
    case failed
}

/// A suggestion run: which codebook and revtag produced the stored suggestions.
public struct SuggestionRun: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var codebookVersion: String
    public var codebookHash: String
    public var revtagVersion: String
    public var started: Date
    public var finished: Date?
    public var status: RunStatus
}

/// A person's demographics as a coder recorded them.
public struct StoredPerson: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var document: String
    public var person: Person
    public var coder: String
    public var time: Date
    public var origin: DecisionOrigin
    public var supersededBy: Int64?
}

/// One row of the append-only audit log.
public struct AuditEntry: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var time: Date
    /// The coder, or `revtag` for automatic re-anchoring.
    public var actor: String
    /// `decide`, `correct`, `undo`, `person`, `reanchor`, `orphan`, `import`.
    public var action: String
    public var document: String?
    public var decisionID: Int64?
    public var personID: Int64?
    /// A JSON object with the details (previous values, offsets, reason).
    public var detail: String
}

/// Per-document counts for `revtag status`.
public struct DocumentStatus: Hashable, Sendable {
    public var document: String
    /// Suggestions of the latest run without a decision in force.
    public var pending: Int
    public var confirmed: Int
    public var rejected: Int
    public var added: Int
    /// Decisions in force whose anchor was lost when the text changed.
    public var orphaned: Int
}

/// What happened to the decisions of a document whose text changed.
public struct ReanchorReport: Hashable, Sendable {
    /// Decisions whose quote was found at a new position.
    public var moved: [Int64] = []
    /// Decisions whose quote is where it was.
    public var unchanged: [Int64] = []
    /// Decisions whose quote could not be found (now marked orphaned, still stored).
    public var orphaned: [Int64] = []
    /// Orphaned decisions found again.
    public var recovered: [Int64] = []

    public init() {}
}

/// The result of registering a document's text with the store.
public struct DocumentRegistration: Hashable, Sendable {
    public var document: StoredDocument
    /// Whether the text differed from the stored hash (and decisions were re-anchored).
    public var textChanged: Bool
    public var reanchor: ReanchorReport
}

/// A problem with the annotation store or a request to it.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// SQLite failed (open, migrate, read or write).
    case database(path: String, message: String)
    /// No document of that path is in the store.
    case unknownDocument(String)
    /// No decision with that id.
    case unknownDecision(Int64)
    /// The quote given for an anchor does not occur in the document's text.
    case quoteNotFound(document: String, quote: String)
    /// Lines of an import file were invalid; nothing was imported.
    case invalidImport(file: String, problems: [ImportProblem])
    /// A request that makes no sense (for example undo of a decision already superseded).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .database(let path, let message):
            "annotation store \(path): \(message)"
        case .unknownDocument(let document):
            "\(document): not in the annotation store; run revtag review, confirm or retag on the file first"
        case .unknownDecision(let id):
            "decision \(id): no such decision in the annotation store"
        case .quoteNotFound(let document, let quote):
            "\(document): the quote \"\(quote)\" does not occur in the document's text; give a quote copied from it"
        case .invalidImport(let file, let problems):
            (["\(file): \(problems.count) invalid line(s); nothing was imported:"]
                + problems.map { "\(file):\($0.line): \($0.reason)" }).joined(separator: "\n")
        case .invalidRequest(let message):
            message
        }
    }
}

/// One bad line of an import file.
public struct ImportProblem: Hashable, Sendable {
    /// 1-based line number.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}
