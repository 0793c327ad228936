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
    /// Names → entity, keyed by the hash of their first word.
    var names: [UInt64: [(NameKey, Int, String)]] = [:]
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
    var relatives: [[Int]: Int] = [:]

    func entityIndex(for name: NameKey) -> Int? {
        guard let first = name.hashes.first else { return nil }
        return names[first]?.first { $0.0 == name }?.1
    }

    mutating func register(name: NameKey, display: String, entity: Int) {
        guard let first = name.hashes.first else { return }
        if names[first]?.contains(where: { $0.0 == name }) == true { return }
        names[first, default: []].append((name, entity, display))
        let bit = Int(truncatingIfNeeded: first >> 52)
        nameStarts[bit >> 6] |= 1 << UInt64(bit & 63)
        if entities[entity].name == nil { entities[entity].name = display }
    }

    /// The relative entity of `owner` for kin entry `kin`, created on first use.
    mutating func relative(owner: Int?, kin: Int, lexicon: Codebook.PeopleLexicon) -> Int {
        let key = [owner ?? -1, kin]
        if let existing = relatives[key] { return existing }
        let entry = lexicon.kin[kin]
        entities.append(Entity(role: .other, gender: entry.gender, owner: owner, kin: kin, isParent: entry.isParent))
        relatives[key] = entities.count - 1
        return entities.count - 1
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
