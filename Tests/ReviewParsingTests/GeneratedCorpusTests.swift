import Foundation
import ReviewModel
import Testing

@testable import ReviewParsing

/// tools/generate-corpus.py writes documents the reader understands: a small generated
/// corpus (every format) parses with the review type its manifest records, every piece of
/// text located in the source, and the generator is deterministic.
@Suite struct GeneratedCorpusTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func generate(into directory: String, seed: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = [
            repositoryRoot.appendingPathComponent("tools/generate-corpus.py").path, "--docs", "12", "--size-kb", "12",
            "--seed", String(seed), "--out", directory,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: python != nil, "needs python3"))
    func generatedDocumentsParse() throws {
        let directory = temporaryPath("generated")
        try Self.generate(into: directory, seed: 7)
        let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 12)
        #expect(Set(rows.map { $0[1] }) == ["html", "word", "xhtml", "pdfxml", "text", "markdown"])
        for row in rows {
            let document = try DocumentReader().read(path: directory + "/" + row[0])
            #expect(document.blocks.count > 20, "\(row[0])")
            #expect(document.metadata.reviewType?.id == row[2], "\(row[0]): \(String(describing: document.metadata.reviewType))")
            #expect(document.blocks.contains { $0.kind == .listItem }, "\(row[0])")
            let unlocated = document.sourceMap.segments.filter { $0.sourceLength == 0 && $0.textLength > 1 }
            #expect(unlocated.isEmpty, "\(row[0]): \(unlocated.count) pieces without a source span")
            #expect(!document.text.contains("cookies"), "\(row[0]): cookie banner kept")
            expectExactMap(document, needles: [])
            if row[1] == "html" || row[1] == "word" {
                // The arena tree HTML is read into is the tree libxml2 would build (Word's markup included).
                let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + row[0])))
                let decoded = try SourceDecoder.decode(raw, format: .html, name: row[0], lenient: false).bytes
                let libxml2 = LibXML.htmlTreeOutline(decoded, libxml2Tree: true)
                #expect(LibXML.htmlTreeOutline(decoded, libxml2Tree: false) == libxml2, "\(row[0])")
                // Read with its text compacted, without falling back to the whole source.
                #expect(LibXML.htmlTreeOutline(decoded, .compacted) == libxml2, "\(row[0]): compacted")
            }
        }
    }

    @Test(.enabled(if: python != nil, "needs python3"))
    func generatorIsDeterministic() throws {
        let first = temporaryPath("a")
        let second = temporaryPath("b")
        try Self.generate(into: first, seed: 3)
        try Self.generate(into: second, seed: 3)
        let names = try FileManager.default.contentsOfDirectory(atPath: first).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: second).sorted() == names)
        for name in names {
            #expect(FileManager.default.contentsEqual(atPath: first + "/" + name, andPath: second + "/" + name), "\(name)")
        }
    }
}
