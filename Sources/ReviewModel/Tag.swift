/// A tag id of the taxonomy, written `facet/id` (for example `characteristic/alcohol-misuse`).
///
/// The ids are a contract (see `../shared/TAXONOMY.md` and ``Taxonomy``); the codebook may
/// add ids but never rename or drop one.
public struct TagID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The facet, such as `characteristic` or `escalation`.
    public let facet: String
    /// The id inside the facet, such as `alcohol-misuse`.
    public let id: String

    /// Creates a tag id from its two parts.
    public init(facet: String, id: String) {
        self.facet = facet
        self.id = id
    }

    /// Parses `facet/id`; returns nil when the string has no single slash or an empty part.
    public init?(_ string: String) {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(facet: String(parts[0]), id: String(parts[1]))
    }

    /// `facet/id`.
    public var description: String { "\(facet)/\(id)" }

    /// Whether this tag needs a subject (all `characteristic/*` tags do).
    public var takesSubject: Bool { facet == Taxonomy.characteristicFacet }

    public static func < (lhs: TagID, rhs: TagID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let tag = TagID(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(string)' is not a tag id of the form facet/id")
        }
        self = tag
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Whose characteristic a tag describes.
public enum Subject: String, CaseIterable, Hashable, Comparable, Sendable, Codable {
    case victim
    case perpetrator
    case unknown

    public static func < (lhs: Subject, rhs: Subject) -> Bool {
        lhs.sortIndex < rhs.sortIndex
    }

    private var sortIndex: Int {
        switch self {
        case .victim: 0
        case .perpetrator: 1
        case .unknown: 2
        }
    }
}

/// A tag together with its subject (nil for tags that take none): the unit that
/// suggestions, decisions, gold annotations and evaluation count.
public struct TagKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The tag id.
    public var tag: TagID
    /// The subject; non-nil exactly when `tag.takesSubject`.
    public var subject: Subject?

    /// Creates a key; a subject given for a tag that takes none is dropped, and a
    /// characteristic without a subject gets `.unknown`.
    public init(tag: TagID, subject: Subject?) {
        self.tag = tag
        self.subject = tag.takesSubject ? (subject ?? .unknown) : nil
    }

    public var description: String {
        if let subject { return "\(tag) (\(subject.rawValue))" }
        return tag.description
    }

    public static func < (lhs: TagKey, rhs: TagKey) -> Bool {
        if lhs.tag != rhs.tag { return lhs.tag < rhs.tag }
        return (lhs.subject ?? .unknown) < (rhs.subject ?? .unknown)
    }
}
