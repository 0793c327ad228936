import ReviewModel

/// A person of the document as the tagger tracks them.
struct Entity: Sendable {
    enum Role: Sendable, Equatable {
        case victim
        case perpetrator
        case other
    }

    var role: Role
    /// Display name (the pseudonym as written), if any.
    var name: String?
    var gender: Gender?
    /// For a relative: whose relative (entity index) and which kin entry.
    var owner: Int?
    var kin: Int?
    /// Whether this entity is a parent of `owner`.
    var isParent = false
    var age: Age?
    var ethnicity: Ethnicity?
    var mentioned = false
    /// Where the kin noun that made this person a relative was found.
    var kinEvidence: TextRange?

    var subject: Subject? {
        switch role {
        case .victim: .victim
        case .perpetrator: .perpetrator
        case .other: nil
        }
    }
}

/// One mention of a person in a sentence.
struct Mention: Sendable {
    enum Kind: Sendable, Equatable {
        case role
        case name
        case pronoun(possessive: Bool)
        case kin
    }

    var start: Int
    var end: Int
    /// Entity index, or nil when it could not be resolved.
    var entity: Int?
    var kind: Kind
    /// A pronoun's gender.
    var gender: Gender? = nil
}

/// A declared name: lower-case word hashes and the entity it stands for.
struct NameKey: Hashable, Sendable {
    var hashes: [UInt64]
}

/// Finds the people of a document and resolves mentions to them.
struct PeopleModel {
    static let victim = 0
    static let perpetrator = 1

    var entities: [Entity] = [Entity(role: .victim), Entity(role: .perpetrator)]
    /// Names → entity, keyed by the hash of their first word. Changed only through
    /// ``register(name:display:entity:)`` and the `reassign` methods, which keep ``nameTable`` in step.
    private(set) var names: [UInt64: [(NameKey, Int, String)]] = [:]
    /// The same names for ``TaggingRun/lookupName(at:limit:)``, probed without hashing or copies.
    private(set) var nameTable = NameTable()
    /// A 4096-bit filter over the first-word hashes of `names` (kept by ``register(name:display:entity:)``,
    /// the only place that adds a key): most capitalised words start no name, and the filter
    /// answers for them without a dictionary probe.
    private(set) var nameStarts = [UInt64](repeating: 0, count: 64)

    /// Whether some name may start with the word of this hash (false: certainly none).
    @inline(__always)
    func mayStartName(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash >> 52)
        return nameStarts[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
    /// The perpetrator's relation to the victim (a relationship-type id), when the text links them.
    var perpetratorRelation: String?
    var perpetratorRelationEvidence: TextRange?
    /// Whether the victim is a child (children's review or stated age under 18).
    var victimIsChild = false
    /// Whether "the subject of the review" is the perpetrator (independent investigations).
    var subjectIsPerpetrator = false
    /// Third-party entities by (owner, kin index).
    var relatives = RelativeTable()

    func entityIndex(for name: NameKey) -> Int? {
        guard let first = name.hashes.first, mayStartName(first) else { return nil }
        return nameTable.entity(of: name.hashes)
    }

    mutating func register(name: NameKey, display: String, entity: Int) {
        guard let first = name.hashes.first else { return }
        if mayStartName(first), nameTable.entity(of: name.hashes) != nil { return }
        names[first, default: []].append((name, entity, display))
        nameTable.add(name.hashes, entity: entity)
        let bit = Int(truncatingIfNeeded: first >> 52)
        nameStarts[bit >> 6] |= 1 << UInt64(bit & 63)
        if entities[entity].name == nil { entities[entity].name = display }
    }

    /// Makes every name of entity `old` stand for `new`.
    mutating func reassignNames(of old: Int, to new: Int) {
        for (first, list) in names where list.contains(where: { $0.1 == old }) {
            names[first] = list.map { $0.1 == old ? ($0.0, new, $0.2) : $0 }
        }
        nameTable.reassign(from: old, to: new)
    }

    /// Makes the name `key` stand for `entity`.
    mutating func reassignName(_ key: NameKey, to entity: Int) {
        guard let first = key.hashes.first, let list = names[first] else { return }
        names[first] = list.map { $0.0 == key ? ($0.0, entity, $0.2) : $0 }
        nameTable.reassign(key.hashes, to: entity)
    }

    /// The relative entity of `owner` for kin entry `kin`, created on first use.
    mutating func relative(owner: Int?, kin: Int, kins: [Codebook.Kin]) -> Int {
        if let existing = relatives.entity(owner: owner, kin: kin) { return existing }
        let entry = kins[kin]
        entities.append(Entity(role: .other, gender: entry.gender, owner: owner, kin: kin, isParent: entry.isParent))
        relatives.add(owner: owner, kin: kin, entity: entities.count - 1)
        return entities.count - 1
    }
}

/// The relatives ``PeopleModel/relative(owner:kin:kins:)`` created, by (owner, kin entry): a short
/// list searched in order. A document has a few dozen at most; as a `[[Int]: Int]` every kin
/// noun the sweep resolved allocated and hashed a key, and an insertion copied the whole table
/// while a copy of the run shared it.
struct RelativeTable: Sendable, Equatable {
    struct Relative: Sendable, Equatable {
        /// Whose relative (an entity index, -1: the text does not say), which kin entry, and the relative's entity.
        var owner: Int
        var kin: Int
        var entity: Int
    }

    /// In the order they were added; one per (owner, kin).
    private(set) var relatives: [Relative] = []

    /// The entity of `owner`'s relative of kin entry `kin`, or nil.
    func entity(owner: Int?, kin: Int) -> Int? {
        let owner = owner ?? -1
        for relative in relatives where relative.owner == owner && relative.kin == kin { return relative.entity }
        return nil
    }

    /// Adds the relative (none yet for `owner` and `kin`).
    mutating func add(owner: Int?, kin: Int, entity: Int) {
        relatives.append(Relative(owner: owner ?? -1, kin: kin, entity: entity))
    }

    /// Makes every relative that is `old` be `new`.
    mutating func reassign(from old: Int, to new: Int) {
        for index in relatives.indices where relatives[index].entity == old { relatives[index].entity = new }
    }

    /// The same relatives, in whatever order (as the dictionary this replaced compared).
    static func == (a: RelativeTable, b: RelativeTable) -> Bool {
        a.relatives.count == b.relatives.count && a.relatives.allSatisfy { b.entity(owner: $0.owner, kin: $0.kin) == $0.entity }
    }
}

/// The inverse of a relationship type: if A is B's `relation`, B is A's `inverse`.
func inverseRelation(_ relation: String) -> String {
    switch relation {
    case "adult-child": "parent"
    case "parent": "adult-child"
    case "partner-of-parent": "step-child"
    default: relation
    }
}

/// Registered names for lookups at a token: per name its word hashes and entity, and per first
/// word a chain of the names that start with it, found by open addressing on the word hash (no
/// SipHash, no copy of a list per probe). Names are only added; their entities may change.
struct NameTable: Sendable {
    /// Per name: where its hashes start in `words`, how many, its entity, and the next name
    /// with the same first word (-1: none).
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private(set) var entities: [Int32] = []
    private var next: [Int32] = []
    private var words: [UInt64] = []
    /// Per slot: the last name added whose first word hashes there and is that word, or -1.
    private var slots = [Int32](repeating: -1, count: 16)

    var count: Int { starts.count }

    @inline(__always)
    private func home(_ hash: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask }

    /// The first name of the chain for names starting with the word `hash`, or -1.
    @inline(__always)
    func chain(_ hash: UInt64) -> Int {
        let mask = slots.count - 1
        var slot = home(hash, mask: mask)
        while true {
            let name = Int(slots[slot])
            if name < 0 || words[Int(starts[name])] == hash { return name }
            slot = (slot + 1) & mask
        }
    }

    /// The longest name that the words `hashes[index...]` spell and that ends at or before
    /// `limit`: its end and entity (end -1 when there is none). Of names of one length, the first
    /// of the chain. Probed in place: no copy of the table's arrays per call.
    func longestName(_ hashes: UnsafeBufferPointer<UInt64>, at index: Int, limit: Int) -> (end: Int, entity: Int) {
        var name = chain(hashes[index])
        var bestEnd = -1
        var bestEntity = 0
        while name >= 0 {
            let length = Int(lengths[name])
            let end = index + length
            if end <= limit, end > bestEnd {
                let from = Int(starts[name])
                var offset = 1
                while offset < length, hashes[index + offset] == words[from + offset] { offset += 1 }
                if offset == length {
                    bestEnd = end
                    bestEntity = Int(entities[name])
                }
            }
            name = Int(next[name])
        }
        return (bestEnd, bestEntity)
    }

    /// The entity of the name with exactly these word hashes, or nil.
    func entity(of key: [UInt64]) -> Int? {
        guard let first = key.first else { return nil }
        var name = chain(first)
        while name >= 0 {
            if Int(lengths[name]) == key.count, words[Int(starts[name])..<Int(starts[name]) + key.count].elementsEqual(key) {
                return Int(entities[name])
            }
            name = Int(next[name])
        }
        return nil
    }

    /// Adds a name (not yet in the table).
    mutating func add(_ key: [UInt64], entity: Int) {
        guard let first = key.first else { return }
        if (starts.count + 1) * 2 > slots.count { grow() }
        let name = Int32(truncatingIfNeeded: starts.count)
        starts.append(Int32(truncatingIfNeeded: words.count))
        lengths.append(Int32(truncatingIfNeeded: key.count))
        entities.append(Int32(truncatingIfNeeded: entity))
        words.append(contentsOf: key)
        let mask = slots.count - 1
        var slot = home(first, mask: mask)
        while slots[slot] >= 0, words[Int(starts[Int(slots[slot])])] != first { slot = (slot + 1) & mask }
        next.append(slots[slot])
        slots[slot] = name
    }

    /// Every name of entity `old` stands for `new`.
    mutating func reassign(from old: Int, to new: Int) {
        for name in entities.indices where entities[name] == Int32(truncatingIfNeeded: old) { entities[name] = Int32(truncatingIfNeeded: new) }
    }

    /// The name `key` stands for `entity`.
    mutating func reassign(_ key: [UInt64], to entity: Int) {
        guard let first = key.first else { return }
        var name = chain(first)
        while name >= 0 {
            if Int(lengths[name]) == key.count, words[Int(starts[name])..<Int(starts[name]) + key.count].elementsEqual(key) {
                entities[name] = Int32(truncatingIfNeeded: entity)
                return
            }
            name = Int(next[name])
        }
    }

    /// Twice the slots, the chains' heads placed again (a chain's order is kept: only heads move).
    private mutating func grow() {
        let old = slots
        slots = [Int32](repeating: -1, count: old.count * 2)
        let mask = slots.count - 1
        for head in old where head >= 0 {
            let first = words[Int(starts[Int(head)])]
            var slot = home(first, mask: mask)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = head
        }
    }
}
