import Foundation
import JSONRPC
import ReviewModel
import ReviewParsing
import Tagging
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

private func encoded(_ result: TaggingResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(result), as: UTF8.self)
}

private func isASCIILetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }

private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

/// An edit of the prose of a block the patcher takes in place (past the metadata blocks, long
/// enough): a letter typed, deleted or replaced inside a word, or a word typed after one — an
/// ordinary word, a word of the tagger's, a pronoun, a name, a phrase of the codebook — or a digit
/// or letter typed or deleted inside a number, so that
/// discovery, the sweep and the carried state all change now and then. Nil when the document
/// has no such place.
func proseEdit(of document: ReviewDocument, bytes: [UInt8], using generator: inout SeededGenerator) -> SourceEdit? {
    let blocks = document.blocks.indices.filter { index in
        index >= 40 && document.blocks[index].kind != .heading && document.blocks[index].range.length >= 160
    }
    guard !blocks.isEmpty else { return nil }
    let letters = ["a", "e", "o", "r", "t", "s", "é", "K"]
    let words = [
        " the", " he", " she", " her", " his", " was", " had", " Mr Hollis", " Carol", " killed", " depression", " alcohol misuse",
        " aged 34", " his mother", " the victim", " not", " partner", " unemployed", " drank", " that", " kitchen", " x", " 12",
        " Adult 7", " a woman",
    ]
    for _ in 0..<200 {
        let block = document.blocks[blocks[generator.below(blocks.count)]]
        let text = block.range.start + 2 + generator.below(block.range.length - 4)
        let offset = document.sourceMap.sourceOffset(ofText: text)
        guard offset > 1, offset + 1 < bytes.count else { continue }
        if isDigit(bytes[offset - 1]), isDigit(bytes[offset]) {
            // Inside a number: a digit or a letter typed, or a digit deleted.
            let typed = Array(["1", "7", "0", "a", "x"][generator.below(5)].utf8)
            return generator.below(3) == 0 ? SourceEdit(start: offset, oldEnd: offset + 1, replacement: []) : SourceEdit(start: offset, oldEnd: offset, replacement: typed)
        }
        guard isASCIILetter(bytes[offset - 1]) else { continue }
        if bytes[offset] == 0x20, isASCIILetter(bytes[offset + 1]), generator.below(2) == 0 {
            return SourceEdit(start: offset, oldEnd: offset, replacement: Array(words[generator.below(words.count)].utf8))
        }
        guard isASCIILetter(bytes[offset]) else { continue }
        let letter = Array(letters[generator.below(letters.count)].utf8)
        switch generator.below(4) {
        case 0, 1: return SourceEdit(start: offset, oldEnd: offset, replacement: letter)
        case 2: return SourceEdit(start: offset, oldEnd: offset + 1, replacement: [])
        default: return SourceEdit(start: offset, oldEnd: offset + 1, replacement: letter)
        }
    }
    return nil
}

@Suite("Resumable sweep: tagging through the cache equals full tagging after every edit")
struct IncrementalSweepTests {
    static let tagger: Tagger? = try? Tagger(codebook: Codebook.loadDefault())

    /// Applies `rounds` random prose edits (now and then a burst of three before tagging),
    /// patching the document as the server does, and after each round expects the cached
    /// tagging to equal a full tagging of the edited text read afresh. Returns how many
    /// taggings resumed the recorded sweep and how many skipped discovery.
    private func check(_ bytes: [UInt8], name: String, rounds: Int, seed: UInt64) throws -> (resumed: Int, skipped: Int) {
        let tagger = try #require(Self.tagger)
        var bytes = bytes
        var document = try readAsServer(bytes, name: name)
        var cache = TaggingCache()
        let first = tagger.tag(document, cache: &cache)
        #expect(try encoded(first) == encoded(tagger.tag(document)), "\(name): first tagging")
        var generator = SeededGenerator(seed: seed)
        var resumed = 0
        var skipped = 0
        for round in 0..<rounds {
            let burst = round % 6 == 5 ? 3 : 1
            for _ in 0..<burst {
                guard let edit = proseEdit(of: document, bytes: bytes, using: &generator) else { return (resumed, skipped) }
                var next = bytes
                next.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
                if let (patched, change) = document.patched(by: edit, source: LineIndex(bytes: next)) {
                    tagger.update(&cache, from: document, to: patched, change: change)
                    document = patched
                } else {
                    document = try readAsServer(next, name: name)
                }
                bytes = next
            }
            let incremental = try encoded(tagger.tag(document, cache: &cache))
            if !cache.movedResult, cache.sweptBlocks < document.blocks.count { resumed += 1 }
            if cache.skippedDiscovery { skipped += 1 }
            let fresh = try readAsServer(bytes, name: name)
            var full: Set<String> = [try encoded(tagger.tag(fresh))]
            if !full.contains(incremental) {
                // Full tagging varies between runs on a few documents (a known issue of the
                // tagger): the incremental result must be one of its results.
                for _ in 0..<4 { full.insert(try encoded(tagger.tag(fresh))) }
            }
            let same = full.contains(incremental)
            #expect(same, "\(name), seed \(seed), round \(round): incremental tagging differs from full tagging")
        }
        return (resumed, skipped)
    }

    @Test("random prose edits of every HTML and XML corpus document", arguments: markupFiles())
    func corpusDocuments(file: String) throws {
        var bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
        // A file in another encoding reaches the server decoded (as an editor shows it).
        if String(validating: bytes, as: UTF8.self) == nil, let latin1 = String(bytes: bytes, encoding: .isoLatin1) { bytes = Array(latin1.utf8) }
        _ = try check(bytes, name: file, rounds: 12, seed: UInt64(file.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF))
    }

    @Test("random prose edits of a long generated review resume the sweep and skip discovery", arguments: [7, 8])
    func longReview(seed: Int) throws {
        let bytes = syntheticReview(paragraphs: 160, seed: UInt64(seed))
        let (resumed, skipped) = try check(bytes, name: "review-\(seed).html", rounds: 40, seed: UInt64(seed) + 1000)
        #expect(resumed >= 10, "\(resumed) taggings resumed the recorded sweep")
        #expect(skipped >= 3, "\(skipped) taggings skipped discovery")
    }
}

@Suite("Discovery words")
struct DiscoveryWordsTests {
    @Test("every lower-case word literal of people discovery's sources is one of its words")
    func discoveryWordsAreComplete() throws {
        // Discovery compares tokens against these words by value; a word missing from
        // Tagger.discoveryWords would let an edit of it skip discovery and keep stale people.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/Tagging")
        let files = ["Discovery.swift", "GenderVotes.swift", "PronounRules.swift", "People.swift", "PeopleTable.swift", "Tagger.swift", "RoleDescriptions.swift"]
        let literal = try Regex(#"//[^\n]*|"(?:[^"\\\n]|\\.)*""#)
        var missing: Set<String> = []
        for name in files {
            let source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for match in source.matches(of: literal) {
                let text = String(source[match.range])
                guard text.hasPrefix("\""), text.count > 2 else { continue }
                let word = String(text.dropFirst().dropLast())
                if word.allSatisfy({ $0 >= "a" && $0 <= "z" }), !Tagger.discoveryWords.contains(word) { missing.insert(word) }
            }
        }
        #expect(missing.isEmpty, "add to Tagger.discoveryWords (Sources/Tagging/IncrementalTagging.swift): \(missing.sorted())")
    }
}

@Suite("revtag lsp over pipes: the diagnostics cap")
struct DiagnosticsCapTests {
    /// The confidence percentage of a diagnostic's message ("… (suggested, 75%)").
    private func percent(_ diagnostic: JSONValue) -> Int {
        let message = diagnostic["message"]?.stringValue ?? ""
        guard let open = message.range(of: "suggested, ", options: .backwards), let close = message.range(of: "%)", options: .backwards)
        else { return -1 }
        return Int(message[open.upperBound..<close.lowerBound]) ?? -1
    }

    @Test("a capped document shows its most confident suggestions, in document order", arguments: [1, 2, 4])
    func cap(limit: Int) throws {
        let (client, _, all, _) = try openSample(sampleReview, encoding: "utf-16")
        _ = try client.shutdownAndExit()
        let every = all["diagnostics"]?.arrayValue ?? []
        #expect(every.count > limit)
        let (capped, _, shown, _) = try openSample(sampleReview, encoding: "utf-16", options: ["maxDiagnostics": .int(limit)])
        _ = try capped.shutdownAndExit()
        // Best first: higher confidence, then earlier in the document; shown in document order.
        let expected = every.indices.sorted { (-percent(every[$0]), $0) < (-percent(every[$1]), $1) }.prefix(limit).sorted().map { every[$0] }
        let got = shown["diagnostics"]?.arrayValue ?? []
        #expect(got.count == limit)
        #expect(got.map { $0["range"]?.jsonString } == expected.map { $0["range"]?.jsonString })
        #expect(got.map { $0["code"] } == expected.map { $0["code"] })
    }
}
