/// An immutable open-addressing hash table from lower-case word bytes to a class id.
///
/// Keys are stored back to back in one byte array; lookups hash with FNV-1a (the same
/// hash the tokenizer computes while scanning), so a word is hashed once and compared once.
struct Vocabulary: Sendable {
    private var keyBytes: [UInt8] = []
    /// Per slot: key offset (or -1 when empty), key length, class id, full hash.
    private var slotOffset: [Int32]
    private var slotLength: [Int32]
    private var slotClass: [Int32]
    private var slotHash: [UInt64]
    private let mask: Int
    /// A 2^18-bit filter over the hashes (32 KB, cache-resident): most words of a text are
    /// in no rule, and the filter rejects them without touching the table.
    private var filter: [UInt64]
    static let filterBits = 18

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// Builds a table for the given words (lower-case) and their class ids.
    init(_ words: [(String, Int32)]) {
        var capacity = 16
        while capacity < words.count * 2 + 2 { capacity <<= 1 }
        mask = capacity - 1
        slotOffset = Array(repeating: -1, count: capacity)
        slotLength = Array(repeating: 0, count: capacity)
        slotClass = Array(repeating: -1, count: capacity)
        slotHash = Array(repeating: 0, count: capacity)
        filter = Array(repeating: 0, count: (1 << Vocabulary.filterBits) / 64)
        for (word, id) in words {
            let bytes = Array(word.utf8)
            let hash = Vocabulary.hash(bytes)
            var slot = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slotOffset[slot] >= 0 {
                if slotHash[slot] == hash, slotLength[slot] == Int32(bytes.count),
                    Array(keyBytes[Int(slotOffset[slot])..<Int(slotOffset[slot]) + bytes.count]) == bytes
                {
                    duplicate = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if duplicate { continue }
            slotOffset[slot] = Int32(keyBytes.count)
            slotLength[slot] = Int32(bytes.count)
            slotClass[slot] = id
            slotHash[slot] = hash
            let bit = Int(truncatingIfNeeded: hash >> 40) & ((1 << Vocabulary.filterBits) - 1)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
            keyBytes.append(contentsOf: bytes)
        }
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return hash
    }

    /// Unsafe views of the table for the tokenizer's loop (valid inside ``withLookup(_:)``).
    struct Lookup {
        let hashes: UnsafePointer<UInt64>
        let offsets: UnsafePointer<Int32>
        let lengths: UnsafePointer<Int32>
        let classes: UnsafePointer<Int32>
        let keys: UnsafePointer<UInt8>
        let mask: Int
        let filter: UnsafePointer<UInt64>

        /// The class of the lower-cased word at `base[start..<start+length]` whose FNV-1a hash
        /// (of the lower-cased bytes) is `hash`, or -1.
        @inline(__always)
        func find(hash: UInt64, base: UnsafePointer<UInt8>, start: Int, length: Int) -> Int32 {
            let bit = Int(truncatingIfNeeded: hash >> 40) & ((1 << Vocabulary.filterBits) - 1)
            if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return -1 }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let offset = offsets[slot]
                if offset < 0 { return -1 }
                if hashes[slot] == hash, Int(lengths[slot]) == length {
                    var index = 0
                    let keyStart = Int(offset)
                    var equal = true
                    while index < length {
                        var byte = base[start + index]
                        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                        if keys[keyStart + index] != byte {
                            equal = false
                            break
                        }
                        index += 1
                    }
                    if equal { return classes[slot] }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Runs `body` with unsafe views of the table.
    func withLookup<R>(_ body: (Lookup) -> R) -> R {
        slotHash.withUnsafeBufferPointer { hashes in
            slotOffset.withUnsafeBufferPointer { offsets in
                slotLength.withUnsafeBufferPointer { lengths in
                    slotClass.withUnsafeBufferPointer { classes in
                        keyBytes.withUnsafeBufferPointer { keys in
                            filter.withUnsafeBufferPointer { bits in
                                let empty: [UInt8] = [0]
                                return empty.withUnsafeBufferPointer { fallback in
                                    body(
                                        Lookup(
                                            hashes: hashes.baseAddress!, offsets: offsets.baseAddress!, lengths: lengths.baseAddress!,
                                            classes: classes.baseAddress!, keys: keys.baseAddress ?? fallback.baseAddress!, mask: mask,
                                            filter: bits.baseAddress!))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The class of the lower-cased word at `base[start..<start+length]`, or -1.
    func lookup(hash: UInt64, base: UnsafePointer<UInt8>, start: Int, length: Int) -> Int32 {
        withLookup { $0.find(hash: hash, base: base, start: start, length: length) }
    }

    /// The class of a lower-case word, or -1 (slow path for building and tests).
    func lookup(_ word: String) -> Int32 {
        let bytes = Array(word.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return -1 }
            return lookup(hash: Vocabulary.hash(bytes), base: base, start: 0, length: bytes.count)
        }
    }
}
