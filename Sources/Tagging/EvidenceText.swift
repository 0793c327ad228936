import ReviewModel

/// Cuts the texts of many evidence spans from one document's UTF-8 bytes, one `String` per
/// distinct text: a phrase a review repeats ("domestic abuse", "her partner") is decoded and
/// allocated once, and every later span with the same bytes shares that string (a retain).
/// The strings are the ones ``TaggingRun/substring(_:_:)`` cuts, equal byte for byte.
///
/// An open-addressing table of (hash, span, string index) over the spans cut so far; a probe
/// hashes the span's length and end chunks and confirms a hit by comparing the bytes. The
/// string index is the text's number (``EvidenceNumbers/text``): equal bytes, equal number.
struct EvidenceTexts {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Per slot: the number of a distinct text (its entry and string), or -1 when empty.
    private var slots: [Int32]
    /// Per distinct text: its hash and span, in one list (a probe reads one entry: three lists
    /// of them cost a bounds check each).
    private var entries: [Entry] = []
    private var strings: [String] = []
    private var mask: Int

    private struct Entry {
        var hash: UInt64
        var start: Int32
        var length: Int32
    }

    /// A cutter for about `expected` spans of `bytes`. Reviews repeat their phrases: the table
    /// (of distinct texts) starts at half that many slots and grows if it must, rather than
    /// clearing room for every span to be distinct.
    init(_ bytes: UnsafeBufferPointer<UInt8>, expected: Int) {
        self.bytes = bytes
        var capacity = 64
        while capacity < expected / 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        let distinct = capacity / 2
        entries.reserveCapacity(distinct)
        strings.reserveCapacity(distinct)
    }

    /// The text of `range` when both ends fall on scalar boundaries (nil otherwise, as
    /// ``TaggingRun/substring(_:_:)``).
    mutating func text(_ range: TextRange) -> String? { cut(range)?.text }

    /// ``text(_:)`` with the text's number: the order in which its bytes were first cut.
    mutating func cut(_ range: TextRange) -> (text: String, number: Int32)? {
        guard range.start >= 0, range.start <= range.end, range.end <= bytes.count, let base = bytes.baseAddress else { return nil }
        if range.start < bytes.count, base[range.start] & 0xC0 == 0x80 { return nil }
        if range.end < bytes.count, base[range.end] & 0xC0 == 0x80 { return nil }
        let start = range.start
        let length = range.end - range.start
        let end = base + bytes.count
        let hash = EvidenceTexts.hash(base, start: start, length: length, end: bytes.count)
        let mask = self.mask
        // The table probed through buffers: the text's number when it is there, else `-1 - slot`
        // for the empty slot where it goes.
        let probe = slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                var slot = Int(truncatingIfNeeded: hash >> 20) & mask
                while true {
                    let stored = Int(slots[slot])
                    if stored < 0 { return -1 - slot }
                    let entry = entries[stored]
                    if entry.hash == hash, Int(entry.length) == length,
                        EvidenceTexts.equal(base + Int(entry.start), base + start, length, end: end)
                    {
                        return stored
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        if probe >= 0 { return (strings[probe], Int32(truncatingIfNeeded: probe)) }
        let string = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        let number = Int32(truncatingIfNeeded: strings.count)
        slots[-1 - probe] = number
        entries.append(Entry(hash: hash, start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: length)))
        strings.append(string)
        if strings.count * 2 > slots.count { grow() }
        return (string, number)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for index in entries.indices {
            var slot = Int(truncatingIfNeeded: entries[index].hash >> 20) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: index)
        }
    }

    /// A hash of the `length` bytes from `start`: their length and first and last 8 bytes (two
    /// loads whatever the length; a hit is confirmed by comparing all the bytes). A span of
    /// fewer than 8 bytes near the end of the text is read byte by byte.
    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, start: Int, length: Int, end: Int) -> UInt64 {
        let state = Vocabulary.seed(length: length)
        if length >= 8 {
            let first = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
            let last = UnsafeRawPointer(base + (start &+ length &- 8)).loadUnaligned(as: UInt64.self)
            return Vocabulary.mix(Vocabulary.mix(state, first), last)
        }
        var chunk: UInt64 = 0
        if start &+ 8 <= end {
            chunk = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self) & Vocabulary.byteMask(length)
        } else {
            var index = 0
            while index < length {
                chunk |= UInt64(base[start &+ index]) &<< UInt64(truncatingIfNeeded: 8 &* index)
                index &+= 1
            }
        }
        return Vocabulary.mix(state, chunk)
    }

    /// Whether the `length` bytes at `a` and `b` are equal: eight bytes a step, the last eight
    /// (overlapping the step before) in one more load, a span of fewer than 8 bytes in one masked
    /// load when both loads stay before `end` (the buffer's end), else byte by byte.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int, end: UnsafePointer<UInt8>) -> Bool {
        if a == b { return true }
        if length >= 8 {
            var index = 0
            while index &+ 8 < length {
                if UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self) {
                    return false
                }
                index &+= 8
            }
            let last = length &- 8
            return UnsafeRawPointer(a + last).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(b + last).loadUnaligned(as: UInt64.self)
        }
        if a + 8 <= end, b + 8 <= end {
            let mask = Vocabulary.byteMask(length)
            return UnsafeRawPointer(a).loadUnaligned(as: UInt64.self) & mask == UnsafeRawPointer(b).loadUnaligned(as: UInt64.self) & mask
        }
        var index = 0
        while index < length {
            if a[index] != b[index] { return false }
            index &+= 1
        }
        return true
    }
}
