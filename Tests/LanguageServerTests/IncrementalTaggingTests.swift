import Foundation
import ReviewModel
import ReviewParsing
import Tagging
import Testing

/// The repository's corpus folder.
private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("corpus")

private func corpusFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
    let readable = ["html", "htm", "xhtml", "xml", "txt", "md"]
    return names.filter { readable.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
}

private func encoded(_ result: TaggingResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(result), as: UTF8.self)
}

@Suite("Incremental tagging (block cache) equals full tagging")
struct IncrementalTaggingTests {
    static let tagger: Tagger? = try? Tagger(codebook: Codebook.loadDefault())

    @Test("on every corpus document, cold and after an edit in one block", arguments: corpusFiles())
    func matchesFullTagging(file: String) throws {
        let tagger = try #require(Self.tagger)
        let reader = DocumentReader()
        let path = corpus.appendingPathComponent(file).path
        let document = try reader.read(path: path)
        var cache = TaggingCache()
        expectSameAsFull(try encoded(tagger.tag(document, cache: &cache)), document, tagger, file)

        // Edit the source in the middle of some block's text, re-read, re-tag through the cache.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        guard let block = document.blocks.dropFirst(document.blocks.count / 2).first(where: { $0.range.length > 20 }) else { return }
        var offset = document.sourceMap.sourceOffset(ofText: block.range.start + 5)
        while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
        bytes.insert(contentsOf: Array(" alcohol misuse ".utf8), at: offset)
        let edited = try reader.read(bytes: bytes, name: path, format: nil)
        expectSameAsFull(try encoded(tagger.tag(edited, cache: &cache)), edited, tagger, "\(file) after an edit")
        #expect(cache.reusedBlocks >= edited.blocks.count - 3)
    }

    /// Expects `incremental` to be what full tagging gives. Full tagging is not deterministic on
    /// some documents (people and subjects vary between runs; a known issue of the tagger), so the
    /// incremental result must be one of the results of several full runs.
    private func expectSameAsFull(_ incremental: String, _ document: ReviewDocument, _ tagger: Tagger, _ what: String) {
        var outputs: Set<String> = [(try? encoded(tagger.tag(document))) ?? ""]
        if outputs.contains(incremental) { return }
        for _ in 0..<5 { outputs.insert((try? encoded(tagger.tag(document))) ?? "") }
        if outputs.count > 1 {
            withKnownIssue("Tagger.tag(_:) is not deterministic on \(what): \(outputs.count) different results in several runs") {
                Issue.record("full tagging of \(what) varies")
            }
        }
        #expect(outputs.contains(incremental), "incremental tagging of \(what) differs from every full tagging")
    }
}
