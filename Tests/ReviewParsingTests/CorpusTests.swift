import Foundation
import ReviewModel
import ReviewParsing
import Testing

/// Every sample review under corpus/ parses, has blocks, an exact source map, and the
/// review type its gold annotation (annotations/gold/NAME.json) records.
@Suite struct CorpusTests {
    static let files: [String] = {
        let corpus = repositoryRoot.appendingPathComponent("corpus")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        let supported: Set<String> = ["html", "htm", "xhtml", "xml", "pdf", "txt", "md", "markdown"]
        return names.filter { supported.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
    }()

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 24)
    }

    @Test(arguments: files)
    func parses(name: String) throws {
        let path = repositoryRoot.appendingPathComponent("corpus").appendingPathComponent(name).path
        let document = try DocumentReader().read(path: path)
        #expect(document.blocks.count >= 10)
        #expect(document.blocks.contains { $0.kind == .heading })
        #expect(document.metadata.title?.isEmpty == false)
        let detected = try #require(document.metadata.reviewType, "no review type detected in \(name)")
        let stem = (name as NSString).deletingPathExtension
        let goldPath = repositoryRoot.appendingPathComponent("annotations/gold/\(stem).json")
        if let data = try? Data(contentsOf: goldPath),
            let gold = try JSONSerialization.jsonObject(with: data) as? [String: Any], let expected = gold["reviewType"] as? String
        {
            #expect(detected.id == expected, "\(name): detected \(detected.id) from \"\(detected.evidence)\"")
        } else {
            #expect(detected.id == String(stem.prefix(3)))
        }
        // No block is empty, lines increase, and the map copies verbatim text exactly.
        var previousLine = 0
        for block in document.blocks {
            #expect(block.range.length > 0)
            if document.format != .pdf && document.format != .pdfXML {
                #expect(block.sourceLine >= previousLine || block.kind == .tableCell, "\(name): block lines go backwards")
                previousLine = block.sourceLine
            }
        }
        expectExactMap(document, needles: [])
        // Every piece of text was found in the source (text without a source span would
        // be a segment of length 0 longer than an inserted space).
        // The indexed source-to-text lookup agrees with a plain scan everywhere.
        let sourceCount = document.sourceMap.lines.bytes.count
        for offset in stride(from: 0, through: sourceCount, by: max(1, sourceCount / 2000)) {
            let indexed = document.sourceMap.textOffset(ofSource: offset)
            let scanned = document.sourceMap.textOffsetByScanning(ofSource: offset)
            if indexed != scanned {
                Issue.record("\(name): source offset \(offset) maps to \(indexed), scan says \(scanned)")
                break
            }
        }
        let unlocated = document.sourceMap.segments.filter { $0.sourceLength == 0 && $0.textLength > 1 }
        #expect(unlocated.isEmpty, "\(name): \(unlocated.count) pieces of text have no source span")
    }
}
