import Foundation
import ReviewModel
import TestSupport
import Testing

@testable import ReviewParsing

/// The searches of the plain text and Markdown reader (lines from the line index, vector
/// searches for inline marks), held to the byte-at-a-time loops they replace, on random and
/// corpus inputs.
@Suite struct PlainTextScanTests {
    /// Random text dense in line breaks, inline marks and bytes next to them in value.
    static func randomBytes(_ generator: inout SeededGenerator, count: Int) -> [UInt8] {
        let alphabet: [[UInt8]] = [
            " ", "\n", "\r", "\r\n", "\t", "\u{0B}", "\u{0C}", "\\", "*", "_", "`", "!", "[", "]", "<", ">", "(", "a", "Word ",
            "é", "’", "\u{A0}", "\u{8A}", "\u{DC}", "^", "{", "=", "\u{00}", "sentence of plain words. ",
        ].map { Array($0.utf8) }
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += alphabet[generator.below(alphabet.count)] }
        return Array(bytes.prefix(count))
    }

    /// The plain loops: lines split at each LF, CR or CRLF (with blank ends trimmed from their
    /// content), first inline mark.
    static func plainLines(_ bytes: [UInt8]) -> [PlainTextReader.LineSpan] {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0C }
        var lines: [PlainTextReader.LineSpan] = []
        var start = 0
        while true {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            var contentStart = start
            while contentStart < end, isBlank(bytes[contentStart]) { contentStart += 1 }
            var contentEnd = end
            while contentEnd > contentStart, isBlank(bytes[contentEnd - 1]) { contentEnd -= 1 }
            lines.append(PlainTextReader.LineSpan(start: start, end: contentEnd, contentStart: contentStart))
            if end >= bytes.count { return lines }
            start = end + (bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1)
        }
    }

    /// Where the lines taken from the line index differ from the plain split, described.
    static func lineMismatch(_ bytes: [UInt8], _ label: String) -> String? {
        let lines = bytes.withUnsafeBufferPointer { PlainTextReader.lineSpans(of: $0, lineStarts: LineIndex(bytes: bytes).lineStarts) }
        let plain = plainLines(bytes)
        guard lines != plain else { return nil }
        let first = (0..<min(lines.count, plain.count)).first { lines[$0] != plain[$0] } ?? min(lines.count, plain.count)
        return "\(label): \(lines.count) lines, plainly \(plain.count); first difference at line \(first)"
    }

    static func plainInlineMark(_ bytes: [UInt8], from: Int, end: Int) -> Int {
        let marks = Set("\\*_`![<".utf8)
        var index = from
        while index < end, !marks.contains(bytes[index]) { index += 1 }
        return index
    }

    /// Offsets where a search disagrees with its plain loop (at most a few, described).
    static func mismatches(_ bytes: [UInt8], _ label: String) -> [String] {
        var found: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            for from in 0...bytes.count where found.count < 5 {
                for end in [min(bytes.count, from + 17), min(bytes.count, from + 40), min(bytes.count, from + 300)] {
                    let mark = PlainTextReader.inlineMark(in: buffer, from: from, end: end)
                    if mark != plainInlineMark(bytes, from: from, end: end) {
                        found.append("\(label) inline mark in \(from)..<\(end): \(mark), plainly \(plainInlineMark(bytes, from: from, end: end))")
                    }
                }
            }
        }
        if let mismatch = lineMismatch(bytes, label) { found.append(mismatch) }
        return found
    }

    @Test func searchesAgreeWithThePlainLoopsOnRandomText() {
        var generator = SeededGenerator(seed: 0x51_4d_44)
        for round in 0..<300 {
            let bytes = Self.randomBytes(&generator, count: generator.below(120))
            let found = Self.mismatches(bytes, "random text \(round)")
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test func searchesAgreeWithThePlainLoopsOnTheCorpusText() throws {
        let files = try ByteScanTests.corpusFiles().filter { $0.name.hasSuffix(".txt") || $0.name.hasSuffix(".md") }
        #expect(!files.isEmpty)
        for file in files {
            // Every offset of the first 3 KB: lines, paragraphs and inline markup of a real file.
            let found = Self.mismatches(Array(file.bytes.prefix(3000)), file.name)
            #expect(found.isEmpty, "\(found)")
            // The whole file's lines.
            #expect(Self.lineMismatch(file.bytes, file.name) == nil)
        }
        // Sources ending in each kind of line break, or made of nothing but breaks.
        for text in ["", "a", "a\n", "a\r", "a\r\n", "\n", "\r\n\r", "\r\r\n\n", " \t\u{0C}\r\n x \n", "a\n\rb"] {
            #expect(Self.lineMismatch(Array(text.utf8), String(reflecting: text)) == nil)
        }
    }

    @Test func searchesStopAtTheFirstMatchInsideAndAcrossVectors() {
        // A match at every position of a 16-byte vector and just past it.
        for position in 0..<40 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 48)
            bytes[position] = 0x0D
            bytes[47] = UInt8(ascii: "*")
            bytes.withUnsafeBufferPointer { buffer in
                #expect(PlainTextReader.inlineMark(in: buffer, from: 0, end: 48) == 47)
                #expect(PlainTextReader.inlineMark(in: buffer, from: 0, end: 47) == 47)
            }
        }
    }
}
