/// One piece of evidence for a suggestion: the matched text, where it is, and the rule.
public struct Evidence: Hashable, Sendable, Codable {
    /// The matched text (the evidence span).
    public var text: String
    /// The span in the document's normalised text.
    public var range: TextRange
    /// The id of the codebook rule that matched (for example `alcohol-misuse/3`).
    public var rule: String
    /// 0-based source line of the span's start.
    public var line: Int
    /// 0-based UTF-16 column of the span's start (as LSP counts).
    public var character: Int
    /// The tagger's numbers for the span's rule and text (``EvidenceNumbers``); not part of the
    /// value: equality, hashing and coding ignore them.
    package var numbers = EvidenceNumbers.none

    public init(text: String, range: TextRange, rule: String, line: Int, character: Int) {
        self.text = text
        self.range = range
        self.rule = rule
        self.line = line
        self.character = character
    }

    private enum CodingKeys: String, CodingKey { case text, range, rule, line, character }

    public static func == (lhs: Evidence, rhs: Evidence) -> Bool {
        lhs.range == rhs.range && lhs.line == rhs.line && lhs.character == rhs.character && lhs.text == rhs.text
            && lhs.rule == rhs.rule
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(range)
        hasher.combine(rule)
        hasher.combine(line)
        hasher.combine(character)
    }
}

/// The numbers a tagger gives an evidence span's rule and text within one tagging of one
/// document: equal numbers for equal strings, different numbers for different strings (texts
/// compared byte for byte). The store's evidence encoding numbers each suggestion's rules and
/// texts in order of first appearance; with these it does so by table lookups instead of
/// comparing the strings again (``TaggingResult/evidenceNumbered`` says when they hold).
package struct EvidenceNumbers: Sendable {
    /// The rule's number, -1 when it has none.
    package var rule: Int32
    /// The text's number, -1 when it has none.
    package var text: Int32

    package init(rule: Int32, text: Int32) {
        self.rule = rule
        self.text = text
    }

    /// No numbers: the strings are compared.
    package static let none = EvidenceNumbers(rule: -1, text: -1)
}

/// A suggested tag: one per distinct tag and subject in a document, carrying all its evidence.
public struct Suggestion: Hashable, Sendable, Codable {
    /// The tag and (for characteristics) its subject.
    public var key: TagKey
    /// 0...1.
    public var confidence: Double
    /// Every matched span, in document order.
    public var evidence: [Evidence]

    public init(key: TagKey, confidence: Double, evidence: [Evidence]) {
        self.key = key
        self.confidence = confidence
        self.evidence = evidence
    }

    /// The tag id.
    public var tag: TagID { key.tag }
    /// The subject (characteristics only).
    public var subject: Subject? { key.subject }
}

/// A rule match that was not suggested, with the reason (shown under `--explain`).
public struct SuppressedMatch: Hashable, Sendable, Codable {
    /// Why a match was suppressed.
    public enum Reason: String, Sendable, Codable {
        case negated
        case hypothetical
        case pseudoTrigger
        case excluded
        case thirdParty
        case historical
    }

    public var tag: TagID
    public var evidence: Evidence
    public var reason: Reason
    /// The trigger or exclusion text that caused it (for example "no history of").
    public var trigger: String

    public init(tag: TagID, evidence: Evidence, reason: Reason, trigger: String) {
        self.tag = tag
        self.evidence = evidence
        self.reason = reason
        self.trigger = trigger
    }
}

/// The suggested primary category (form of violence) of a document.
public struct CategorySuggestion: Hashable, Sendable, Codable {
    /// A `category` id of the taxonomy.
    public var id: String
    /// 0...1.
    public var confidence: Double
    /// The statements that decided it (relationship type, ages, explicit statements, review type).
    public var evidence: [String]

    public init(id: String, confidence: Double, evidence: [String]) {
        self.id = id
        self.confidence = confidence
        self.evidence = evidence
    }
}

/// A person's gender as the text states it.
public enum Gender: String, Sendable, Codable, CaseIterable, Hashable {
    case female
    case male
}

/// A person's ethnicity in the report's five groups.
public enum Ethnicity: String, Sendable, Codable, CaseIterable, Hashable {
    case white
    case asian
    case black
    case mixed
    case other
}

/// An age in whole years, or a range when the text gives one. Encodes as a number or as
/// `{"min": a, "max": b}`.
public enum Age: Hashable, Sendable, Codable, CustomStringConvertible {
    case years(Int)
    case range(Int, Int)

    /// The lowest age the value allows.
    public var lowerBound: Int {
        switch self {
        case .years(let years): years
        case .range(let low, _): low
        }
    }

    /// The highest age the value allows.
    public var upperBound: Int {
        switch self {
        case .years(let years): years
        case .range(_, let high): high
        }
    }

    public var description: String {
        switch self {
        case .years(let years): "\(years)"
        case .range(let low, let high): "\(low)-\(high)"
        }
    }

    private enum CodingKeys: String, CodingKey { case min, max }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let years = try? single.decode(Int.self) {
            self = .years(years)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .range(try container.decode(Int.self, forKey: .min), try container.decode(Int.self, forKey: .max))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .years(let years):
            var container = encoder.singleValueContainer()
            try container.encode(years)
        case .range(let low, let high):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(low, forKey: .min)
            try container.encode(high, forKey: .max)
        }
    }
}

/// A person of the review and what the text states about them.
public struct Person: Hashable, Sendable, Codable {
    /// Victim, perpetrator, or unknown.
    public var subject: Subject
    /// The name or pseudonym the report uses ("Adult A", "Sam"), if any.
    public var name: String?
    public var gender: Gender?
    public var age: Age?
    public var ethnicity: Ethnicity?

    public init(subject: Subject, name: String? = nil, gender: Gender? = nil, age: Age? = nil, ethnicity: Ethnicity? = nil) {
        self.subject = subject
        self.name = name
        self.gender = gender
        self.age = age
        self.ethnicity = ethnicity
    }
}

/// Everything the tagging engine says about one document.
public struct TaggingResult: Sendable, Codable {
    /// The document's name (path as given).
    public var document: String
    /// Review type from title and headings.
    public var reviewType: ReviewTypeDetection?
    /// The suggested category, or nil (see ``categoryReason``).
    public var category: CategorySuggestion?
    /// Why no category was suggested, when none was.
    public var categoryReason: String?
    /// One suggestion per distinct (tag, subject), in tag order.
    public var suggestions: [Suggestion] {
        // Suggestions changed after tagging may hold spans numbered by another tagging.
        didSet { evidenceNumbered = false }
    }
    /// The people found, with demographics from explicit statements only.
    public var people: [Person]
    /// Matches that were not suggested, with reasons (for `--explain`).
    public var suppressed: [SuppressedMatch]
    /// Whether every numbered span of ``suggestions`` was numbered by this result's tagging (see
    /// ``Evidence/numbers``), so that equal numbers mean equal strings across all its
    /// suggestions. Set by the tagger; any change to the suggestions clears it.
    package var evidenceNumbered = false

    public init(
        document: String, reviewType: ReviewTypeDetection?, category: CategorySuggestion?, categoryReason: String? = nil,
        suggestions: [Suggestion], people: [Person], suppressed: [SuppressedMatch] = []
    ) {
        self.document = document
        self.reviewType = reviewType
        self.category = category
        self.categoryReason = categoryReason
        self.suggestions = suggestions
        self.people = people
        self.suppressed = suppressed
    }

    private enum CodingKeys: String, CodingKey {
        case document, reviewType, category, categoryReason, suggestions, people, suppressed
    }
}
