import ReviewModel

/// The state of an interactive review of one document's pending suggestions, without any
/// input or output: `revtag review` maps keys to ``ReviewSession/Input``s and renders
/// ``ReviewSession/current``; tests drive it directly.
///
/// It starts with the suggestions the coder has not decided (so a new session resumes
/// where the last one stopped), records every decision through the store's human commands
/// (origin `review`), and undoes with compensating decisions, never deletions.
///
/// ```swift
/// var session = try ReviewSession(store: store, document: document, coder: "amira")
/// while let item = session.current { print(item.sentence); try session.handle(.confirm) }
/// ```
public struct ReviewSession: Sendable {
    /// What the coder can do.
    public enum Input: Hashable, Sendable {
        /// Confirm the current suggestion.
        case confirm
        /// Reject it.
        case reject
        /// Its tag is right but the subject is not: reject it and record the tag with this subject.
        case changeSubject(Subject)
        /// Add a tag by hand, anchored on the current evidence (or on nothing when all are reviewed).
        case add(TagKey)
        /// Record or correct a person's demographics (fields left nil keep their values).
        case person(Person)
        /// Undo the last decision-making input of this session.
        case undo
        /// Leave the current suggestion pending and go to the next.
        case skip
    }

    /// A suggestion as the coder sees it.
    public struct Item: Hashable, Sendable {
        public var suggestion: StoredSuggestion
        /// The sentence holding the first evidence span (the span itself when no sentence does).
        public var sentence: String
        /// The evidence spans inside ``sentence``, as UTF-8 offsets into it.
        public var highlights: [TextRange]
        /// The first evidence's rule (or `category` for the suggested category).
        public var rule: String { suggestion.rule }
    }

    /// The outcome of one input, for the status line.
    public struct Outcome: Hashable, Sendable {
        public var message: String
        /// The decisions recorded (empty for skip and person).
        public var decisions: [Decision]
    }

    private let store: AnnotationStore
    private let document: ReviewDocument
    /// The coder.
    public let coder: String
    /// The pending suggestions when the session started, in reading order.
    public private(set) var items: [StoredSuggestion]
    /// Index of the current item in ``items`` (== items.count when done).
    public private(set) var index = 0
    /// Decisions of this session per input, for undo: (item index, decision ids).
    private var history: [(index: Int, decisions: [Decision], undoCount: @Sendable (inout ReviewSession) -> Void)] = []
    /// Counts for the closing summary.
    public private(set) var confirmed = 0
    public private(set) var rejected = 0
    public private(set) var added = 0
    public private(set) var skipped = 0
    /// Suggestions of the latest run already decided by this coder when the session began.
    public let alreadyDecided: Int

    /// Loads the coder's pending suggestions of the document (which must be registered
    /// with the same text, e.g. by a suggestion run).
    public init(store: AnnotationStore, document: ReviewDocument, coder: String) throws(StoreError) {
        self.store = store
        self.document = document
        self.coder = coder
        // Reading order: by the first evidence span; suggestions without evidence (the category) last.
        items = try store.pending(document: document.name, coder: coder).enumerated().sorted { lhs, rhs in
            let left = lhs.element.evidence.first?.range.start ?? Int.max
            let right = rhs.element.evidence.first?.range.start ?? Int.max
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        alreadyDecided = try store.latestSuggestions(document: document.name).count - items.count
    }

    /// The suggestion under review, or nil when every one has been seen.
    public var current: Item? {
        guard index < items.count else { return nil }
        return item(items[index])
    }

    /// 1-based position of the current item.
    public var position: Int { min(index + 1, items.count) }

    /// Number of suggestions in this session.
    public var total: Int { items.count }

    /// Applies an input.
    @discardableResult
    public mutating func handle(_ input: Input) throws(StoreError) -> Outcome {
        switch input {
        case .confirm:
            guard let item = items[safe: index] else { return Outcome(message: "nothing left to confirm", decisions: []) }
            let decision = try store.confirm(document: document.name, key: item.key, coder: coder, origin: .review)
            return advance(with: [decision], message: "confirmed \(item.key)", count: { $0.confirmed += 1 }, undoCount: { $0.confirmed -= 1 })
        case .reject:
            guard let item = items[safe: index] else { return Outcome(message: "nothing left to reject", decisions: []) }
            let decision = try store.reject(document: document.name, key: item.key, coder: coder, origin: .review)
            return advance(with: [decision], message: "rejected \(item.key)", count: { $0.rejected += 1 }, undoCount: { $0.rejected -= 1 })
        case .changeSubject(let subject):
            guard let item = items[safe: index] else { return Outcome(message: "nothing to change", decisions: []) }
            guard let from = item.key.subject else {
                return Outcome(message: "\(item.key.tag) takes no subject (only characteristic/* tags do)", decisions: [])
            }
            guard from != subject else { return Outcome(message: "the subject is already \(subject.rawValue)", decisions: []) }
            let decisions = try store.changeSubject(
                document: document.name, tag: item.key.tag, from: from, to: subject, coder: coder, origin: .review)
            return advance(
                with: decisions, message: "\(item.key.tag): subject \(from.rawValue) -> \(subject.rawValue)",
                count: { $0.rejected += 1; $0.confirmed += 1 }, undoCount: { $0.rejected -= 1; $0.confirmed -= 1 })
        case .add(let key):
            let anchor = items[safe: index].flatMap { item in
                item.evidence.first.map { Anchoring.anchor(text: document.text, range: $0.range) }
            }
            let decision = try store.add(document: document.name, key: key, coder: coder, anchor: anchor, origin: .review)
            history.append((index, [decision], { @Sendable in $0.added -= 1 }))
            added += 1
            return Outcome(message: "added \(key)", decisions: [decision])
        case .person(let person):
            let stored = try store.recordPerson(document: document.name, person: person, coder: coder, origin: .review)
            return Outcome(message: "recorded \(Self.describe(stored.person))", decisions: [])
        case .undo:
            guard let last = history.popLast() else { return Outcome(message: "nothing to undo in this session", decisions: []) }
            var undone: [Decision] = []
            for decision in last.decisions.reversed() {
                undone.append(try store.undo(decision: decision.id, coder: coder, origin: .review))
            }
            last.undoCount(&self)
            index = last.index
            return Outcome(
                message: "undone: " + last.decisions.map { "\($0.status.rawValue) \($0.key)" }.joined(separator: ", "),
                decisions: undone)
        case .skip:
            guard index < items.count else { return Outcome(message: "nothing to skip", decisions: []) }
            let key = items[index].key
            index += 1
            skipped += 1
            return Outcome(message: "skipped \(key) (still pending)", decisions: [])
        }
    }

    /// Suggestions of this session still pending for the coder.
    public func pendingCount() throws(StoreError) -> Int {
        try store.pending(document: document.name, coder: coder).count
    }

    private mutating func advance(
        with decisions: [Decision], message: String, count: (inout ReviewSession) -> Void,
        undoCount: @escaping @Sendable (inout ReviewSession) -> Void
    ) -> Outcome {
        history.append((index, decisions, undoCount))
        count(&self)
        index += 1
        return Outcome(message: message, decisions: decisions)
    }

    private func item(_ suggestion: StoredSuggestion) -> Item {
        guard let first = suggestion.evidence.first else {
            return Item(suggestion: suggestion, sentence: "(no evidence span: \(suggestion.key.tag) is suggested for the document as a whole)", highlights: [])
        }
        let length = document.text.utf8.count
        var sentence = TextRange(start: first.range.start, end: min(first.range.end, length))
        if let sentenceIndex = document.sentenceIndex(containing: first.range.start) {
            sentence = document.sentences[sentenceIndex]
        }
        let highlights = suggestion.evidence.compactMap { evidence -> TextRange? in
            let start = max(evidence.range.start, sentence.start)
            let end = min(evidence.range.end, sentence.end)
            guard start < end else { return nil }
            return TextRange(start: start - sentence.start, end: end - sentence.start)
        }
        return Item(suggestion: suggestion, sentence: document.substring(sentence), highlights: highlights)
    }

    /// "victim: female, 34, white (Maya)".
    public static func describe(_ person: Person) -> String {
        let fields = [person.gender?.rawValue, person.age?.description, person.ethnicity?.rawValue].compactMap { $0 }
        return "\(person.subject.rawValue): " + (fields.isEmpty ? "no demographics" : fields.joined(separator: ", "))
            + (person.name.map { " (\($0))" } ?? "")
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
