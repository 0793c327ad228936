/// Counts per word hash (the hashes ``Tokens/hashes`` holds), in the order the words were
/// first added: a `[UInt64: (Int, Int)]` without SipHash, rehashing or per-key allocation, for
/// people discovery's count of capitalised words. The table starts small and doubles when it is
/// half full (sized for every capitalised token up front, it was mostly empty and clearing it
/// cost more than counting).
struct WordTally {
    /// Per word, in first-added order: its hash, its count and the token where it was first added.
    private(set) var hashes: [UInt64] = []
    private(set) var counts: [Int32] = []
    private(set) var firsts: [Int32] = []
    /// Open addressing: the word's position in `hashes` plus one, 0 for an empty slot.
    private var slots: [Int32]
    private var shift: UInt64
    private var mask: Int

    /// The table's first size (slots): room for half as many words before it grows.
    static let initialSlots = 256

    /// A tally expecting at most `capacity` distinct words (a bound on the storage reserved up
    /// front, not on the words: the table grows past it).
    init(capacity: Int) {
        var size = 16
        var bits: UInt64 = 4
        while size < min(capacity * 2, WordTally.initialSlots) {
            size <<= 1
            bits += 1
        }
        slots = [Int32](repeating: 0, count: size)
        shift = 64 - bits
        mask = size - 1
        hashes.reserveCapacity(min(capacity, 1024))
        counts.reserveCapacity(min(capacity, 1024))
        firsts.reserveCapacity(min(capacity, 1024))
    }

    /// Doubles the table and places every word again (the words keep their order).
    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        shift -= 1
        mask = size - 1
        for position in hashes.indices {
            var slot = home(hashes[position])
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: position + 1)
        }
    }

    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask }

    /// Adds `amount` to the word's count; a new word records `token` as its first.
    @inline(__always)
    mutating func add(_ hash: UInt64, amount: Int32, token: Int) {
        var slot = home(hash)
        while true {
            let stored = Int(slots[slot])
            if stored == 0 {
                hashes.append(hash)
                counts.append(amount)
                firsts.append(Int32(truncatingIfNeeded: token))
                slots[slot] = Int32(truncatingIfNeeded: hashes.count)
                if hashes.count * 2 > slots.count { grow() }
                return
            }
            if hashes[stored - 1] == hash {
                counts[stored - 1] &+= amount
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The word's position in ``hashes``, or nil.
    @inline(__always)
    func find(_ hash: UInt64) -> Int? {
        var slot = home(hash)
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return nil }
            if hashes[stored - 1] == hash { return stored - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Sets the count of the word at `position` (of ``hashes``).
    mutating func setCount(_ count: Int32, at position: Int) { counts[position] = count }

    var count: Int { hashes.count }
}

extension Tokens {
    /// Calls `body` with the token columns people discovery reads, as buffers (no bounds checks
    /// in its per-token loops): flags, hashes, starts, ends, classes, prefixes.
    func withBuffers<R>(
        _ body: (
            UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>,
            UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>
        ) throws -> R
    ) rethrows -> R {
        try flags.withUnsafeBufferPointer { flags in
            try hashes.withUnsafeBufferPointer { hashes in
                try starts.withUnsafeBufferPointer { starts in
                    try ends.withUnsafeBufferPointer { ends in
                        try classes.withUnsafeBufferPointer { classes in
                            try prefixes.withUnsafeBufferPointer { prefixes in try body(flags, hashes, starts, ends, classes, prefixes) }
                        }
                    }
                }
            }
        }
    }
}
