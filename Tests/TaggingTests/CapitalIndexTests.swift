import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The corpus documents (top level only).
private func corpusFiles() -> [String] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { ["html", "htm", "xhtml", "xml", "md", "txt", "pdf"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { folder.appendingPathComponent($0).path }
}

@Suite("Capitalised-token index of people discovery")
struct CapitalIndexTests {
    /// The index's tokens of every sentence against a scan of the sentence's tokens.
    private func expectMatchesScan(_ document: ReviewDocument, _ what: String) throws {
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        let index = CapitalIndex(run.tokens, sentences: run.sentences)
        #expect(index.positions.map(Int.init) == (0..<run.tokens.count).filter { run.isCapitalised($0) }, "\(what): positions")
        var capitalisedSentences = 0
        for (number, sentence) in run.sentences.enumerated() {
            let scan = (sentence.tokenFrom..<sentence.tokenTo).filter { run.isCapitalised($0) }
            let listed = index.tokens(inSentence: number).map(Int.init)
            #expect(listed == scan, "\(what), sentence \(number)")
            if !scan.isEmpty { capitalisedSentences += 1 }
        }
        #expect(capitalisedSentences > 0, "\(what): no sentence with a capitalised word")
    }

    @Test("lists each sentence's capitalised tokens, on every corpus document", arguments: corpusFiles())
    func corpusDocument(path: String) throws {
        let document = try DocumentReader().read(path: path)
        try expectMatchesScan(document, (path as NSString).lastPathComponent)
    }

    @Test("names at sentence starts and ends, one-word sentences and an empty paragraph")
    func edges() throws {
        let text = "Carol. Mr B said Adult A left.\n\nJo\n\n   \n\nShe met Carol's brother, Tariq, on Monday. Then Mr K"
        try expectMatchesScan(makeDocument(text), "edges")
    }
}
