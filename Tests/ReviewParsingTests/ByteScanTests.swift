import Foundation
import ReviewModel
import TestSupport
import Testing

@testable import ReviewParsing

/// The vector and one-pass shortcuts of the block writer, the pdftohtml line reader and the
/// banner check, each held to the plain byte rules it stands for, on random and real inputs.
@Suite struct ByteScanTests {
    /// The corpus files (not the held-out set), as bytes.
    static func corpusFiles() throws -> [(name: String, bytes: [UInt8])] {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../corpus").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.contains(".") }.sorted()
        return try names.map { ($0, [UInt8](try Data(contentsOf: corpus.appendingPathComponent($0)))) }
    }

    /// Random text dense in the bytes the rules look at.
    static func randomBytes(_ generator: inout SeededGenerator, count: Int) -> [UInt8] {
        let alphabet: [[UInt8]] = [
            " ", "  ", "\t", "\n", "\r", "\u{0C}", "&", "<", "a", "b", "Z", "7", ".", "é", "’", "\u{A0}", "\u{AD}", "-",
            "\u{01}", "Word", "word ", " x", "\u{C2}", "\u{1F}", "\u{7F}", "\u{9F}", "!", "=",
        ].map { Array($0.utf8) }
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += alphabet[generator.below(alphabet.count)] }
        return Array(bytes.prefix(count))
    }

    /// How many of the sixteen bytes at `offset` the byte rules of `BlockWriter.write` keep in a
    /// run: ordinary bytes, and a single space followed by an ordinary byte.
    static func plainRule(_ bytes: [UInt8], at offset: Int) -> Int {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }
        func isOrdinary(_ byte: UInt8) -> Bool { !isSpace(byte) && byte != 0x26 && byte != 0x3C && byte != 0xC2 }
        var index = offset
        while index < offset + 16 {
            let byte = bytes[index]
            if byte < 0x80 {
                if !isSpace(byte) && byte != 0x26 && byte != 0x3C {
                    index += 1
                    continue
                }
                if byte == 0x20, isOrdinary(bytes[index + 1]) {
                    index += 1
                    continue
                }
                break
            }
            if byte == 0xC2, bytes[index + 1] == 0xA0 || bytes[index + 1] == 0xAD { break }
            index += 1
        }
        return index - offset
    }

    /// Offsets where the shortcut disagrees with the rules (at most a few, described).
    static func plainBytesMismatches(_ bytes: [UInt8], _ label: String, step: Int = 1) -> [String] {
        guard bytes.count >= 17 else { return [] }
        var mismatches: [String] = []
        bytes.withUnsafeBytes { raw in
            for offset in stride(from: 0, through: bytes.count - 17, by: step) where mismatches.count < 5 {
                let advance = BlockWriter.plainBytes(raw.baseAddress!, at: offset)
                let rule = plainRule(bytes, at: offset)
                // The shortcut claims only bytes the rules keep (sixteen or fifteen, or none),
                // and all sixteen of a run without spaces or special bytes.
                let window = bytes[offset...(offset + 16)]
                let simple = window.allSatisfy { $0 >= 0x21 && $0 != 0x26 && $0 != 0x3C && $0 != 0xC2 }
                if ![0, 15, 16].contains(advance) || advance > rule || (simple && advance != 16) {
                    mismatches.append("\(label) at \(offset): shortcut \(advance), rules \(rule)")
                }
            }
        }
        return mismatches
    }

    /// `ByteClass.find` (memchr for the first byte, memcmp for the rest) finds the first
    /// occurrence a byte-by-byte search finds: random haystacks and needles over a small
    /// alphabet (so that partial matches abound), needles longer than the haystack and empty.
    @Test func findAgreesWithTheByteSearch() {
        func byteSearch(_ needle: [UInt8], _ haystack: [UInt8]) -> Int? {
            guard !needle.isEmpty else { return 0 }
            guard haystack.count >= needle.count else { return nil }
            for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            return nil
        }
        var generator = SeededGenerator(seed: 0xF1D)
        let alphabet: [UInt8] = Array("mayrch ".utf8)
        for round in 0..<4000 {
            let haystack = (0..<generator.below(40)).map { _ in alphabet[generator.below(alphabet.count)] }
            let needle = (0..<generator.below(round % 7 == 0 ? 50 : 5)).map { _ in alphabet[generator.below(alphabet.count)] }
            #expect(ByteClass.find(needle, in: haystack) == byteSearch(needle, haystack), "\(haystack) \(needle)")
        }
    }

    @Test func plainBytesKeepsOnlyWhatTheRulesKeepOnRandomText() {
        var generator = SeededGenerator(seed: 0x91A1)
        for round in 0..<400 {
            let mismatches = Self.plainBytesMismatches(Self.randomBytes(&generator, count: 17 + generator.below(60)), "random \(round)")
            #expect(mismatches.isEmpty, "\(mismatches)")
        }
    }

    @Test func plainBytesKeepsOnlyWhatTheRulesKeepOnTheCorpus() throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= 10)
        for file in files where !file.name.hasSuffix(".pdf") {
            // Every fifth offset (a file is long; the random texts try every one).
            let mismatches = Self.plainBytesMismatches(file.bytes, file.name, step: 5)
            #expect(mismatches.isEmpty, "\(mismatches)")
        }
        // Ordinary prose is claimed sixteen (or fifteen) bytes at a time.
        let prose = Array("The review panel met the family twice in the spring of that year.".utf8)
        prose.withUnsafeBytes { raw in #expect(BlockWriter.plainBytes(raw.baseAddress!, at: 0) >= 15) }
    }

    /// How many of the `count` bytes at `offset`, the end of a range, the byte rules of
    /// `BlockWriter.write` keep in a run: as ``plainRule(_:at:)``, a space followed by an
    /// ordinary byte only before the range's last byte.
    static func plainTailRule(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }
        func isOrdinary(_ byte: UInt8) -> Bool { !isSpace(byte) && byte != 0x26 && byte != 0x3C && byte != 0xC2 }
        let end = offset + count
        var index = offset
        while index < end {
            let byte = bytes[index]
            if byte < 0x80 {
                if !isSpace(byte) && byte != 0x26 && byte != 0x3C {
                    index += 1
                    continue
                }
                if byte == 0x20, index + 1 < end, isOrdinary(bytes[index + 1]) {
                    index += 1
                    continue
                }
                break
            }
            if byte == 0xC2, index + 1 < end, bytes[index + 1] == 0xA0 || bytes[index + 1] == 0xAD { break }
            index += 1
        }
        return index - offset
    }

    /// The tail shortcut claims all of a range's last bytes the rules keep, or all but a
    /// space last, or none; never more than the rules; all of a tail without spaces or special
    /// bytes. Every offset and length of random text, and of the corpus every seventh offset.
    @Test func plainTailKeepsOnlyWhatTheRulesKeep() throws {
        func mismatches(_ bytes: [UInt8], _ label: String, step: Int) -> [String] {
            guard bytes.count >= 17 else { return [] }
            var found: [String] = []
            bytes.withUnsafeBytes { raw in
                for offset in stride(from: 0, through: bytes.count - 17, by: step) where found.count < 5 {
                    for count in 1...16 {
                        let advance = BlockWriter.plainTail(raw.baseAddress!, at: offset, count: count)
                        let rule = Self.plainTailRule(bytes, at: offset, count: count)
                        let window = bytes[offset..<(offset + count)]
                        let simple = window.allSatisfy { $0 >= 0x21 && $0 != 0x26 && $0 != 0x3C && $0 != 0xC2 }
                        if ![0, count - 1, count].contains(advance) || advance > rule || (simple && advance != count) {
                            found.append("\(label) at \(offset) count \(count): shortcut \(advance), rules \(rule)")
                        }
                    }
                }
            }
            return found
        }
        var generator = SeededGenerator(seed: 0x7A11)
        for round in 0..<400 {
            let found = mismatches(Self.randomBytes(&generator, count: 17 + generator.below(60)), "random \(round)", step: 1)
            #expect(found.isEmpty, "\(found)")
        }
        for file in try Self.corpusFiles() where !file.name.hasSuffix(".pdf") {
            let found = mismatches(file.bytes, file.name, step: 7)
            #expect(found.isEmpty, "\(found)")
        }
        // A line of prose's last bytes are claimed at once.
        let line = Array("agencies had with Bilal,\nreferred".utf8)
        line.withUnsafeBytes { raw in #expect(BlockWriter.plainTail(raw.baseAddress!, at: 8, count: 16) == 16) }
    }

    /// The pieces of a line appended one by one collapse as their joined bytes do.
    static func expectCollapsed(_ pieces: [[UInt8]], _ label: String) {
        var text: [UInt8] = Array("prefix".utf8)
        var pendingSpace = false
        for piece in pieces {
            piece.withUnsafeBufferPointer { PDFXMLReader.appendCollapsed($0, to: &text, from: 6, pendingSpace: &pendingSpace) }
        }
        let expected = Array("prefix".utf8) + MarkupReader.collapsedBytes(pieces.flatMap { $0 })
        #expect(text == expected, "\(label): \(String(decoding: text, as: UTF8.self))")
    }

    @Test func appendCollapsedCollapsesAsTheJoinedTextOnRandomPieces() {
        var generator = SeededGenerator(seed: 0xC011)
        for round in 0..<600 {
            let pieces = (0..<(1 + generator.below(4))).map { _ in Self.randomBytes(&generator, count: generator.below(50)) }
            Self.expectCollapsed(pieces, "random \(round)")
        }
    }

    @Test func appendCollapsedCollapsesAsTheJoinedTextOnTheCorpus() throws {
        for file in try Self.corpusFiles() where !file.name.hasSuffix(".pdf") {
            // Lines of the file, split at arbitrary points into pieces.
            var start = 0
            var pieces: [[UInt8]] = []
            for (index, byte) in file.bytes.enumerated() where byte == UInt8(ascii: ">") || index - start > 90 {
                pieces.append(Array(file.bytes[start...index]))
                start = index + 1
            }
            pieces.append(Array(file.bytes[start...]))
            for chunk in stride(from: 0, to: pieces.count, by: 5) {
                Self.expectCollapsed(Array(pieces[chunk..<min(chunk + 5, pieces.count)]), "\(file.name) piece \(chunk)")
            }
        }
    }

    /// The plain check: each banner word looked for on its own.
    static func plainIsBannerName(_ value: [UInt8]) -> Bool {
        let lower = String(decoding: value, as: UTF8.self).lowercased()
        return ["cookie", "consent", "banner", "breadcrumb", "skip-link", "skiplink", "visually-hidden", "sr-only"]
            .contains { lower.contains($0) }
    }

    @Test func bannerNamesAgreeWithThePlainCheck() throws {
        var values: [[UInt8]] = [
            "cookie", "COOKIE-bar", "site-banner", "xbanne", "breadcrumbs", "skip-lin", "skip-link", "Skiplink", "sr-onl",
            "sr-only", "visually-hidden", "visually-hiddeN", "visually-hidde", "consent", "consen", "content", "c", "",
            "MsoNormal", "nav-breadcrum", "bbanner", "ccookie", "sssr-only", "MSONORMAL", "MsoNorm@l",
        ].map { Array($0.utf8) }
        var generator = SeededGenerator(seed: 0xBA22)
        let letters = Array("cookiensabrdumplvyhs-CB ".utf8)
        for _ in 0..<3000 { values.append((0..<generator.below(20)).map { _ in letters[generator.below(letters.count)] }) }
        // Every class and id value of the corpus's HTML.
        for file in try Self.corpusFiles() where file.name.hasSuffix("html") || file.name.hasSuffix("htm") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            for part in text.components(separatedBy: "class=\"").dropFirst() + text.components(separatedBy: "id=\"").dropFirst() {
                values.append(Array(part.prefix { $0 != "\"" }.utf8))
            }
        }
        for value in values {
            let label = String(decoding: value, as: UTF8.self)
            value.withUnsafeBufferPointer { #expect(MarkupReader.isBannerName($0) == Self.plainIsBannerName(value), "\(label)") }
        }
    }

    /// Word's paragraph classes read plainly: the lower-cased string.
    static func plainParagraphRole(_ value: [UInt8]?) -> ElementRole {
        guard let value, value.count >= 4, value.prefix(3).map(ByteClass.lower) == Array("mso".utf8),
            !(value.count == 9 && String(decoding: value, as: UTF8.self).lowercased() == "msonormal")
        else { return .block(.paragraph, level: nil) }
        let name = String(decoding: value, as: UTF8.self).lowercased()
        if name == "msotitle" { return .block(.heading, level: 1) }
        if name == "msosubtitle" { return .block(.heading, level: 2) }
        if name.hasPrefix("msolistparagraph") || name.hasPrefix("msolistbullet") || name.hasPrefix("msolistnumber") {
            return .block(.listItem, level: nil)
        }
        if ["msoquote", "msointensequote", "msoblocktext"].contains(name) { return .block(.quote, level: nil) }
        return .block(.paragraph, level: nil)
    }

    @Test func paragraphClassesAgreeWithThePlainReading() throws {
        var values: [[UInt8]] = [
            "MsoTitle", "msotitle", "MSOTITLE", "MsoTitl", "MsoTitleX", "MsoSubtitle", "MsoListParagraph",
            "MsoListParagraphCxSpFirst", "MsoListBullet2", "MsoListNumber", "MsoListNumbe", "MsoQuote", "MsoIntenseQuote",
            "MsoBlockText", "MsoBloc\u{212A}Text", "MsoNormal", "MsoNormalTable", "Mso", "msoquotes", "MsoQuot\u{E9}", "",
            "MSONORMAL", "msonormaL", "MsoNorma1", "MsoNorm@l", "MsoNormal\u{0}", "Mso\rormal", "MsoNormAl",
        ].map { Array($0.utf8) }
        var generator = SeededGenerator(seed: 0x3A5E)
        let pieces = ["Mso", "mso", "Title", "Sub", "title", "List", "Paragraph", "Bullet", "Number", "Quote", "Intense",
            "Block", "Text", "Normal", "x", "\u{212A}", "É"].map { Array($0.utf8) }
        for _ in 0..<3000 { values.append((0..<generator.below(5)).flatMap { _ in pieces[generator.below(pieces.count)] }) }
        for file in try Self.corpusFiles() where file.name.hasSuffix("htm") || file.name.hasSuffix("html") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            for part in text.components(separatedBy: "class=").dropFirst() {
                values.append(Array(part.prefix { !" >\"".contains($0) }.utf8))
            }
        }
        for value in values {
            let label = String(decoding: value, as: UTF8.self)
            value.withUnsafeBufferPointer {
                #expect(MarkupReader.paragraphRole(classValue: $0) == Self.plainParagraphRole(value), "\(label)")
            }
        }
        #expect(MarkupReader.paragraphRole(classValue: nil) == .block(.paragraph, level: nil))
    }
}
