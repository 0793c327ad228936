import Testing

@testable import Tagging

/// ``WordTally`` past its first table: it grows and keeps counting like a dictionary.
@Suite struct WordTallyTests {
    /// 3,000 distinct words (many sharing their home slot) added 12,000 times to tallies that
    /// expect few, some and all of them: the same counts, first tokens and first-added order as a
    /// dictionary, every word found at its position, an absent word not found.
    @Test(arguments: [1, 100, 3000])
    func growingTallyCountsLikeADictionary(capacity: Int) {
        var tally = WordTally(capacity: capacity)
        var reference: [UInt64: (count: Int32, first: Int)] = [:]
        var order: [UInt64] = []
        let words = (0..<1000).map { UInt64($0) << 50 } + (0..<2000).map { Words2.hash("word\($0)") }
        #expect(words.count > WordTally.initialSlots * 4)
        for token in 0..<12000 {
            let hash = words[(token * 7919) % words.count]
            let amount = Int32(token % 3 == 0 ? 2 : 1)
            tally.add(hash, amount: amount, token: token)
            if reference[hash] == nil { order.append(hash) }
            reference[hash, default: (0, token)].count += amount
        }
        #expect(tally.count == words.count)
        #expect(tally.hashes == order)
        var mismatches = 0
        for (position, hash) in tally.hashes.enumerated() {
            if tally.find(hash) != position || tally.counts[position] != reference[hash]!.count
                || Int(tally.firsts[position]) != reference[hash]!.first
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(tally.find(Words2.hash("absent")) == nil)
    }
}
