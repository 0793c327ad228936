import Testing
@testable import Tagging

/// People discovery's shortcuts against the general steps they skip.
@Suite struct DiscoveryFastPathTests {
    /// ``TaggingRun/hasNestedKin(_:)`` is true exactly when ``TaggingRun/dropNestedKins(_:)``
    /// drops something (so skipping the call when it is false changes nothing), on random kin
    /// lists: overlapping, nested, equal and disjoint spans in match order.
    @Test func nestedKinTestAgreesWithTheDrop() {
        let run = TaggingRun(compiled: sharedTagger.compiled, document: makeDocument("Her former partner and his birth mother."))
        var random = XorShift(state: 0x4B1D_5E57_ED01)
        var nested = 0
        for _ in 0..<4000 {
            var kins: [(Match, Int)] = (0..<(2 + random.next(4))).map { index in
                let start = random.next(8)
                return (Match(pattern: Int32(random.next(50)), start: Int32(start), end: Int32(start + 1 + random.next(3))), index)
            }
            kins.sort { ($0.0.start, $0.0.end) < ($1.0.start, $1.0.end) }
            var dropped = kins
            run.dropNestedKins(&dropped)
            let expected = dropped.count < kins.count
            #expect(TaggingRun.hasNestedKin(kins) == expected, "\(kins.map { ($0.0.start, $0.0.end) })")
            if expected { nested += 1 } else { #expect(dropped.map(\.1) == kins.map(\.1)) }
        }
        // Both kinds of list were drawn.
        #expect(nested > 400 && nested < 3600)
    }
}
