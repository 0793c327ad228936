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

    /// The class of the lower-cased word at `base[start..<end]` whose FNV-1a hash (of the
    /// lower-cased bytes) is `hash`, or -1.
    @inline(__always)
    func lookup(hash: UInt64, base: UnsafePointer<UInt8>, start: Int, length: Int) -> Int32 {
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slotHash.withUnsafeBufferPointer { hashes in
            slotOffset.withUnsafeBufferPointer { offsets in
                while true {
                    let offset = offsets[slot]
                    if offset < 0 { return -1 }
                    if hashes[slot] == hash, Int(slotLength[slot]) == length {
                        let matches = keyBytes.withUnsafeBufferPointer { keys -> Bool in
                            var index = 0
                            let keyStart = Int(offset)
                            while index < length {
                                var byte = base[start + index]
                                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                                if keys[keyStart + index] != byte { return false }
                                index += 1
                            }
                            return true
                        }
                        if matches { return slotClass[slot] }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
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
