import Foundation
import TestSupport
import Testing

@testable import ReviewModel

/// The sentence splitter finds stops sixteen bytes at a time; these tests hold it to the plain
/// rule read one byte at a time, on random texts and on the corpus.
@Suite struct SentenceSplitterScanTests {
    /// The splitting rule stated plainly: every byte is looked at, abbreviations are strings.
    static func plainSplit(_ bytes: [UInt8], in range: TextRange) -> [TextRange] {
        let abbreviations: Set<String> = [
            "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "para", "paras", "e.g", "i.e", "etc", "vs", "cf",
            "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig",
            "ref", "vol", "pp", "p", "ch", "sec", "dept", "govt", "inc", "ltd", "co", "sgt", "insp", "pc", "ds", "dc",
        ]
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E
        }
        var result: [TextRange] = []
        func emit(_ from: Int, _ to: Int) {
            let piece = bytes[from..<to]
            guard let first = piece.firstIndex(where: { !isSpace($0) }), let last = piece.lastIndex(where: { !isSpace($0) }) else {
                return
            }
            result.append(TextRange(start: first, end: last + 1))
        }
        var start = range.start
        var index = range.start
        let end = range.end
        while index < end {
            let byte = bytes[index]
            guard byte == 0x2E || byte == 0x21 || byte == 0x3F else {
                index += 1
                continue
            }
            var after = index + 1
            while after < end {
                if [0x22, 0x27, 0x29, 0x5D].contains(bytes[after]) {
                    after += 1
                } else if after + 2 < end, bytes[after] == 0xE2, bytes[after + 1] == 0x80, [0x99, 0x9D].contains(bytes[after + 2]) {
                    after += 3
                } else {
                    break
                }
            }
            guard after < end, isSpace(bytes[after]) else {
                index += 1
                continue
            }
            var next = after
            while next < end, isSpace(bytes[next]) { next += 1 }
            var startsSentence = false
            if next < end {
                let c = bytes[next]
                startsSentence = (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x22 || c == 0x27 || c == 0x28 || c >= 0xC0
            }
            guard startsSentence else {
                index += 1
                continue
            }
            if byte == 0x2E {
                var wordStart = index
                while wordStart > start, isWordByte(bytes[wordStart - 1]) { wordStart -= 1 }
                let word = String(decoding: bytes[wordStart..<index], as: UTF8.self).lowercased()
                if abbreviations.contains(word) {
                    index += 1
                    continue
                }
            }
            emit(start, after)
            start = next
            index = next
        }
        emit(start, end)
        return result
    }

    /// Random texts over an alphabet dense in stops, spaces, quotes and abbreviations, split
    /// over random ranges.
    @Test func agreesWithThePlainRuleOnRandomTexts() {
        var generator = SeededGenerator(seed: 0x5E47)
        let pieces: [[UInt8]] = [
            ".", "!", "?", " ", "  ", "\n", "\t", "a", "Word", "word", "The", "Mr.", "e.g.", "Dr", "no.", "Approx.", "7",
            "\"", "'", ")", "]", "(", "’", "”", "é", "É", "x.y", "...", "?!", "ST.", "i.e.", "Nos.", "\r\n",
        ].map { Array($0.utf8) }
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            let length = Int(generator.next() % 90)
            for _ in 0..<length { bytes += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let lower = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count / 4 + 1))
            let upper = max(lower, bytes.count - Int(generator.next() % UInt64(bytes.count / 4 + 1)))
            let range = TextRange(start: lower, end: upper)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(
                SentenceSplitter.split(bytes, in: range) == Self.plainSplit(bytes, in: range),
                "\(String(reflecting: text)) in \(lower)..<\(upper)")
        }
    }

    /// Every stop position in random bytes, as the plain scan finds it.
    @Test func findsEveryStopInRandomBytes() {
        var generator = SeededGenerator(seed: 0x570B)
        for round in 0..<2000 {
            let count = Int(generator.next() % 140)
            let bytes = (0..<count).map { _ -> UInt8 in
                let value = UInt8(truncatingIfNeeded: generator.next())
                // Mostly letters, now and then a stop or a byte next to one in value.
                switch value % 16 {
                case 0: return 0x2E
                case 1: return 0x21
                case 2: return 0x3F
                case 3: return [0x2D, 0x2F, 0x20, 0x3E, 0x40, 0xAE, 0xBF, 0xA1, 0x00, 0xFF][Int(value / 16) % 10]
                default: return 0x61 + value % 26
                }
            }
            bytes.withUnsafeBufferPointer { buffer in
                for from in 0...count {
                    let plain = bytes[from...].firstIndex(where: { $0 == 0x2E || $0 == 0x21 || $0 == 0x3F }) ?? count
                    let found = SentenceSplitter.nextStop(buffer, from: from, end: count)
                    if found != plain { Issue.record("\(bytes) from \(from): \(found), plainly \(plain)") }
                    // A range ending before the buffer does (a block's, with more text after it).
                    for end in stride(from: from, to: round < 400 ? min(count, from + 34) : from, by: 3) {
                        let plain = bytes[from..<end].firstIndex(where: { $0 == 0x2E || $0 == 0x21 || $0 == 0x3F }) ?? end
                        let found = SentenceSplitter.nextStop(buffer, from: from, end: end)
                        if found != plain { Issue.record("\(bytes) from \(from) to \(end): \(found), plainly \(plain)") }
                    }
                }
            }
        }
    }

    /// The corpus files read as text (markup and all).
    @Test func agreesWithThePlainRuleOnTheCorpus() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../corpus").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.contains(".") }.sorted()
        #expect(names.count >= 10)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))
            let range = TextRange(start: 0, end: bytes.count)
            #expect(SentenceSplitter.split(bytes, in: range) == Self.plainSplit(bytes, in: range), "\(name)")
        }
    }
}

@Suite struct AbbreviationTableTests {
    static func packed(_ word: String) -> UInt64 {
        var value: UInt64 = 0
        for (offset, byte) in word.utf8.enumerated() { value |= UInt64(byte) << (8 * UInt64(offset)) }
        return value
    }

    /// The packed constants are exactly the abbreviation list: each one is found, and so is no
    /// word one letter away from one.
    @Test func packedConstantsAreTheList() {
        for word in SentenceSplitter.abbreviations {
            #expect(word.utf8.count <= 8)
            #expect(SentenceSplitter.isPackedAbbreviation(Self.packed(word)), "\(word)")
            for letter in "abcdefghijklmnopqrstuvwxyz." {
                let longer = word + String(letter)
                #expect(
                    SentenceSplitter.isPackedAbbreviation(Self.packed(longer)) == SentenceSplitter.abbreviations.contains(longer),
                    "\(longer)")
                let shorter = String(word.dropLast())
                let changed = shorter + String(letter)
                #expect(
                    SentenceSplitter.isPackedAbbreviation(Self.packed(changed)) == SentenceSplitter.abbreviations.contains(changed),
                    "\(changed)")
            }
        }
        #expect(!SentenceSplitter.isPackedAbbreviation(0))
    }
}
