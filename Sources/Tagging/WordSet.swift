import ReviewModel

/// An immutable set of word hashes (the FNV-1a hashes ``Tokens/hashes`` holds) whose probe
/// is a multiply and one or two loads: `Set<UInt64>` runs SipHash on every probe, which showed
/// in the tagger's profile (the word tests of ages, names and cues run for many tokens).
struct WordSet: Sendable, Sequence {
    /// Open addressing, 0 marks an empty slot (a member 0 is kept in ``hasZero``).
    private let slots: [UInt64]
    private let mask: Int
    private let hasZero: Bool
    /// The members, in the order given (duplicates removed).
    let members: [UInt64]

    init<S: Sequence>(_ hashes: S) where S.Element == UInt64 {
        var unique: [UInt64] = []
        var seen = Set<UInt64>()
        for hash in hashes where seen.insert(hash).inserted { unique.append(hash) }
        members = unique
        var capacity = 8
        while capacity < unique.count * 4 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        var hasZero = false
        for hash in unique {
            if hash == 0 {
                hasZero = true
                continue
            }
            var slot = WordSet.slot(hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = hash
        }
        self.slots = slots
        self.mask = capacity - 1
        self.hasZero = hasZero
    }

    @inline(__always)
    static func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 40) }

    /// Whether the non-zero `hash` is in open-addressing `slots` (0: empty) of `mask + 1` slots
    /// (the probe of ``WordSet`` and ``GrowingWordSet``).
    @inline(__always)
    static func probe(_ slots: [UInt64], mask: Int, _ hash: UInt64) -> Bool {
        slots.withUnsafeBufferPointer { slots in
            var slot = WordSet.slot(hash) & mask
            while true {
                let stored = slots[slot]
                if stored == hash { return true }
                if stored == 0 { return false }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether the hash is a member.
    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        if hash == 0 { return hasZero }
        return WordSet.probe(slots, mask: mask, hash)
    }

    var count: Int { members.count }

    /// The members and another sequence's, as a `Set`.
    func union<S: Sequence>(_ other: S) -> Set<UInt64> where S.Element == UInt64 { Set(members).union(other) }

    func makeIterator() -> IndexingIterator<[UInt64]> { members.makeIterator() }
}

/// A growing set of word hashes, probed like ``WordSet``: the tokenizer adds the hash of each
/// word it reads without its word cache (so at least each distinct spelling once).
struct GrowingWordSet: Sendable {
    /// Open addressing, 0 marks an empty slot (a member 0 is kept in ``hasZero``).
    private var slots: [UInt64]
    private var mask: Int
    private var hasZero = false
    /// The number of members.
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ hash: UInt64) -> Int { WordSet.slot(hash) }

    /// Adds a hash (no change when it is a member).
    mutating func insert(_ hash: UInt64) {
        if hash == 0 {
            if !hasZero { count += 1 }
            hasZero = true
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = self.mask
        let added: Bool = slots.withUnsafeMutableBufferPointer { slots in
            var slot = GrowingWordSet.slot(hash) & mask
            while true {
                let stored = slots[slot]
                if stored == hash { return false }
                if stored == 0 {
                    slots[slot] = hash
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
        if added { count += 1 }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for hash in old where hash != 0 {
            var slot = GrowingWordSet.slot(hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = hash
        }
    }

    /// Whether the hash is a member.
    func contains(_ hash: UInt64) -> Bool {
        if hash == 0 { return hasZero }
        return WordSet.probe(slots, mask: mask, hash)
    }
}

/// An immutable map from word hashes to small integers, probed like ``WordSet``.
struct WordTable: Sendable {
    private let keys: WordSetSlots
    /// The entries, in the order given (a later duplicate key replaces the value).
    let entries: [(UInt64, Int)]

    init(_ pairs: [(UInt64, Int)]) {
        var order: [UInt64] = []
        var values: [UInt64: Int] = [:]
        for (key, value) in pairs {
            if values.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        entries = order.map { ($0, values[$0]!) }
        keys = WordSetSlots(entries)
    }

    /// The value of a hash, or nil.
    @inline(__always)
    subscript(_ hash: UInt64) -> Int? { keys.value(hash) }

    /// The keys, in the order given.
    var keysInOrder: [UInt64] { entries.map(\.0) }
}

/// The slots of a ``WordTable``.
struct WordSetSlots: Sendable {
    private let slots: [UInt64]
    private let values: [Int]
    private let mask: Int
    private let zeroValue: Int?

    init(_ entries: [(UInt64, Int)]) {
        var capacity = 8
        while capacity < entries.count * 4 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        var values = [Int](repeating: 0, count: capacity)
        var zeroValue: Int?
        for (hash, value) in entries {
            if hash == 0 {
                zeroValue = value
                continue
            }
            var slot = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 40) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = hash
            values[slot] = value
        }
        self.slots = slots
        self.values = values
        self.mask = capacity - 1
        self.zeroValue = zeroValue
    }

    @inline(__always)
    func value(_ hash: UInt64) -> Int? {
        if hash == 0 { return zeroValue }
        var slot = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while true {
            let stored = slots[slot]
            if stored == hash { return values[slot] }
            if stored == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }
}

/// The last entity seen per gender: a `[Gender: Int]` without hashing (the sweep updates it
/// for every resolved mention).
struct GenderMap: Sendable, Equatable {
    private var female: Int?
    private var male: Int?

    init() {}

    @inline(__always)
    subscript(_ gender: Gender) -> Int? {
        get {
            switch gender {
            case .female: female
            case .male: male
            }
        }
        set {
            switch gender {
            case .female: female = newValue
            case .male: male = newValue
            }
        }
    }
}
