import Testing

@testable import Tagging

@Suite struct PairSetTests {
    /// The evidence de-duplication set: every pair is new once, whatever the growth in between,
    /// pairs differing in either value are distinct, and a first value of 0 is a real value.
    @Test func reportsEachPairNewExactlyOnceAcrossGrowth() {
        var set = PairSet()
        var state: UInt64 = 99
        var expected = Set<[UInt64]>()
        var mismatches = 0
        for _ in 0..<20000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Small slots and ranges: many repeats, as evidence of one key over one span.
            let first = (state >> 40) % 50
            let second = (state >> 20) % 300
            let isNew = expected.insert([first, second]).inserted
            if set.insert(first, second) != isNew { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(expected.count > 4096)  // grew past the first 2048 slots more than once
        #expect(set.insert(0, 0) == !expected.contains([0, 0]))
        #expect(set.insert(0, 0) == false)
        #expect(set.insert(1, 0) == !expected.contains([1, 0]))
    }
}
