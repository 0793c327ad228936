import Foundation
import ReviewModel
import TestSupport
import Testing

@testable import ReviewParsing

/// The vector searches of the plain text and Markdown reader (line breaks, inline marks),
/// held to the byte-at-a-time loops they replace, on random and corpus inputs.
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

    /// The plain loops: first line break, first inline mark.
    static func plainLineBreak(_ bytes: [UInt8], from: Int) -> Int {
        var index = from
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
        return index
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
                let lineBreak = PlainTextReader.lineBreak(in: buffer, from: from)
                if lineBreak != plainLineBreak(bytes, from: from) {
                    found.append("\(label) line break from \(from): \(lineBreak), plainly \(plainLineBreak(bytes, from: from))")
                }
                for end in [min(bytes.count, from + 17), min(bytes.count, from + 40), min(bytes.count, from + 300)] {
                    let mark = PlainTextReader.inlineMark(in: buffer, from: from, end: end)
                    if mark != plainInlineMark(bytes, from: from, end: end) {
                        found.append("\(label) inline mark in \(from)..<\(end): \(mark), plainly \(plainInlineMark(bytes, from: from, end: end))")
                    }
                }
            }
        }
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
        }
    }

    @Test func searchesStopAtTheFirstMatchInsideAndAcrossVectors() {
        // A match at every position of a 16-byte vector and just past it.
        for position in 0..<40 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 48)
            bytes[position] = 0x0D
            bytes[47] = UInt8(ascii: "*")
            bytes.withUnsafeBufferPointer { buffer in
                #expect(PlainTextReader.lineBreak(in: buffer, from: 0) == position)
                #expect(PlainTextReader.inlineMark(in: buffer, from: 0, end: 48) == 47)
                #expect(PlainTextReader.inlineMark(in: buffer, from: 0, end: 47) == 47)
            }
        }
    }
}
