import Testing
import TestSupport

@testable import ReviewParsing

/// The sixteen-bytes-at-a-time tests of the HTML compaction and the scanner must say what a
/// byte-by-byte scan of the same bytes says. Random bytes (seeded), drawn mostly from the
/// bytes the tests stop at, so that every position and combination turns up.
@Suite struct VectorScanTests {
    /// Bytes the tests look at, with plain letters and non-ASCII bytes between them.
    static let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x26, 0x3B, 0x3C, 0x3E, 0x41, 0x61, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xEE, 0xEF, 0xFF]

    static func randomBytes(_ count: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in
            // Mostly letters, so that runs of 16 plain bytes occur as well.
            Bool.random(using: &generator) && Bool.random(using: &generator)
                ? alphabet.randomElement(using: &generator)! : UInt8(0x61 + Int.random(in: 0..<26, using: &generator))
        }
    }

    /// ``HTMLTextCompaction/plainBytes(_:at:)``: the offset of the first control character,
    /// `<`, `&` or 0xEF among sixteen bytes, else 16.
    @Test func compactionStopsWhereAByteScanStops() {
        var generator = SeededGenerator(seed: 2026_1127_0801)
        var stops = Array(repeating: 0, count: 17)
        for _ in 0..<20_000 {
            let bytes = Self.randomBytes(16, &generator)
            let expected = bytes.firstIndex { $0 < 0x20 || $0 == 0x3C || $0 == 0x26 || $0 == 0xEF } ?? 16
            let found = bytes.withUnsafeBytes { HTMLTextCompaction.plainBytes($0.baseAddress!, at: 0) }
            #expect(found == expected, "\(bytes)")
            stops[expected] += 1
        }
        // Every outcome, 0 to 16, was seen.
        #expect(stops.allSatisfy { $0 > 0 }, "\(stops)")
    }

    /// ``MarkupScanner/isPlainRun(_:_:)`` (sixteen bytes at a time)
    /// against its rule applied byte by byte, on runs as the compaction leaves them (no `<`
    /// or `&`) of every length from 1 to 80, at every offset in a longer buffer.
    @Test func plainRunsAreThoseAByteScanFinds() {
        var generator = SeededGenerator(seed: 2026_1127_0802)
        var outcomes = (plain: 0, not: 0)
        for _ in 0..<4_000 {
            var bytes = Self.randomBytes(100, &generator).map { $0 == 0x3C || $0 == 0x26 ? 0x20 : $0 }
            // Fewer control characters and 0xC2, so that longer runs can be plain.
            for index in bytes.indices where (bytes[index] < 0x20 || bytes[index] == 0xC2) && Int.random(in: 0..<8, using: &generator) > 0 {
                bytes[index] = 0x62
            }
            let start = Int.random(in: 0..<20, using: &generator)
            let end = start + Int.random(in: 1...80, using: &generator)
            let run = bytes[start..<end]
            var expected = run.last != 0x20
            for index in run.indices where run[index] < 0x20 || run[index] == 0xC2 || run[index] == 0x20 && index + 1 < end && run[index + 1] == 0x20 {
                expected = false
            }
            let found = bytes.withUnsafeBufferPointer { MarkupScanner.isPlainRun($0, start..<end) }
            #expect(found == expected, "\(Array(run))")
            if expected { outcomes.plain += 1 } else { outcomes.not += 1 }
        }
        #expect(outcomes.plain > 200 && outcomes.not > 200, "\(outcomes)")
    }
}
