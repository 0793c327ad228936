/// An immutable open-addressing hash table from lower-case word bytes to a class id.
///
/// Keys are stored back to back in one byte array. Words are hashed 8 bytes at a time
/// (``hash(_:)``, the same hash the tokenizer computes from the word's lower-cased chunks), so
/// a word is hashed once and, when its hash and length match a slot, confirmed by comparing
/// its first 8 bytes as one integer (and the rest of a longer word byte by byte).
struct Vocabulary: Sendable {
    private var keyBytes: [UInt8] = []
    /// Per slot: key offset (or -1 when empty), key length, class id, full hash.
    private var slotOffset: [Int32]
    private var slotLength: [Int32]
    private var slotClass: [Int32]
    private var slotHash: [UInt64]
    /// Per slot: the key's first 8 bytes, little-endian, zero-padded.
    private var slotChunk: [UInt64]
    private let mask: Int
    /// A 2^18-bit filter over the hashes: most words of a text are in no rule, and the filter
    /// rejects them without touching the table.
    private var filter: [UInt64]
    static let filterBits = 18

    /// Builds a table for the given words (lower-case) and their class ids.
    init(_ words: [(String, Int32)]) {
        var capacity = 16
        while capacity < words.count * 2 + 2 { capacity <<= 1 }
        mask = capacity - 1
        slotOffset = Array(repeating: -1, count: capacity)
        slotLength = Array(repeating: 0, count: capacity)
        slotClass = Array(repeating: -1, count: capacity)
        slotHash = Array(repeating: 0, count: capacity)
        slotChunk = Array(repeating: 0, count: capacity)
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
            slotChunk[slot] = Vocabulary.chunk(bytes, from: 0)
            let bit = Int(truncatingIfNeeded: hash >> 40) & ((1 << Vocabulary.filterBits) - 1)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
            keyBytes.append(contentsOf: bytes)
        }
    }

    // MARK: - The hash

    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The hash state before the first chunk of a word of `length` bytes.
    @inline(__always)
    static func seed(length: Int) -> UInt64 { 0xcbf2_9ce4_8422_2325 ^ (UInt64(truncatingIfNeeded: length) &* 0x0000_0100_0000_01B3) }

    /// Mixes one 8-byte chunk (little-endian, zero-padded) into the state.
    @inline(__always)
    static func mix(_ state: UInt64, _ chunk: UInt64) -> UInt64 {
        var x = (state ^ chunk) &* multiplier
        x ^= x >> 29
        return x
    }

    /// The final avalanche.
    @inline(__always)
    static func finish(_ state: UInt64) -> UInt64 {
        var x = state &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        x = x &* 0x94D0_49BB_1331_11EB
        x ^= x >> 32
        return x
    }

    /// Bytes `from..<from+8` of `bytes` as a little-endian integer, zero-padded past the end.
    static func chunk(_ bytes: [UInt8], from: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = from
        while index < bytes.count, index < from + 8 {
            value |= UInt64(bytes[index]) << UInt64(8 * (index - from))
            index += 1
        }
        return value
    }

    /// The hash of a lower-case word (the tokenizer computes the same from the text).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var state = seed(length: bytes.count)
        var from = 0
        repeat {
            state = mix(state, chunk(bytes, from: from))
            from += 8
        } while from < bytes.count
        return finish(state)
    }

    /// ASCII lower-casing of 8 word bytes at once. Word bytes are ASCII letters and digits or
    /// non-ASCII bytes; of those, exactly the upper-case letters have bits 7-5 equal to 010.
    @inline(__always)
    static func lowerCased(_ chunk: UInt64) -> UInt64 {
        chunk | ((chunk >> 1) & ~(chunk >> 2) & ~chunk & 0x2020_2020_2020_2020)
    }

    /// The mask of the first `count` bytes (1...8) of a chunk.
    @inline(__always)
    static func byteMask(_ count: Int) -> UInt64 {
        count >= 8 ? UInt64.max : (UInt64(1) << UInt64(8 * count)) &- 1
    }

    /// The lower-cased bytes `from..<from+count` (count 1...8) of the text as a chunk, reading
    /// 8 bytes at once when they lie inside the buffer.
    @inline(__always)
    static func loadLowerChunk(_ base: UnsafePointer<UInt8>, from: Int, count: Int, end: Int) -> UInt64 {
        var value: UInt64
        if from + 8 <= end {
            value = UnsafeRawPointer(base + from).loadUnaligned(as: UInt64.self)
        } else {
            value = 0
            var index = 0
            while index < count {
                value |= UInt64(base[from + index]) << UInt64(8 * index)
                index += 1
            }
        }
        return lowerCased(value) & byteMask(count)
    }

    /// The hash of the lower-cased word `base[start..<start+length]` (a word of the text:
    /// word bytes only), and its first lower-cased chunk.
    @inline(__always)
    static func hashWord(_ base: UnsafePointer<UInt8>, start: Int, length: Int, end: Int) -> (hash: UInt64, first: UInt64) {
        let first = loadLowerChunk(base, from: start, count: min(length, 8), end: end)
        var state = mix(seed(length: length), first)
        var from = start + 8
        let stop = start + length
        while from < stop {
            state = mix(state, loadLowerChunk(base, from: from, count: min(stop - from, 8), end: end))
            from += 8
        }
        return (finish(state), first)
    }

    /// The hash of the first `length` bytes of a word whose lower-cased chunks are known.
    @inline(__always)
    static func hashPrefix(_ base: UnsafePointer<UInt8>, start: Int, length: Int, first: UInt64, end: Int) -> (hash: UInt64, first: UInt64) {
        if length <= 8 {
            let head = first & byteMask(length)
            return (finish(mix(seed(length: length), head)), head)
        }
        return hashWord(base, start: start, length: length, end: end)
    }

    // MARK: - Lookup

    /// Unsafe views of the table for the tokenizer's loop (valid inside ``withLookup(_:)``).
    struct Lookup {
        let hashes: UnsafePointer<UInt64>
        let chunks: UnsafePointer<UInt64>
        let offsets: UnsafePointer<Int32>
        let lengths: UnsafePointer<Int32>
        let classes: UnsafePointer<Int32>
        let keys: UnsafePointer<UInt8>
        let mask: Int
        let filter: UnsafePointer<UInt64>

        /// The class of the word at `base[start..<start+length]` whose hash is `hash` and whose
        /// first lower-cased chunk is `first`, or -1.
        @inline(__always)
        func find(hash: UInt64, first: UInt64, base: UnsafePointer<UInt8>, start: Int, length: Int) -> Int32 {
            let bit = Int(truncatingIfNeeded: hash >> 40) & ((1 << Vocabulary.filterBits) - 1)
            if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return -1 }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let offset = offsets[slot]
                if offset < 0 { return -1 }
                if hashes[slot] == hash, Int(lengths[slot]) == length, chunks[slot] == first {
                    let keyStart = Int(offset)
                    var index = 8
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
            slotChunk.withUnsafeBufferPointer { chunks in
                slotOffset.withUnsafeBufferPointer { offsets in
                    slotLength.withUnsafeBufferPointer { lengths in
                        slotClass.withUnsafeBufferPointer { classes in
                            keyBytes.withUnsafeBufferPointer { keys in
                                filter.withUnsafeBufferPointer { bits in
                                    let empty: [UInt8] = [0]
                                    return empty.withUnsafeBufferPointer { fallback in
                                        body(
                                            Lookup(
                                                hashes: hashes.baseAddress!, chunks: chunks.baseAddress!, offsets: offsets.baseAddress!,
                                                lengths: lengths.baseAddress!, classes: classes.baseAddress!,
                                                keys: keys.baseAddress ?? fallback.baseAddress!, mask: mask, filter: bits.baseAddress!))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The class of a lower-case word, or -1 (slow path for building and tests).
    func lookup(_ word: String) -> Int32 {
        let bytes = Array(word.utf8)
        guard !bytes.isEmpty else { return -1 }
        return bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let hash = Vocabulary.hash(bytes)
            let first = Vocabulary.chunk(bytes, from: 0)
            return withLookup { $0.find(hash: hash, first: first, base: base, start: 0, length: bytes.count) }
        }
    }
}
