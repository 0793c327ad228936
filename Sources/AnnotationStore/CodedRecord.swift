import ReviewModel

/// One line of `revtag annotations import` / `export --format jsonl`: a coder's case record
/// of one document. It extends ``CaseRecord`` with optional anchors per tag and the tags
/// the coder rejected, so that export then import gives the same decisions.
///
/// ```json
/// {"document": "corpus/dhr-ipv-01.html", "reviewType": "dhr", "category": "intimate-partner-violence",
///  "coder": "amira", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}],
///  "people": [{"subject": "victim", "gender": "female", "age": 34, "ethnicity": "white"}]}
/// ```
public struct CodedRecord: Hashable, Sendable, Codable {
    /// One tag of a record, with its anchor when known.
    public struct Tag: Hashable, Sendable, Codable {
        public var tag: TagID
        /// Only on `characteristic/*` tags.
        public var subject: Subject?
        /// `confirmed` (default) or `added`; in `rejected`, ignored.
        public var status: String?
        public var quote: String?
        public var prefix: String?
        public var suffix: String?
        /// UTF-8 offsets of the quote in the document's normalised text.
        public var start: Int?
        public var end: Int?
        public var note: String?

        public init(
            tag: TagID, subject: Subject? = nil, status: String? = nil, quote: String? = nil, prefix: String? = nil,
            suffix: String? = nil, start: Int? = nil, end: Int? = nil, note: String? = nil
        ) {
            self.tag = tag
            self.subject = subject
            self.status = status
            self.quote = quote
            self.prefix = prefix
            self.suffix = suffix
            self.start = start
            self.end = end
            self.note = note
        }

        /// The (tag, subject) key.
        public var key: TagKey { TagKey(tag: tag, subject: subject) }
    }

    public var document: String
    public var reviewType: String?
    public var category: String?
    public var coder: String?
    public var tags: [Tag]
    /// Tags the coder rejected (omitted when none).
    public var rejected: [Tag]?
    public var people: [Person]?

    public init(
        document: String, reviewType: String? = nil, category: String? = nil, coder: String? = nil, tags: [Tag] = [],
        rejected: [Tag]? = nil, people: [Person]? = nil
    ) {
        self.document = document
        self.reviewType = reviewType
        self.category = category
        self.coder = coder
        self.tags = tags
        self.rejected = rejected
        self.people = people
    }

    private enum CodingKeys: String, CodingKey {
        case document, reviewType, category, coder, tags, rejected, people
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        document = try container.decode(String.self, forKey: .document)
        reviewType = try container.decodeIfPresent(String.self, forKey: .reviewType)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        coder = try container.decodeIfPresent(String.self, forKey: .coder)
        tags = try container.decodeIfPresent([Tag].self, forKey: .tags) ?? []
        rejected = try container.decodeIfPresent([Tag].self, forKey: .rejected)
        people = try container.decodeIfPresent([Person].self, forKey: .people)
    }

    /// The plain case record (confirmed and added tags, people).
    public var caseRecord: CaseRecord {
        CaseRecord(
            document: document, reviewType: reviewType, category: category, coder: coder,
            tags: tags.map { CaseRecord.TagEntry(tag: $0.tag, subject: $0.key.subject) }, people: people ?? [])
    }
}
