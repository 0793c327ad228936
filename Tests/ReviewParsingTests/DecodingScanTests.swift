import Foundation
import Testing
import TestSupport

@testable import ReviewParsing

/// The decoder's ASCII skipping (thirty-two, then eight bytes at a time) must find what a
/// byte-by-byte reading finds: the first invalid UTF-8 byte, and the Windows-1252 text.
@Suite struct DecodingScanTests {
    /// Random bytes in ASCII runs of every length around the vector widths, with valid and
    /// broken UTF-8 sequences and Windows-1252 bytes between them.
    static func randomText(_ generator: inout SeededGenerator) -> [UInt8] {
        let sequences: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x80, 0x99], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xC3], [0xE2, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0x92], [0xA0]]
        var bytes: [UInt8] = []
        for _ in 0..<(1 + generator.below(6)) {
            bytes += (0..<generator.below(70)).map { _ in UInt8(0x20 + generator.below(0x5F)) }
            if generator.below(3) > 0 { bytes += sequences[generator.below(sequences.count)] }
        }
        return bytes
    }

    /// Where the standard library's decoder first fails: the bytes of the characters it
    /// decoded before.
    static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    @Test func firstInvalidUTF8IsWhereTheStandardDecoderFails() {
        var generator = SeededGenerator(seed: 2026_1127_1210)
        var outcomes = (valid: 0, invalid: 0)
        for _ in 0..<3_000 {
            let bytes = Self.randomText(&generator)
            let found = SourceDecoder.firstInvalidUTF8(bytes)
            #expect(found == Self.firstInvalid(bytes), "\(bytes)")
            if found == nil { outcomes.valid += 1 } else { outcomes.invalid += 1 }
        }
        #expect(outcomes.valid > 300 && outcomes.invalid > 300, "\(outcomes)")
    }

    @Test func windows1252IsTheByteMapping() {
        var generator = SeededGenerator(seed: 2026_1127_1211)
        for _ in 0..<2_000 {
            let bytes = Self.randomText(&generator)
            var expected: [UInt8] = []
            for byte in bytes {
                let scalar = byte < 0x80 ? UInt32(byte) : byte < 0xA0 ? SourceDecoder.windows1252High[Int(byte - 0x80)] : UInt32(byte)
                SourceDecoder.appendUTF8(scalar, to: &expected)
            }
            #expect(SourceDecoder.windows1252(bytes) == expected, "\(bytes)")
        }
    }

    /// A search limited to a prefix (as the DOCTYPE and pdftohtml sniffs search the source)
    /// finds what a search of a copy of that prefix finds: only needles lying whole inside it.
    @Test func findWithALimitSearchesOnlyThePrefix() {
        var generator = SeededGenerator(seed: 2026_1128_0540)
        let needles: [[UInt8]] = [Array("<!DOC".utf8), Array("ab".utf8), Array("b".utf8)]
        var found = 0
        for _ in 0..<2_000 {
            let haystack = (0..<generator.below(40)).map { _ in [UInt8](" <!DOCab".utf8)[generator.below(8)] }
            let needle = needles[generator.below(needles.count)]
            let limit = generator.below(45)
            let start = generator.below(5)
            let expected = SourceDecoder.find(needle, in: Array(haystack.prefix(limit)), from: start)
            #expect(SourceDecoder.find(needle, in: haystack, from: start, limit: limit) == expected, "\(haystack) \(limit)")
            if expected != nil { found += 1 }
        }
        #expect(found > 100)
        // A needle straddling the limit is not found.
        #expect(SourceDecoder.find(Array("ab".utf8), in: Array("xxab".utf8), from: 0, limit: 3) == nil)
        #expect(SourceDecoder.find(Array("ab".utf8), in: Array("xxab".utf8), from: 0, limit: 4) == 2)
    }
}
