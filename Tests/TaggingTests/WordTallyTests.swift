import Testing

@testable import Tagging

/// ``WordTally`` past its first table: it grows and keeps counting like a dictionary.
@Suite struct WordTallyTests {
    /// 3,000 distinct words (a thousand of them sharing their home slot) added 12,000 times to
    /// tallies that expect few, some and all of them: the first-added order, totals and first
    /// tokens a dictionary gives, every word found at its position, an absent word not found.
    @Test(arguments: [1, 100, 3000])
    func growingTallyCountsLikeADictionary(capacity: Int) {
        let words = (0..<1000).map { UInt64($0) << 50 } + (0..<2000).map { Words2.hash("word\($0)") }
        #expect(words.count > WordTally.initialSlots * 4)
        let additions = (0..<12000).map { token in
            (hash: words[(token * 7919) % words.count], amount: Int32(token % 3 == 0 ? 2 : 1), token: token)
        }
        var tally = WordTally(capacity: capacity)
        for addition in additions { tally.add(addition.hash, amount: addition.amount, token: addition.token) }
        var seen = Set<UInt64>()
        let order = additions.map(\.hash).filter { seen.insert($0).inserted }
        let totals = Dictionary(additions.map { ($0.hash, $0.amount) }, uniquingKeysWith: +)
        let firsts = Dictionary(additions.map { ($0.hash, $0.token) }, uniquingKeysWith: { first, _ in first })
        #expect(order.count == words.count)
        #expect(tally.hashes == order)
        #expect(tally.counts == order.map { totals[$0]! })
        #expect(tally.firsts.map(Int.init) == order.map { firsts[$0]! })
        #expect(order.map { tally.find($0) ?? -1 } == Array(order.indices))
        #expect(tally.find(Words2.hash("absent")) == nil)
    }
}
