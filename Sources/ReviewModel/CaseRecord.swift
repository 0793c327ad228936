/// One coded review as a whole: what `revtag annotations import` reads, what the store
/// exports, and what aggregation counts. Characteristic tags carry a subject.
public struct CaseRecord: Hashable, Sendable, Codable {
    /// One tag of the record.
    public struct TagEntry: Hashable, Sendable, Codable {
        public var tag: TagID
        public var subject: Subject?

        public init(tag: TagID, subject: Subject? = nil) {
            self.tag = tag
            self.subject = subject
        }

        /// The (tag, subject) key, with `.unknown` for a characteristic given without subject.
        public var key: TagKey { TagKey(tag: tag, subject: subject) }
    }

    /// Document id or path.
    public var document: String
    /// A review-type id.
    public var reviewType: String?
    /// A category id.
    public var category: String?
    /// Who coded it.
    public var coder: String?
    public var tags: [TagEntry]
    public var people: [Person]

    public init(
        document: String, reviewType: String? = nil, category: String? = nil, coder: String? = nil,
        tags: [TagEntry] = [], people: [Person] = []
    ) {
        self.document = document
        self.reviewType = reviewType
        self.category = category
        self.coder = coder
        self.tags = tags
        self.people = people
    }
}
