import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// ``NameTable/longestName(_:at:limit:)`` (the name lookup at a token, probed in place) against
/// the people model's dictionary of names, on the people every corpus document yields.
@Suite struct NameLookupTests {
    /// The longest registered name that the tokens from `index` spell, ending by `limit`, from
    /// the dictionary (one name per key: two matching names of one length are one name).
    static func reference(_ run: TaggingRun, at index: Int, limit: Int) -> (end: Int, entity: Int) {
        var best = (end: -1, entity: 0)
        for (key, entity, _) in run.people.names[run.tokens.hashes[index]] ?? [] {
            let end = index + key.hashes.count
            guard end <= limit, end > best.end else { continue }
            if Array(run.tokens.hashes[index..<end]) == key.hashes { best = (end, entity) }
        }
        return best
    }

    @Test("name lookups equal the dictionary's at every token, on every corpus document", arguments: corpusPaths())
    func corpusDocument(path: String) throws {
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        _ = run.analyse()
        #expect(run.people.nameTable.count > 0, "\(path): no names to look up")
        var found = 0
        run.tokens.hashes.withUnsafeBufferPointer { hashes in
            for sentence in run.sentences {
                for index in sentence.tokenFrom..<sentence.tokenTo {
                    // The sentence's end, and limits inside it (a name must end by the limit).
                    for limit in [sentence.tokenTo, min(sentence.tokenTo, index + 1), min(sentence.tokenTo, index + 2)] {
                        let fast = run.people.nameTable.longestName(hashes, at: index, limit: limit)
                        let slow = NameLookupTests.reference(run, at: index, limit: limit)
                        #expect(fast.end == slow.end && (fast.end < 0 || fast.entity == slow.entity), "\(path): token \(index) limit \(limit)")
                        if fast.end >= 0 { found += 1 }
                    }
                }
            }
        }
        #expect(found > 0, "\(path): no name found in the text")
    }
}
