import ReviewModel

/// The per-entry facts of a codebook that the sweep reads for every match, flattened into
/// arrays once at compile time: no `Codebook.Entry` copy (a dozen reference-counted fields)
/// and no string comparison of facets per match.
///
/// A `final class` with only `let` properties (immutable, so `Sendable`): the sweep takes it
/// per sentence and per piece of evidence, and a struct copy retained and released all ten
/// of its arrays each time.
final class EntryFacts: Sendable {
    /// The facets the sweep treats differently.
    enum Facet: UInt8, Sendable {
        case reviewType
        case category
        case characteristic
        case relationshipType
        case other
    }

    /// The `about` condition of an entry (anything else counts as none).
    enum About: UInt8, Sendable {
        case none
        case incident
        case victim
        case perpetrator
    }

    let tags: [TagID]

    /// What the sweep asks of an entry for every target it attributes, in one record: one array
    /// read per target instead of one per fact (each an array load, a bounds check and a load).
    struct Traits: Sendable {
        var facet: Facet
        var about: About
        var special: Special
        var ignoreContext: Bool
        /// `partner` or `ex-partner` (a child victim has none).
        var isPartnerTag: Bool
        /// The tag is in the relationship facet (between the victim and the perpetrator).
        var isRelationshipTag: Bool
        /// The tag id is a child-victim tag (a relative's condition recorded as the subject's
        /// own), looked up once instead of a string hash per attributed match.
        var childVictimTag: Bool
        /// A characteristic whose possessive inside the phrase is someone else
        /// (``otherPossessiveTags``): the one who did the harm, or the one cared for.
        var possessiveIsOther: Bool
    }

    /// Per entry: its ``Traits``.
    let traits: [Traits]
    /// Per entry: the first entry with the same tag id (their evidence shares one key).
    let canonical: [Int]
    /// The first entry of each tag id.
    let entryOfTag: [TagID: Int]
    /// Per entry and proximity rule: its distance.
    let nearWithin: [[Int]]

    /// Tags the sweep treats by name, recognised once per entry instead of by string
    /// comparisons per target.
    enum Special: UInt8, Sendable {
        case none
        /// `outcome/suicide` (may be the perpetrator's suicide).
        case suicide
        /// `characteristic/gang-involvement`.
        case gangInvolvement
        /// `escalation/pattern-of-physical-violence`.
        case patternOfPhysicalViolence
        /// `context/supported-accommodation`.
        case supportedAccommodation
        /// The characteristics ``TaggingRun/attributionByMeaning(_:target:mentions:)`` attributes
        /// by their meaning.
        case caringResponsibilities
        case childhoodAbuseNeglect
        case domesticAbuseInPregnancy
        case absentParent
        /// `weapon/physical-assault` (blows between the principals are the method wherever told).
        case physicalAssault
        /// `agency/ambulance` (a crew called to the incident is its response, not involvement).
        case ambulance
    }

    /// The characteristic ids a child victim inherits from a parent's characteristic.
    private static let parentalConversions: [String: String] = [
        "mental-health": "parental-mental-health",
        "alcohol-misuse": "household-substance-misuse",
        "substance-misuse": "household-substance-misuse",
        "experiencing-domestic-abuse": "experiencing-domestic-abuse",
    ]

    /// Tags that record a relative's condition as the subject's own.
    private static let childVictimTags: Set<String> = ["parental-mental-health", "household-substance-misuse", "experiencing-domestic-abuse"]

    /// Characteristics whose possessive inside the phrase is not the one who has them: harm
    /// suffered at someone's hands names the one who did the harm ("on the receiving end of his
    /// violence"), and caring names the one cared for ("had been her sole carer").
    private static let otherPossessiveTags: Set<String> = [
        "experiencing-domestic-abuse", "adult-abuse-neglect", "childhood-abuse-neglect", "previous-victimisation",
        "criminal-exploitation", "sexual-exploitation", "cuckooing-or-mate-crime", "caring-responsibilities",
    ]

    /// Per entry: the child-victim tag id a parent's condition with this tag id converts to, or nil.
    let parentalConversion: [String?]

    init(_ codebook: Codebook) {
        var entryOfTag: [TagID: Int] = [:]
        var canonical: [Int] = []
        for (index, entry) in codebook.entries.enumerated() {
            if let first = entryOfTag[entry.tag] {
                canonical.append(first)
            } else {
                entryOfTag[entry.tag] = index
                canonical.append(index)
            }
        }
        self.entryOfTag = entryOfTag
        self.canonical = canonical
        tags = codebook.entries.map(\.tag)
        traits = codebook.entries.map { entry in
            let facet: Facet =
                switch entry.tag.facet {
                case Taxonomy.reviewTypeFacet: .reviewType
                case Taxonomy.categoryFacet: .category
                case Taxonomy.characteristicFacet: .characteristic
                case "relationship-type": .relationshipType
                default: .other
                }
            let about: About =
                switch entry.about {
                case "incident": .incident
                case "victim": .victim
                case "perpetrator": .perpetrator
                default: .none
                }
            let special: Special =
                switch (entry.tag.facet, entry.tag.id) {
                case ("outcome", "suicide"): .suicide
                case (Taxonomy.characteristicFacet, "gang-involvement"): .gangInvolvement
                case ("escalation", "pattern-of-physical-violence"): .patternOfPhysicalViolence
                case ("context", "supported-accommodation"): .supportedAccommodation
                case (_, "caring-responsibilities"): .caringResponsibilities
                case (_, "childhood-abuse-neglect"): .childhoodAbuseNeglect
                case (_, "domestic-abuse-in-pregnancy"): .domesticAbuseInPregnancy
                case (_, "absent-parent"): .absentParent
                case ("weapon", "physical-assault"): .physicalAssault
                case ("agency", "ambulance"): .ambulance
                default: .none
                }
            return Traits(
                facet: facet, about: about, special: special, ignoreContext: entry.ignoreContext,
                isPartnerTag: entry.tag.id == "partner" || entry.tag.id == "ex-partner", isRelationshipTag: entry.tag.facet == "relationship",
                childVictimTag: EntryFacts.childVictimTags.contains(entry.tag.id),
                possessiveIsOther: entry.tag.facet == Taxonomy.characteristicFacet && EntryFacts.otherPossessiveTags.contains(entry.tag.id))
        }
        parentalConversion = codebook.entries.map { EntryFacts.parentalConversions[$0.tag.id] }
        nearWithin = codebook.entries.map { $0.near.map(\.within) }
    }
}

/// A piece of evidence as the sweep records it: its span and rule. Its text and source
/// position are cut once per run, for all evidence together (see
/// ``TaggingRun/flushCollectedEvidence()``).
struct PendingEvidence {
    var range: TextRange
    /// The rule: a pattern index (its id is `CompiledCodebook.ruleIDs[rule]`), or for a rule
    /// id of no pattern ("kin/parent") `-1 - n` for the collector's `n`th extra rule id (see
    /// ``EvidenceCollector/ruleID(_:compiled:)``). An index, not the string: recording a piece
    /// retains nothing.
    var rule: Int32
    /// The piece's (tag, subject) key number (see ``EvidenceCollector``).
    var slot: Int32
}

/// A suppressed match as the sweep records it (text and position cut at the end of the sweep).
struct PendingSuppression {
    /// The codebook entry whose tag is suppressed (``EntryFacts/tags``; an index: recording a
    /// suppression retains no tag strings).
    var entry: Int32
    var range: TextRange
    /// The rule, as ``PendingEvidence/rule``.
    var rule: Int32
    var reason: SuppressedMatch.Reason
    var trigger: String
}

/// The evidence of one tagging run while the sweep collects it: for each piece, its (tag,
/// subject) key's number, keys numbered densely (a codebook entry's four subject variants first, other keys
/// after) — no `TagKey` (two strings) hashed per piece of evidence. Spans only: the text and
/// line/column of every piece are materialised in one forward pass when the sweep ends.
///
/// The duplicate check of (key number, range) pairs looks only at the current sentence's
/// pieces: every range the sweep records lies inside the sentence it sweeps (sentences share
/// no token), so an equal pair can only have been recorded for the same sentence, and a
/// sentence records a piece or two (a hash set over the whole document cost more to clear
/// and probe). A sentence with very many pieces (a long table row) switches to a hash set.
struct EvidenceCollector {
    /// Per entry × subject code (0 none, 1 victim, 2 perpetrator, 3 unknown): key number or -1.
    private var entrySlots: [Int32]
    private var otherSlots: [TagKey: Int32] = [:]
    private(set) var keys: [TagKey] = []
    /// The evidence in the order recorded, each piece with its key number (one flat list: no
    /// list per key to grow and keep unique on every append).
    private(set) var items: [PendingEvidence] = []
    /// The key number of each piece of evidence in the order appended (the incremental sweep
    /// keeps each block's evidence apart with it).
    var order: [Int32] { items.map(\.slot) }
    /// Suppressed matches in the order the sweep found them.
    private(set) var suppressions: [PendingSuppression] = []
    /// Rule ids of no pattern, in the order first recorded (see ``PendingEvidence/rule``).
    private var extraRules: [String] = []
    /// The first piece of the current sentence (see ``beginSentence()``).
    private var sentenceStart = 0
    /// The current sentence's (key number, range) pairs once it has more than
    /// ``EvidenceCollector/scanLimit`` pieces (empty before).
    private var seen = PairSet()
    private var seenInUse = false
    /// Pieces of one sentence compared one by one before the hash set takes over.
    static let scanLimit = 32

    init(entryCount: Int) {
        entrySlots = [Int32](repeating: -1, count: entryCount * 4)
    }

    /// The rule code of a rule id of no pattern (``PendingEvidence/rule``).
    mutating func extraRule(_ rule: String) -> Int32 {
        if let index = extraRules.firstIndex(of: rule) { return -1 - Int32(index) }
        extraRules.append(rule)
        return -Int32(extraRules.count)
    }

    /// The rule id of a rule code (``PendingEvidence/rule``).
    @inline(__always)
    func ruleID(_ rule: Int32, compiled: CompiledCodebook) -> String {
        rule >= 0 ? compiled.ruleIDs[Int(rule)] : extraRules[Int(-1 - rule)]
    }

    /// The rule number (``EvidenceNumbers/rule``) of each extra rule id, in order: the
    /// codebook's number for an id a pattern has too, else one past the codebook's numbers.
    func extraRuleNumbers(compiled: CompiledCodebook) -> [Int32] {
        let distinct = compiled.ruleNumberOfID.count
        return extraRules.enumerated().map { index, rule in compiled.ruleNumberOfID[rule] ?? Int32(distinct + index) }
    }

    /// Makes room for the evidence and suppressed matches of a document with `matchCount`
    /// matches, so that the lists do not grow (copying every piece) while the sweep appends:
    /// generated reviews record about one piece of evidence per five matches and one
    /// suppressed match per seven.
    mutating func reserve(matchCount: Int) {
        items.reserveCapacity(matchCount / 4)
        suppressions.reserveCapacity(matchCount / 6)
    }

    @inline(__always)
    static func code(_ subject: Subject?) -> Int {
        switch subject {
        case nil: 0
        case .victim: 1
        case .perpetrator: 2
        case .unknown: 3
        }
    }

    /// The key number of (canonical entry, subject code), or -1 when it has none yet.
    @inline(__always)
    func existingSlot(entry: Int, code: Int) -> Int { Int(entrySlots[entry * 4 + code]) }

    /// The key number of a (normalised) key; `entry` is the canonical entry of its tag, or nil.
    mutating func slot(_ key: TagKey, entry: Int?) -> Int {
        if let entry {
            let index = entry * 4 + EvidenceCollector.code(key.subject)
            let existing = entrySlots[index]
            if existing >= 0 { return Int(existing) }
            entrySlots[index] = Int32(keys.count)
        } else {
            if let existing = otherSlots[key] { return Int(existing) }
            otherSlots[key] = Int32(keys.count)
        }
        keys.append(key)
        return keys.count - 1
    }

    /// Starts the duplicate check of a new sentence (the sweep calls it for every sentence).
    @inline(__always)
    mutating func beginSentence() {
        sentenceStart = items.count
        if seenInUse {
            seen = PairSet()
            seenInUse = false
        }
    }

    /// Whether (slot, range) is new in the current sentence (the caller then appends it).
    @inline(__always)
    mutating func insert(slot: Int, range: TextRange) -> Bool {
        if !seenInUse {
            if items.count - sentenceStart < EvidenceCollector.scanLimit {
                var index = sentenceStart
                while index < items.count {
                    if items[index].slot == Int32(truncatingIfNeeded: slot), items[index].range == range { return false }
                    index += 1
                }
                return true
            }
            // Many pieces in one sentence: a hash set of the ones so far, then of every new one.
            seenInUse = true
            for index in sentenceStart..<items.count { _ = seen.insert(UInt64(items[index].slot), EvidenceCollector.pairKey(items[index].range)) }
        }
        return seen.insert(UInt64(slot), EvidenceCollector.pairKey(range))
    }

    @inline(__always)
    private static func pairKey(_ range: TextRange) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: range.start)) << 32 | UInt64(UInt32(truncatingIfNeeded: range.end))
    }

    mutating func append(_ evidence: PendingEvidence) {
        items.append(evidence)
    }

    mutating func append(_ suppression: PendingSuppression) {
        suppressions.append(suppression)
    }
}

/// An open-addressing hash set of pairs of 64-bit integers (grows at half load). The first
/// value is stored plus one so that 0 marks an empty slot: one array of pairs, no separate
/// array of used flags to allocate, clear and keep unique on every insert.
struct PairSet {
    private var slots: [(UInt64, UInt64)] = []
    private var count = 0
    private var mask = -1

    /// Inserts the pair; returns whether it was new. `first` must be below `UInt64.max`.
    mutating func insert(_ first: UInt64, _ second: UInt64) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let stored = first &+ 1
        let start = PairSet.position(first, second) & mask
        let mask = self.mask
        let inserted = slots.withUnsafeMutableBufferPointer { slots in
            var slot = start
            while slots[slot].0 != 0 {
                if slots[slot].0 == stored && slots[slot].1 == second { return false }
                slot = (slot + 1) & mask
            }
            slots[slot] = (stored, second)
            return true
        }
        if inserted { count += 1 }
        return inserted
    }

    @inline(__always)
    private static func position(_ first: UInt64, _ second: UInt64) -> Int {
        var x = (first &* 0x9E37_79B9_7F4A_7C15) ^ second
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return Int(truncatingIfNeeded: x)
    }

    /// Makes room for `count` pairs before the next growth (one table of the final size
    /// instead of growing through 2048, 4096, ... slots and rehashing each time).
    mutating func reserve(_ count: Int) {
        var capacity = 2048
        while capacity < count * 2 { capacity <<= 1 }
        if capacity > slots.count { grow(to: capacity) }
    }

    private mutating func grow() {
        // A document records thousands of pairs: start at 2048 slots rather than rehash from 64 up.
        grow(to: max(2048, slots.count * 2))
    }

    private mutating func grow(to capacity: Int) {
        let old = slots
        slots = [(UInt64, UInt64)](repeating: (0, 0), count: capacity)
        mask = capacity - 1
        let mask = self.mask
        slots.withUnsafeMutableBufferPointer { slots in
            for pair in old where pair.0 != 0 {
                var slot = PairSet.position(pair.0 &- 1, pair.1) & mask
                while slots[slot].0 != 0 { slot = (slot + 1) & mask }
                slots[slot] = pair
            }
        }
    }
}
