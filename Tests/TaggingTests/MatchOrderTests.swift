import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The sentence matching sorts a sentence's matches only when the walk reported them out of
/// order, with the standard sort: the result must equal an explicitly stable sort by (start, end)
/// of the plain walk's matches, ties kept in walk order.
@Suite struct MatchOrderTests {
    @Test("sentence matches equal the walk's matches stably sorted, on every corpus document", arguments: corpusPaths())
    func corpusDocument(path: String) throws {
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        for sentence in run.sentences {
            var walked: [Match] = []
            sharedTagger.compiled.matcher.match(run.tokens, from: sentence.tokenFrom, to: sentence.tokenTo, into: &walked)
            let reference = walked.indices.sorted { a, b in
                (walked[a].start, walked[a].end, a) < (walked[b].start, walked[b].end, b)
            }.map { walked[$0] }
            #expect(Array(run.matches[sentence.matchFrom..<sentence.matchTo]) == reference, "\(path): \(sentence.range)")
        }
    }
}
