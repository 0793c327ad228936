import JSONRPC
import Testing
import TestSupport

@testable import LanguageServer


@Suite("Open documents: incremental sync against a reference model")
struct OpenDocumentTests {
    static let pieces = ["a", "é", "’", "🙂", "𐐀", "e\u{301}", " ", "\n", "\r\n", "\r", "word", "café 🙂\n"]

    @Test("random edit sequences apply exactly as the reference model does", arguments: ["utf-16", "utf-8"])
    func randomEdits(encoding: String) {
        var random = SeededGenerator(seed: encoding == "utf-8" ? 7 : 11)
        let lspEncoding = PositionEncoding(rawValue: encoding)!
        for _ in 0..<40 {
            var model = TextModel(text: "Start é’🙂\nline two\r\nthree\rfour", encoding: encoding)
            var document = OpenDocument(uri: "file:///t.txt", languageId: "plaintext", format: .text, name: "t.txt", version: 1, text: model.text)
            for _ in 0..<25 {
                // Several changes per notification, each against the text the previous one left.
                var changes: [OpenDocument.Change] = []
                for _ in 0..<(1 + random.below(3)) {
                    let start = randomPosition(model, &random)
                    let end = random.below(3) == 0 ? start : laterPosition(model, after: start, &random)
                    let inserted = (0..<random.below(3)).map { _ in Self.pieces[random.below(Self.pieces.count)] }.joined()
                    let range: JSONValue = ["start": start, "end": end]
                    model.apply(range: range, text: inserted)
                    changes.append(try! OpenDocument.Change(json: ["range": range, "text": .string(inserted)], index: 0))
                }
                document.apply(changes, encoding: lspEncoding)
                #expect(document.text == model.text)
                if document.text != model.text { return }
            }
        }
    }

    @Test("columns past the end of a line clamp to it, lines past the end clamp to the end of the text")
    func clamping() {
        var document = OpenDocument(uri: "file:///t.txt", languageId: "plaintext", format: .text, name: "t.txt", version: 1, text: "ab🙂\ncd")
        let change = try! OpenDocument.Change(
            json: ["range": ["start": ["line": 0, "character": 99], "end": ["line": 0, "character": 99]], "text": "!"], index: 0)
        document.apply([change], encoding: .utf16)
        #expect(document.text == "ab🙂!\ncd")
        let past = try! OpenDocument.Change(
            json: ["range": ["start": ["line": 9, "character": 0], "end": ["line": 9, "character": 0]], "text": "?"], index: 0)
        document.apply([past], encoding: .utf16)
        #expect(document.text == "ab🙂!\ncd?")
    }

    @Test("format from language id, extension and content")
    func formats() {
        #expect(DocumentKinds.format(languageId: "html", uri: "file:///a.htm", text: "") == .html)
        #expect(DocumentKinds.format(languageId: "xml", uri: "file:///a.xml", text: "<?xml version=\"1.0\"?><pdf2xml>") == .pdfXML)
        #expect(DocumentKinds.format(languageId: "xml", uri: "file:///a.xml", text: "<book/>") == .xml)
        #expect(DocumentKinds.format(languageId: "plaintext", uri: "file:///a.md", text: "") == .markdown)
        #expect(DocumentKinds.format(languageId: "text", uri: "file:///a.txt", text: "") == .text)
        #expect(DocumentKinds.format(languageId: "", uri: "file:///dir.v2/a.xhtml", text: "") == .xml)
        #expect(DocumentKinds.format(languageId: "swift", uri: "file:///a.swift", text: "") == nil)
        #expect(DocumentKinds.path(ofURI: "file:///tmp/caf%C3%A9%20review.txt") == "/tmp/café review.txt")
    }

    private func randomPosition(_ model: TextModel, _ random: inout SeededGenerator) -> JSONValue {
        let lines = model.lines
        let line = random.below(lines.count)
        // Pick a character boundary, then express it in the encoding.
        let content = lines[line]
        let characters = Array(content.indices) + [content.endIndex]
        let index = characters[random.below(characters.count)]
        let prefix = content[content.startIndex..<index]
        return ["line": .int(line), "character": .int(model.encoding == "utf-8" ? prefix.utf8.count : prefix.utf16.count)]
    }

    private func laterPosition(_ model: TextModel, after start: JSONValue, _ random: inout SeededGenerator) -> JSONValue {
        for _ in 0..<10 {
            let candidate = randomPosition(model, &random)
            let (l1, c1) = (start["line"]!.intValue!, start["character"]!.intValue!)
            let (l2, c2) = (candidate["line"]!.intValue!, candidate["character"]!.intValue!)
            if (l2, c2) >= (l1, c1) { return candidate }
        }
        return start
    }
}
