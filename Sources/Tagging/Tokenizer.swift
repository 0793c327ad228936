#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel
#endif

/// The word tokens of a text: byte ranges, vocabulary classes and shape flags, in parallel arrays.
///
/// Words are runs of ASCII letters and digits and of non-ASCII letters; everything else
/// (spaces, punctuation, hyphens, apostrophes including `’`, dashes, quotes, NBSP) separates
/// words. Lower-casing is ASCII-only and happens while hashing, so the text is never copied.
struct Tokens: Sendable {
    /// Flag: the word starts with an upper-case ASCII letter.
    static let capitalised: UInt8 = 1
    /// Flag: the word is all digits.
    static let digits: UInt8 = 2
    /// Flag: the word is one upper-case letter ("A" in "Adult A").
    static let singleCapital: UInt8 = 4

    /// UTF-8 start offset of each word in the text.
    var starts: [Int32] = []
    /// UTF-8 end offset (exclusive) of each word.
    var ends: [Int32] = []
    /// Vocabulary class of the word, or -1 when no rule uses it.
    var classes: [Int32] = []
    /// Wildcard-prefix class of the word (longest matching `prefix*`), or -1.
    var prefixes: [Int32] = []
    /// Shape flags.
    var flags: [UInt8] = [] {
        didSet { lowerCaseHashes = nil }
    }
    /// FNV-1a hash of the lower-cased word (names are looked up by it).
    var hashes: [UInt64] = [] {
        didSet { lowerCaseHashes = nil }
    }
    /// The hashes of the words written without a capital first letter, as the tokenizer collects
    /// them while it reads a text; nil for tokens put together otherwise or changed since (any
    /// change of ``flags`` or ``hashes`` drops it), and people discovery then reads those columns.
    var lowerCaseHashes: GrowingWordSet?

    var count: Int { starts.count }

    mutating func reserve(_ capacity: Int) {
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
        classes.reserveCapacity(capacity)
        prefixes.reserveCapacity(capacity)
        flags.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }
}

/// Byte classes for tokenising.
enum ByteClass {
    /// The byte belongs to a word (ASCII letter or digit, or any non-ASCII byte).
    static let word: UInt8 = 1
    /// ASCII upper-case letter (the value 2 shifted left by 4 is the lower-casing bit 0x20).
    static let upper: UInt8 = 2
    /// ASCII digit.
    static let digit: UInt8 = 4
    /// A lead byte that may start a separator sequence (C2, E2, EF; see ``separatorLength(_:_:_:)``).
    static let special: UInt8 = 8
    /// A word byte that is not ``special`` (the tokenizer's inner loop tests only this bit).
    static let plain: UInt8 = 16

    /// The class bits of every byte value. Written once when first used, then only read:
    /// `nonisolated(unsafe)` because an immutable pointer is not `Sendable`.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for value in 0..<256 {
            let byte = UInt8(value)
            var bits: UInt8 = isWordByte(byte) ? word : 0
            if byte >= 0x41 && byte <= 0x5A { bits |= upper }
            if byte >= 0x30 && byte <= 0x39 { bits |= digit }
            if byte == 0xC2 || byte == 0xE2 || byte == 0xEF { bits |= special }
            if bits & word != 0 && bits & special == 0 { bits |= plain }
            table[value] = bits
        }
        return UnsafePointer(table)
    }()

    /// Whether a byte continues or starts a word, given the byte after it (for UTF-8
    /// punctuation sequences such as `’` E2 80 99 and NBSP C2 A0, which separate words).
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        if byte < 0x80 {
            return (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
        }
        return true
    }

    /// Length of a non-ASCII separator sequence at `index` (0 when there is none):
    /// E2 80 xx (quotes, dashes, apostrophes, bullets), E2 88 92 (minus), C2 A0 (NBSP), C2 AD (soft hyphen),
    /// C2 AB/BB (guillemets), EF BB BF (BOM).
    @inline(__always)
    static func separatorLength(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        let byte = base[index]
        if byte == 0xE2, index + 2 < end {
            let next = base[index + 1]
            if next == 0x80 || next == 0x81 || next == 0x88 || next == 0x96 || next == 0x97 { return 3 }
            return 0
        }
        if byte == 0xC2, index + 1 < end {
            let next = base[index + 1]
            if next == 0xA0 || next == 0xAD || next == 0xAB || next == 0xBB || next == 0xB7 { return 2 }
            return 0
        }
        if byte == 0xEF, index + 2 < end, base[index + 1] == 0xBB, base[index + 2] == 0xBF { return 3 }
        return 0
    }
}

/// Eight bytes at once (SWAR) for the tokenizer's fast path: per-lane tests whose answer is the
/// lane's top bit.
enum SWAR {
    /// The top bit of every lane.
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The lanes of `chunk` that are ASCII letters or digits (``ByteClass/word`` bytes below 0x80)
    /// and the lanes that are ASCII digits, each as the lane's top bit, and the chunk with bit 7
    /// cleared and bit 5 set in every lane (an ASCII letter or digit lower-cased). No carry crosses
    /// a lane: the additions are on bytes below 0x80 with addends below 0x80.
    @inline(__always)
    static func wordLanes(_ chunk: UInt64) -> (word: UInt64, digits: UInt64, folded: UInt64) {
        let ascii = ~chunk & highBits
        let low = chunk & 0x7F7F_7F7F_7F7F_7F7F
        // Upper-case letters fold onto lower-case ones (and digits stay digits).
        let folded = low | 0x2020_2020_2020_2020
        let letters = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x0505_0505_0505_0505)  // 0x61...0x7A
        let digits = (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646) & ascii  // 0x30...0x39
        return ((letters & ascii) | digits, digits, folded)
    }

    /// The top bit of each byte of `x` (eight lanes) gathered into bits 0-7.
    @inline(__always)
    static func gatherHighBits(_ x: UInt64) -> UInt64 {
        (((x & highBits) &>> 7) &* 0x0102_0408_1020_4080) &>> 56
    }

    /// Bit `i` set when byte `i` of the 64 bytes at `window` is an ASCII letter or digit: the lane
    /// tests of ``wordLanes(_:)`` on two 8-byte lanes at once (vector instructions).
    @inline(__always)
    static func windowWordBits(_ window: UnsafePointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawPointer(window)
        var bits: UInt64 = 0
        for part in 0..<4 {
            let chunk = raw.loadUnaligned(fromByteOffset: part &* 16, as: SIMD2<UInt64>.self)
            let ascii = ~chunk & SIMD2(repeating: highBits)
            let low = chunk & SIMD2(repeating: 0x7F7F_7F7F_7F7F_7F7F)
            let folded = low | SIMD2(repeating: 0x2020_2020_2020_2020)
            let letters = (folded &+ SIMD2(repeating: 0x1F1F_1F1F_1F1F_1F1F)) & ~(folded &+ SIMD2(repeating: 0x0505_0505_0505_0505))
            let digits = (low &+ SIMD2(repeating: 0x5050_5050_5050_5050)) & ~(low &+ SIMD2(repeating: 0x4646_4646_4646_4646))
            let word = (letters | digits) & ascii
            bits |= (gatherHighBits(word[0]) | gatherHighBits(word[1]) &<< 8) &<< UInt64(truncatingIfNeeded: part &* 16)
        }
        return bits
    }

    /// For the 64 bytes at `window`: bit `i` of `word` set when byte `i` is an ASCII letter or
    /// digit (``windowWordBits(_:)``), bit `i` of `high` when it is not ASCII (its top bit). On
    /// x86-64 from SSE2 compares and byte masks (`pmovmskb`), 16 bytes at a time; elsewhere the
    /// lane arithmetic of ``windowWordBits(_:)``.
    @inline(__always)
    static func windowMasks(_ window: UnsafePointer<UInt8>) -> (word: UInt64, high: UInt64) {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
        // Signed compares: a letter folded to lower case plus 0x1F lands in 0x80...0x99 (the
        // lowest 26 signed bytes) and a digit plus 0x50 in 0x80...0x89; no other byte does (a
        // byte of 0x80 or more lands at 0xBF or more, or wraps to 0x00...0x4F).
        let fold = _mm_set1_epi8(0x20)
        let letterBias = _mm_set1_epi8(0x1F)
        let digitBias = _mm_set1_epi8(0x50)
        let letterLimit = _mm_set1_epi8(-128 + 26)
        let digitLimit = _mm_set1_epi8(-128 + 10)
        var word: UInt64 = 0
        var high: UInt64 = 0
        let raw = UnsafeRawPointer(window)
        for part in 0..<4 {
            let bytes = _mm_loadu_si128(raw.advanced(by: part &* 16).assumingMemoryBound(to: __m128i.self))
            let letters = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(bytes, fold), letterBias), letterLimit)
            let digits = _mm_cmplt_epi8(_mm_add_epi8(bytes, digitBias), digitLimit)
            let shift = UInt64(truncatingIfNeeded: part &* 16)
            word |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_or_si128(letters, digits)))) &<< shift
            high |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(bytes))) &<< shift
        }
        return (word, high)
        #else
        return swarWindowMasks(window)
        #endif
    }

    /// ``windowMasks(_:)`` from the lane arithmetic alone (the reference the SSE2 masks are
    /// tested against, and the path on other architectures).
    static func swarWindowMasks(_ window: UnsafePointer<UInt8>) -> (word: UInt64, high: UInt64) {
        let raw = UnsafeRawPointer(window)
        var high: UInt64 = 0
        for part in 0..<8 {
            high |= gatherHighBits(raw.loadUnaligned(fromByteOffset: part &* 8, as: UInt64.self)) &<< UInt64(truncatingIfNeeded: part &* 8)
        }
        return (windowWordBits(window), high)
    }
}
