import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The corpus documents (top level only).
private func corpusDocuments() -> [String] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { ["html", "htm", "xhtml", "xml", "md", "txt"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        .map { folder.appendingPathComponent($0).path }
}

/// The sentence matching sorts only the matches of one start token (the walk from a token reports
/// only matches starting there): its order must equal an explicitly stable sort by (start, end)
/// of the plain walk's matches, ties kept in walk order.
@Suite struct MatchOrderTests {
    @Test("sentence matches equal the walk's matches stably sorted, on every corpus document", arguments: corpusDocuments())
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
