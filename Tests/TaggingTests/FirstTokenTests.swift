import Testing
@testable import Tagging

/// ``TaggingRun/firstToken(startingAtOrAfter:in:from:)`` (a gallop, then a binary search without
/// branches on the comparisons) against a plain scan, on random ascending token starts.
@Suite struct FirstTokenTests {
    @Test func agreesWithAScan() {
        var random = XorShift(state: 0x5E47_E1CE_0F75)
        var checked = 0
        for _ in 0..<300 {
            // Ascending starts with gaps of 1 to 9 bytes (repeats are allowed: an empty token range).
            var starts: [Int32] = []
            var offset: Int32 = Int32(random.next(5))
            for _ in 0..<random.next(120) {
                starts.append(offset)
                offset += Int32(random.next(9) + (random.next(4) == 0 ? 0 : 1))
            }
            starts.withUnsafeBufferPointer { buffer in
                for _ in 0..<20 {
                    let from = random.next(starts.count + 1)
                    let target = Int(random.next(Int(offset) + 12)) - 2
                    // The caller's contract: every token before `from` starts before the offset.
                    guard from == 0 || Int(starts[from - 1]) < target else { continue }
                    var expected = from
                    while expected < starts.count, Int(starts[expected]) < target { expected += 1 }
                    #expect(TaggingRun.firstToken(startingAtOrAfter: target, in: buffer, from: from) == expected, "\(starts) from \(from) offset \(target)")
                    checked += 1
                }
            }
        }
        #expect(checked > 2000)
    }
}
