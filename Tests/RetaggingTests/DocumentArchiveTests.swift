import Foundation
import ReviewModel
import ReviewParsing
import Tagging
import TestSupport
import Testing

/// Every field of two documents is equal, and so are the source map's answers.
func expectSameDocument(_ loaded: ReviewDocument, _ parsed: ReviewDocument, _ label: String) {
    #expect(loaded.name == parsed.name, "\(label): name")
    #expect(loaded.format == parsed.format, "\(label): format")
    #expect(loaded.metadata == parsed.metadata, "\(label): metadata")
    #expect(loaded.text == parsed.text, "\(label): text")
    #expect(loaded.blocks == parsed.blocks, "\(label): blocks")
    #expect(loaded.sentences == parsed.sentences, "\(label): sentences")
    #expect(loaded.sourceMap.segments == parsed.sourceMap.segments, "\(label): source map segments")
    #expect(loaded.sourceMap.lines.bytes == parsed.sourceMap.lines.bytes, "\(label): source bytes")
    #expect(loaded.sourceMap.lines.lineStarts == parsed.sourceMap.lines.lineStarts, "\(label): line starts")
    // The map's derived lookups (its private source order and longest span) answer alike.
    let sourceCount = parsed.sourceMap.lines.bytes.count
    let step = max(1, sourceCount / 500)
    var mismatches = 0
    for offset in stride(from: 0, through: sourceCount, by: step)
    where loaded.sourceMap.textOffset(ofSource: offset) != parsed.sourceMap.textOffset(ofSource: offset) {
        mismatches += 1
    }
    let textCount = parsed.text.utf8.count
    for offset in stride(from: 0, through: textCount, by: max(1, textCount / 500))
    where loaded.sourceMap.position(ofText: offset) != parsed.sourceMap.position(ofText: offset) {
        mismatches += 1
    }
    #expect(mismatches == 0, "\(label): \(mismatches) offsets map differently")
}

/// The documents the archive is tested on: every review of `corpus/` (not its holdout
/// folder) and a generated document of each of the generator's formats.
enum ArchiveSamples {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func corpusFiles() throws -> [String] {
        let corpus = TestPaths.packageRoot.appendingPathComponent("corpus")
        return try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().compactMap { name in
            let path = corpus.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return path
        }
    }

    /// Six generated documents: clean HTML, Word HTML (windows-1252), XHTML, pdftohtml XML, text, Markdown.
    static func generatedFiles() throws -> [String] {
        guard let python else { return [] }
        let directory = try TestPaths.scratchDirectory("archive-generated")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            TestPaths.packageRoot.appendingPathComponent("tools/generate-corpus.py").path, "--docs", "6", "--size-kb", "16",
            "--seed", "11", "--out", directory.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { $0 != "manifest.tsv" }.map { directory.appendingPathComponent($0).path }
    }
}

@Suite struct DocumentArchiveTests {
    static let tagger: Tagger? = try? Tagger(codebook: Codebook.loadDefault())

    /// Round trip of every corpus document and a generated one of every format: equal in
    /// every field, and the tagger's output on the loaded document is byte for byte the same.
    @Test func everyDocumentRoundTripsAndTagsIdentically() throws {
        let tagger = try #require(Self.tagger)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let files = try ArchiveSamples.corpusFiles() + ArchiveSamples.generatedFiles()
        #expect(files.count >= 30)
        var formats: Set<DocumentFormat> = []
        var sourceLeftOut = 0
        for path in files {
            let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let parsed = try DocumentReader().read(bytes: input, name: path)
            formats.insert(parsed.format)
            let archive = try #require(DocumentArchive.encode(parsed, input: input), "\(path)")
            let loaded = try DocumentArchive.decode(archive, input: input, name: path)
            expectSameDocument(loaded, parsed, path)
            // The source was left out exactly when the archive does not decode without the input.
            if (try? DocumentArchive.decode(archive, name: path)) == nil {
                sourceLeftOut += 1
                // Compact: the text is mostly copied from the source, not stored again (under two
                // thirds of the text's size; a pdftohtml file of short positioned lines, whose every
                // line is a run of its own, takes 0.52 of it: iir-ipv-51.xml).
                #expect(archive.count * 3 < parsed.text.utf8.count * 2, "\(path): \(archive.count) bytes for \(parsed.text.utf8.count) of text")
            }

            // Without the input the source is stored, and decodes without it.
            let standalone = try #require(DocumentArchive.encode(parsed), "\(path)")
            expectSameDocument(try DocumentArchive.decode(standalone, name: path), parsed, path + " (source stored)")

            let fromParsed = try encoder.encode(tagger.tag(parsed))
            let fromLoaded = try encoder.encode(tagger.tag(loaded))
            #expect(fromParsed == fromLoaded, "\(path): tagging the loaded document differs")
        }
        #expect(formats == Set(DocumentFormat.allCases), "formats covered: \(formats)")
        // UTF-8 sources (most of them) are not stored twice.
        #expect(sourceLeftOut * 2 > files.count)
    }

    /// Every optional field set and unset, non-ASCII text, segments out of source order.
    @Test func everyFieldOfASyntheticDocumentRoundTrips() throws {
        let source = "<h1>Révision — Zoë</h1>\r\n<td>a&amp;b</td>\n<p>Plus 🙂 tard.</p>\nline one\nline two\n"
        let text = "Révision — Zoë\n\na&b\n\nPlus 🙂 tard.\n\nline one line two"
        let count = text.utf8.count
        let document = ReviewDocument(
            name: "synthetic/ünïcode.html", format: .html,
            metadata: DocumentMetadata(
                title: "Révision", reviewType: ReviewTypeDetection(id: "dhr", evidence: "Domestic Homicide Review"),
                publicationDate: "March 2021", area: "Northshire"),
            text: text,
            blocks: [
                Block(kind: .heading, level: 1, section: [], range: TextRange(start: 0, end: 17), sourceLine: 0),
                Block(kind: .tableCell, section: ["Révision — Zoë"], range: TextRange(start: 19, end: 22), sourceLine: 1, row: 0, column: 3),
                Block(kind: .quote, section: ["Révision — Zoë"], range: TextRange(start: 24, end: count - 19), sourceLine: 2, page: 7),
                Block(kind: .paragraph, section: [], range: TextRange(start: count - 17, end: count), sourceLine: -1),
            ],
            sentences: [
                TextRange(start: 0, end: 17), TextRange(start: 19, end: 22), TextRange(start: 24, end: count - 19),
                TextRange(start: count - 17, end: count),
            ],
            sourceMap: SourceMap(
                segments: [
                    .init(textStart: 0, textLength: 17, sourceStart: 4, sourceLength: 17),
                    .init(textStart: 19, textLength: 3, sourceStart: 35, sourceLength: 7),
                    .init(textStart: 24, textLength: count - 24 - 19, sourceStart: 3, sourceLength: 1),
                    // "line one\nline two" read as "line one line two": copied and patched.
                    .init(textStart: count - 17, textLength: 17, sourceStart: source.utf8.count - 18, sourceLength: 17),
                ],
                source: LineIndex(source)))
        let archive = try #require(DocumentArchive.encode(document))
        expectSameDocument(try DocumentArchive.decode(archive, name: "synthetic"), document, "synthetic")

        // Segments that overlap in the text: the text is stored whole, nothing copied.
        var overlapping = document
        overlapping.sourceMap = SourceMap(
            segments: document.sourceMap.segments + [.init(textStart: 5, textLength: 4, sourceStart: 9, sourceLength: 4)],
            source: document.sourceMap.lines)
        let whole = try #require(DocumentArchive.encode(overlapping))
        #expect(whole.count > archive.count)
        expectSameDocument(try DocumentArchive.decode(whole, name: "overlapping"), overlapping, "overlapping")

        let empty = ReviewDocument(name: "", format: .text, text: "", blocks: [], sentences: [], sourceMap: SourceMap.identity(""))
        expectSameDocument(try DocumentArchive.decode(try #require(DocumentArchive.encode(empty)), name: "empty"), empty, "empty")
    }

    /// A segment whose text differs from its source in a few bytes is stored as patches, at
    /// most one in eight (more: stored whole), wherever the differences fall in the 8-byte
    /// words the encoder compares: random sources, lengths, offsets and differing bytes,
    /// each round-tripping exactly.
    @Test(arguments: [1, 2, 3]) func patchedSegmentsRoundTripWhereverTheDifferencesFall(seed: UInt64) throws {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let length = 1 + next(300)
            let lead = next(9)  // where the segment starts in the source: words fall anywhere
            let source = (0..<(lead + length)).map { _ in UInt8(ascii: "a") + UInt8(next(26)) }
            var text = Array(source[lead...])
            let differences = next(length / 4 + 2)
            for _ in 0..<differences { text[next(length)] = UInt8(ascii: "A") + UInt8(next(26)) }
            let changed = zip(text, source[lead...]).filter { $0 != $1 }.count
            func document(_ text: [UInt8]) -> ReviewDocument {
                let string = String(decoding: text, as: UTF8.self)
                return ReviewDocument(
                    name: "random", format: .text, text: string,
                    blocks: [Block(kind: .paragraph, section: [], range: TextRange(start: 0, end: text.count), sourceLine: 0)],
                    sentences: [TextRange(start: 0, end: text.count)],
                    sourceMap: SourceMap(
                        segments: [.init(textStart: 0, textLength: text.count, sourceStart: lead, sourceLength: text.count)],
                        source: LineIndex(String(decoding: source, as: UTF8.self))))
            }
            let patched = document(text)
            let archive = try #require(DocumentArchive.encode(patched))
            expectSameDocument(try DocumentArchive.decode(archive, name: "random"), patched, "random \(length) \(changed)")
            // Patched (at most one byte in eight differs) costs a few bytes a difference;
            // stored, the whole text: compared with the same document copied verbatim.
            let copied = try #require(DocumentArchive.encode(document(Array(source[lead...]))))
            #expect((archive.count - copied.count < length) == (changed <= length / 8), "\(length) bytes, \(changed) differ")
        }
    }

    /// A source decoded from a single-byte encoding (here windows-1252) is left out as the
    /// input's byte table: the archive is a fraction of the source, needs the input, and
    /// refuses an input that does not map to the source; a source that is no such image of the
    /// input (one byte read two ways) is stored whole.
    @Test func aSourceMappedFromTheInputIsRebuiltFromIt() throws {
        let windows1252: [UInt8: String] = [0x92: "\u{2019}", 0xE9: "é", 0xA0: "\u{A0}", 0x85: "\u{2026}"]
        var input: [UInt8] = []
        for index in 0..<300 {
            input += Array("<p>Paragraph \(index) of the review".utf8) + [0x92, 0x73, 0x20, 0xE9, 0x74, 0xE9, 0xA0, 0x85]
            input += Array(String(repeating: "x", count: index % 13).utf8) + Array(" text.</p>\n".utf8)
        }
        func decoded(_ input: [UInt8]) -> [UInt8] { input.flatMap { $0 < 0x80 ? [$0] : Array(windows1252[$0]!.utf8) } }
        func document(_ source: [UInt8]) -> ReviewDocument {
            ReviewDocument(
                name: "word.htm", format: .html, text: String(decoding: source, as: UTF8.self),
                blocks: [Block(kind: .paragraph, section: [], range: TextRange(start: 0, end: source.count), sourceLine: 0)],
                sentences: [TextRange(start: 0, end: source.count)],
                sourceMap: SourceMap(
                    segments: [.init(textStart: 0, textLength: source.count, sourceStart: 0, sourceLength: source.count)],
                    source: LineIndex(bytes: source)))
        }
        let source = decoded(input)
        let mapped = document(source)
        let archive = try #require(DocumentArchive.encode(mapped, input: input))
        #expect(archive.count * 20 < source.count, "\(archive.count) bytes for a source of \(source.count)")
        expectSameDocument(try DocumentArchive.decode(archive, input: input, name: "word.htm"), mapped, "mapped")
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive, name: "word.htm") }
        // A byte the table does not hold, and an input one byte short, do not map to the source.
        var unknown = input
        unknown[unknown.firstIndex(of: 0x92)!] = 0x93
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive, input: unknown, name: "word.htm") }
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive, input: Array(input.dropLast()), name: "word.htm") }

        // 0x92 read as an apostrophe once: no table maps the input to this source.
        var inconsistent = source
        let apostrophe = try #require(inconsistent.firstRange(of: Array("\u{2019}".utf8)))
        inconsistent.replaceSubrange(apostrophe, with: Array("'".utf8))
        let stored = try #require(DocumentArchive.encode(document(inconsistent), input: input))
        #expect(stored.count > inconsistent.count)
        expectSameDocument(try DocumentArchive.decode(stored, name: "word.htm"), document(inconsistent), "stored")

        // Short inputs of every length, non-ASCII bytes anywhere (first, last, side by side,
        // across the 8- and 32-byte steps of the scans), round-trip.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet: [UInt8] = Array("ab <p>\n".utf8) + [0x92, 0xE9, 0xA0, 0x85]
        for length in 0..<100 {
            let short: [UInt8] = (0..<length).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 33) % alphabet.count]
            }
            let expected = document(decoded(short))
            let archive = try #require(DocumentArchive.encode(expected, input: short))
            expectSameDocument(try DocumentArchive.decode(archive, input: short, name: "short"), expected, "\(length) bytes")
        }
    }

    /// A truncated archive, one of another layout, or the wrong input never decodes.
    @Test func damagedArchivesThrowNamingTheArchive() throws {
        let input = Array("# Review\n\nThe constable spoke to the general practitioner in May.\n\n- one item\n".utf8)
        let parsed = try DocumentReader().read(bytes: input, name: "small.md")
        let archive = try #require(DocumentArchive.encode(parsed, input: input))
        for length in 0..<archive.count {
            #expect(throws: DocumentArchiveError.self, "prefix of \(length) bytes") {
                try DocumentArchive.decode(Array(archive[0..<length]), input: input, name: "entry-x")
            }
        }
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive + [0], input: input, name: "entry-x") }
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive, name: "entry-x") }
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(archive, input: input + [0x0A], name: "entry-x") }
        var otherVersion = archive
        otherVersion[4] &+= 1
        do {
            _ = try DocumentArchive.decode(otherVersion, input: input, name: "entry-x")
            Issue.record("an archive of another layout version decoded")
        } catch {
            #expect(error.description.hasPrefix("entry-x: "))
            #expect(error.description.contains("version"))
        }
        // Stored text that is no longer UTF-8 throws, even where the standard library's repair
        // would keep its length (a truncated four-byte sequence in place of a curly quote
        // becomes one U+FFFD of three bytes).
        var builder = DocumentBuilder(name: "entry.txt", format: .text, source: LineIndex(bytes: Array("plain source".utf8)))
        builder.beginBlock(.paragraph, sourceLine: 0)
        builder.append("The carer\u{2019}s view", sourceStart: 0, sourceLength: 0)
        let stored = try #require(DocumentArchive.encode(builder.build()))
        let quote = try #require(stored.firstRange(of: [0xE2, 0x80, 0x99]))
        var notUTF8 = stored
        notUTF8.replaceSubrange(quote, with: [0xF0, 0x90, 0x80])
        #expect(throws: DocumentArchiveError.self) { try DocumentArchive.decode(notUTF8, name: "entry-x") }
        #expect(try DocumentArchive.decode(stored, name: "entry-x").text == "The carer\u{2019}s view")
        // Any single damaged byte either throws or decodes to a document (never a crash); the
        // cache's checksum is what turns such a document into a miss.
        for index in stride(from: 0, to: archive.count, by: 3) {
            var damaged = archive
            damaged[index] ^= 0xA5
            _ = try? DocumentArchive.decode(damaged, input: input, name: "entry-x")
        }
    }
}

@Suite struct DocumentArchiveSectionPathTests {
    /// Section paths are stored once each and numbered in order of first appearance: searched
    /// in order while there are few, by a dictionary past 32. Blocks that come back to an
    /// earlier section, before and after that, get its number again (each path is in the
    /// archive once) and round-trip.
    @Test func sectionsThatComeBackAreStoredOnce() throws {
        let text = String(repeating: "x", count: 200)
        let blocks = (0..<90).map { index in
            Block(
                kind: .paragraph, section: ["part \(index % 45)", "sub"], range: TextRange(start: index * 2, end: index * 2 + 1),
                sourceLine: 0)
        }
        let document = ReviewDocument(
            name: "sections.txt", format: .text, text: text, blocks: blocks, sentences: [],
            sourceMap: SourceMap(segments: [.init(textStart: 0, textLength: 200, sourceStart: 0, sourceLength: 200)], source: LineIndex(text)))
        let archive = try #require(DocumentArchive.encode(document))
        expectSameDocument(try DocumentArchive.decode(archive, name: "sections"), document, "sections")
        func occurrences(_ needle: String) -> Int {
            let needle = Array(needle.utf8)
            return (0...(archive.count - needle.count)).filter { Array(archive[$0..<($0 + needle.count)]) == needle }.count
        }
        #expect(occurrences("part 44") == 1)
        #expect(occurrences("part 5") == 1)
        #expect(occurrences("sub") == 45)
    }
}

@Suite struct DocumentArchiveSizeBoundTests {
    /// The encoder writes in place into memory sized beforehand: numbers of every size (each
    /// varint at its longest), many distinct section paths, a segment patched at the limit
    /// (one byte in eight differs) and one just over it (stored) fit, and round-trip.
    @Test func extremeNumbersAndPatchesFitTheSizeBound() throws {
        let line = String(repeating: "abcdefg\n", count: 64)
        let source = line + line
        // The first copy reads every line break as a space (64 differences in 512 bytes: patched),
        // the second also changes its first letter (65: stored).
        let first = line.replacingOccurrences(of: "\n", with: " ")
        let second = "X" + first.dropFirst()
        let text = first + second
        let blocks = (0..<50).map { index in
            Block(
                kind: BlockKind.allCases[index % BlockKind.allCases.count], level: index.isMultiple(of: 2) ? Int.max : Int.min + 1,
                section: ["heading \(index)", String(repeating: "é", count: index)], range: TextRange(start: index, end: 1_024 - index),
                sourceLine: index.isMultiple(of: 2) ? Int.max / 2 : -(Int.max / 2), row: Int.max, column: Int.min + 1,
                page: index.isMultiple(of: 3) ? nil : 0)
        }
        let document = ReviewDocument(
            name: "bounds.html", format: .html, text: text, blocks: blocks,
            sentences: [TextRange(start: 0, end: 512), TextRange(start: 512, end: 1_024)],
            sourceMap: SourceMap(
                segments: [
                    .init(textStart: 0, textLength: 512, sourceStart: 0, sourceLength: 512),
                    .init(textStart: 512, textLength: 512, sourceStart: 512, sourceLength: 512),
                ],
                source: LineIndex(source)))
        for input in [Array(source.utf8), nil] {
            let archive = try #require(DocumentArchive.encode(document, input: input))
            expectSameDocument(try DocumentArchive.decode(archive, input: input, name: "bounds"), document, "bounds")
            // The patched copy costs its 64 patches; the stored one its 512 bytes of text.
            #expect(archive.count > 512 + 64 * 2)
        }
        // Not representable: a nil archive, not a crash.
        var negative = document
        negative.blocks[0].level = Int.min
        #expect(DocumentArchive.encode(negative) == nil)
    }
}
