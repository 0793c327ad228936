import Foundation
import ReviewModel
import ReviewParsing
import Testing
import TestSupport

/// The repository's corpus folder.
private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("corpus")

/// HTML and XML corpus files (the formats a document is patched in place for).
private func markupFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
    return names.filter { ["html", "htm", "xhtml", "xml"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
}


/// Reads editor bytes as the language server does (a byte-order mark makes them UTF-8).
func readAsServer(_ bytes: [UInt8], name: String) throws -> ReviewDocument {
    try DocumentReader().read(bytes: [0xEF, 0xBB, 0xBF] + bytes, name: name)
}

/// A random edit of `bytes` on character boundaries: an insertion, deletion or replacement of
/// a few characters, ASCII or not.
func randomEdit(of bytes: [UInt8], using generator: inout SeededGenerator) -> SourceEdit {
    let pieces = ["a", "e", "z", "Q", " ", "é", "’", "🙂", "ab", "x y", ".", ",", "-", "Ω", "ü", "1", "7"]
    func boundary(_ offset: Int) -> Int {
        var offset = min(max(0, offset), bytes.count)
        while offset > 0, offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
        return offset
    }
    let start = boundary(Int.random(in: 0...bytes.count, using: &generator))
    var end = start
    let kind = Int.random(in: 0..<3, using: &generator)
    if kind > 0 {
        // Remove one to three characters.
        var count = Int.random(in: 1...3, using: &generator)
        while count > 0, end < bytes.count {
            end += 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            count -= 1
        }
    }
    let inserted = kind == 1 ? [] : Array(pieces.randomElement(using: &generator)!.utf8)
    return SourceEdit(start: start, oldEnd: end, replacement: inserted)
}

/// Everything a parse produces that a patch must reproduce.
func expectSameDocument(_ patched: ReviewDocument, _ parsed: ReviewDocument, _ context: String) {
    #expect(patched.text == parsed.text, "text differs \(context)")
    #expect(patched.blocks == parsed.blocks, "blocks differ \(context)")
    #expect(patched.sentences == parsed.sentences, "sentences differ \(context)")
    #expect(patched.metadata == parsed.metadata, "metadata differs \(context)")
    #expect(patched.sourceMap.segments == parsed.sourceMap.segments, "segments differ \(context)")
    #expect(patched.sourceMap.lines.lineStarts == parsed.sourceMap.lines.lineStarts, "line index differs \(context)")
}

@Suite("In-place document patches equal a full parse")
struct DocumentEditTests {
    @Test("random edits of every HTML and XML corpus file, applied one after another", arguments: markupFiles())
    func randomEdits(file: String) throws {
        var bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
        // An editor holds text: a file in another encoding reaches the server as UTF-8.
        if String(validating: bytes, as: UTF8.self) == nil { bytes = Array(String(decoding: bytes, as: UTF8.self).utf8) }
        var document = try readAsServer(bytes, name: file)
        var generator = SeededGenerator(seed: file.utf8.reduce(UInt64(7)) { $0 &* 31 &+ UInt64($1) })
        var patchedCount = 0
        let rounds = bytes.count > 100_000 ? 30 : 80
        for round in 0..<rounds {
            let edit = randomEdit(of: bytes, using: &generator)
            var next = bytes
            next.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
            let lines = LineIndex(bytes: next)
            let patch = document.patched(by: edit, source: lines)
            guard let parsed = try? readAsServer(next, name: file) else {
                // The edit broke the markup (XML that is no longer well-formed): never patched.
                #expect(patch == nil, "a patch of text the reader refuses (\(file), round \(round))")
                continue
            }
            if let patch {
                patchedCount += 1
                let context = "(\(file), round \(round), edit \(edit.start)..<\(edit.oldEnd) -> \(String(decoding: edit.replacement, as: UTF8.self)))"
                expectSameDocument(patch.document, parsed, context)
                // The change is where the texts differ.
                #expect(patch.change.delta == edit.delta, "text delta \(context)")
                #expect(patch.document.sentences.count == document.sentences.count - patch.change.oldSentenceCount + patch.change.newSentenceCount)
                // Round trips through the patched source map.
                let textLength = patch.document.text.utf8.count
                for _ in 0..<20 {
                    let offset = Int.random(in: 0...textLength, using: &generator)
                    #expect(patch.document.sourceMap.sourceOffset(ofText: offset) == parsed.sourceMap.sourceOffset(ofText: offset), "source offset of \(offset) \(context)")
                    let source = Int.random(in: 0...next.count, using: &generator)
                    #expect(patch.document.sourceMap.textOffset(ofSource: source) == parsed.sourceMap.textOffset(ofSource: source), "text offset of \(source) \(context)")
                }
                document = patch.document
            } else {
                document = parsed
            }
            bytes = next
        }
        // In a long document prose edits are common enough that patches must have been taken
        // (and so checked); short ones are mostly front matter and headings, which are re-parsed.
        if document.blocks.count > 80 { #expect(patchedCount > rounds / 20, "only \(patchedCount) of \(rounds) edits patched in \(file)") }
    }

    @Test("non-ASCII text: é, ’ and emoji before and inside the edited run, both ways")
    func nonASCII() throws {
        let paragraph = "Léa’s neighbour 🙂 said that the café had closed early that evening, and that she had not seen anyone leave the flat after nine o’clock — nor had the warden. "
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Review</title></head><body>\n"
        for index in 0..<60 { html += "<p>\(index). \(paragraph)\(paragraph)</p>\n" }
        html += "</body></html>\n"
        var bytes = Array(html.utf8)
        var document = try readAsServer(bytes, name: "review.html")
        var generator = SeededGenerator(seed: 2024)
        var patchedCount = 0
        for round in 0..<120 {
            // Edits inside the later paragraphs' prose.
            let paragraphStart = bytes.count / 2 + Int.random(in: 0..<(bytes.count / 3), using: &generator)
            var start = paragraphStart
            while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
            var end = start
            if round % 3 != 0 {
                end += 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            }
            let replacement = Array((["é", "’", "🙂", "x", "", "ü"][round % 6]).utf8)
            let edit = SourceEdit(start: start, oldEnd: end, replacement: replacement)
            var next = bytes
            next.replaceSubrange(start..<end, with: replacement)
            let parsed = try readAsServer(next, name: "review.html")
            if let patch = document.patched(by: edit, source: LineIndex(bytes: next)) {
                patchedCount += 1
                expectSameDocument(patch.document, parsed, "(round \(round))")
                // Positions of the patched text in UTF-16 agree with a fresh parse's.
                let offset = patch.change.start + patch.change.newLength
                #expect(patch.document.sourceMap.position(ofText: offset) == parsed.sourceMap.position(ofText: offset))
                document = patch.document
            } else {
                document = parsed
            }
            bytes = next
        }
        #expect(patchedCount > 30)
    }

    @Test("edits a parse could see differently are refused")
    func refusals() throws {
        let long = String(repeating: "The officer wrote to Ms C about the arrears and the repairs to the flat. ", count: 3)
        var html = "<html><body>"
        for index in 0..<45 { html += "<p>Paragraph \(index). \(long)</p>\n" }
        html += "<h2>Findings of the panel</h2>\n<p>Short one.</p>\n<p>\(long)A &amp; B and C.</p></body></html>"
        let bytes = Array(html.utf8)
        let document = try readAsServer(bytes, name: "r.html")
        func patch(_ needle: String, offset: Int = 0, remove: Int = 0, insert: String) -> ReviewDocument? {
            let range = try! #require(html.range(of: needle, options: .backwards))
            let start = html.utf8.distance(from: html.utf8.startIndex, to: range.lowerBound) + offset
            var next = bytes
            next.replaceSubrange(start..<(start + remove), with: Array(insert.utf8))
            return document.patched(by: SourceEdit(start: start, oldEnd: start + remove, replacement: Array(insert.utf8)), source: LineIndex(bytes: next))?.document
        }
        #expect(patch("arrears and the repairs to the flat. A", offset: 3, insert: "x") != nil)  // plain prose: patched
        #expect(patch("Findings of", offset: 3, insert: "x") == nil)  // a heading (section paths)
        #expect(patch("Short one", offset: 3, insert: "x") == nil)  // a short paragraph (could be a bold heading)
        #expect(patch("Paragraph 3.", offset: 12, insert: "x") == nil)  // among the first blocks (metadata)
        #expect(patch("A &amp; B", offset: 2, insert: "x") == nil)  // at a reference
        #expect(patch("arrears and", offset: 7, insert: " ") == nil)  // a second space
        #expect(patch("arrears and", offset: 3, insert: "<b>") == nil)  // markup
        #expect(patch("arrears and", offset: 3, insert: "\n") == nil)  // a line break
        #expect(patch("arrears and", offset: 3, insert: "\u{A0}") == nil)  // a no-break space
        #expect(patch("arrears and", offset: 7, remove: 1, insert: "") != nil)  // a single space removed between words
    }
}
