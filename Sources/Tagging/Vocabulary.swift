/// An immutable open-addressing hash table from lower-case word bytes to a class id.
///
/// Keys are stored back to back in one byte array. Words are hashed 8 bytes at a time
/// (``hash(_:)``, the same hash the tokenizer computes from the word's lower-cased chunks), so
/// a word is hashed once and, when its hash and length match a slot, confirmed by comparing
/// its first 8 bytes as one integer (and the rest of a longer word byte by byte).
struct Vocabulary: Sendable {
    /// One table slot (32 bytes: a probe that hits reads one cache line).
    struct Slot: Sendable {
        var hash: UInt64 = 0
        /// The key's first 8 bytes, little-endian, zero-padded.
        var chunk: UInt64 = 0
        /// Key offset in `keyBytes`, or -1 when the slot is empty.
        var offset: Int32 = -1
        var length: Int32 = 0
        var wordClass: Int32 = -1
    }

    private var keyBytes: [UInt8] = []
    private var slots: [Slot]
    private let mask: Int
    /// A filter over the hashes (8 KB, cache-resident): most words of a text are in no rule,
    /// and the filter rejects most of them without touching the table.
    private var filter: [UInt64]
    static let filterBits = 16

    /// Builds a table for the given words (lower-case) and their class ids.
    init(_ words: [(String, Int32)]) {
        var capacity = 16
        while capacity < words.count * 2 + 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = Array(repeating: Slot(), count: capacity)
        filter = Array(repeating: 0, count: (1 << Vocabulary.filterBits) / 64)
        for (word, id) in words {
            let bytes = Array(word.utf8)
            let hash = Vocabulary.hash(bytes)
            var slot = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slots[slot].offset >= 0 {
                let existing = slots[slot]
                if existing.hash == hash, existing.length == Int32(bytes.count),
                    Array(keyBytes[Int(existing.offset)..<Int(existing.offset) + bytes.count]) == bytes
                {
                    duplicate = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if duplicate { continue }
            slots[slot] = Slot(
                hash: hash, chunk: Vocabulary.chunk(bytes, from: 0), offset: Int32(keyBytes.count), length: Int32(bytes.count),
                wordClass: id)
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

    /// The hash of a word from its state after the last chunk. No further avalanche: ``mix(_:_:)``
    /// already folds the product's high bits into the low ones (the table slot), the filter uses
    /// the high bits, and for words of up to 8 bytes the hash is a bijection of the chunk (no
    /// two such words of one length share a hash). The hash is on the tokenizer's critical path.
    @inline(__always)
    static func finish(_ state: UInt64) -> UInt64 { state }

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
        count >= 8 ? UInt64.max : (UInt64(1) &<< UInt64(truncatingIfNeeded: 8 &* count)) &- 1
    }

    /// The lower-cased bytes `from..<from+count` (count 1...8) of the text as a chunk, reading
    /// 8 bytes at once when they lie inside the buffer.
    @inline(__always)
    static func loadLowerChunk(_ base: UnsafePointer<UInt8>, from: Int, count: Int, end: Int) -> UInt64 {
        var value: UInt64
        if from &+ 8 <= end {
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
        var from = start &+ 8
        let stop = start &+ length
        while from < stop {
            state = mix(state, loadLowerChunk(base, from: from, count: min(stop &- from, 8), end: end))
            from &+= 8
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
        let slots: UnsafePointer<Slot>
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
                let entry = slots[slot]
                if entry.offset < 0 { return -1 }
                if entry.hash == hash, Int(entry.length) == length, entry.chunk == first {
                    let keyStart = Int(entry.offset)
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
                    if equal { return entry.wordClass }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Runs `body` with unsafe views of the table.
    func withLookup<R>(_ body: (Lookup) -> R) -> R {
        slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { keys in
                filter.withUnsafeBufferPointer { bits in
                    let empty: [UInt8] = [0]
                    return empty.withUnsafeBufferPointer { fallback in
                        body(
                            Lookup(
                                slots: slots.baseAddress!, keys: keys.baseAddress ?? fallback.baseAddress!, mask: mask,
                                filter: bits.baseAddress!))
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
