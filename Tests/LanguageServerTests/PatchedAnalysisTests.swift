import Foundation
import ReviewModel
import ReviewParsing
import Tagging
import Testing
import TestSupport

@testable import LanguageServer

/// The repository's corpus folder.
private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("corpus")

private func encoded(_ result: TaggingResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(result), as: UTF8.self)
}

/// A prose edit: a position inside a paragraph's text (between two letters), and one to three
/// characters typed, deleted or replaced there, non-ASCII ones included.
private func proseEdit(of bytes: [UInt8], using generator: inout SeededGenerator) -> SourceEdit {
    let pieces = ["a", "e", "s", " ", "é", "’", "🙂", "t", "no", "K", ".", "ing"]
    for _ in 0..<1000 {
        let start = Int.random(in: 1..<(bytes.count - 1), using: &generator)
        guard ByteClass.isLetter(bytes[start - 1]), ByteClass.isLetter(bytes[start]) else { continue }
        let kind = Int.random(in: 0..<3, using: &generator)
        let end = kind == 0 ? start : start + 1
        let replacement = kind == 1 ? [] : Array(pieces.randomElement(using: &generator)!.utf8)
        return SourceEdit(start: start, oldEnd: end, replacement: replacement)
    }
    return SourceEdit(start: 0, oldEnd: 0, replacement: [])
}

private enum ByteClass {
    static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }
}

@Suite("Patched analyses equal a fresh analysis of the same text")
struct PatchedAnalysisTests {
    static let engine: (any ReviewEngine)? = try? makeEngine(codebookPath: nil, storePath: "/nonexistent/revtag-test.sqlite")

    /// Analyses `bytes` from scratch.
    func fresh(_ engine: any ReviewEngine, _ bytes: [UInt8], name: String) throws -> (ReviewDocument, TaggingResult) {
        let snapshot = DocumentSnapshot(uri: "file:///\(name)", name: name, format: .html, version: 0, lines: LineIndex(bytes: bytes))
        let (document, result, _) = try engine.analyze(snapshot, previous: nil)
        return (document, result)
    }

    @Test("a series of edits, one or several per analysis, on the longest corpus review")
    func seriesOfEdits() throws {
        let engine = try #require(Self.engine)
        let name = "dhr-afv-05.html"
        var bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
        var generator = SeededGenerator(seed: 99)
        var snapshot = DocumentSnapshot(uri: "file:///\(name)", name: name, format: .html, version: 1, lines: LineIndex(bytes: bytes))
        let (firstDocument, firstResult, firstCache) = try engine.analyze(snapshot, previous: nil)
        var cache = firstCache
        var previousFindings = DocumentAnalysis.findings(document: firstDocument, result: firstResult, decisions: [])
        var patchedCount = 0
        let rounds = 8
        for round in 0..<rounds {
            // One edit, or a burst of three (several changes before the next analysis), or a
            // markup edit that must be parsed.
            var edits: [SourceEdit] = []
            let burst = round % 3 == 2 ? 3 : 1
            for _ in 0..<burst {
                var edit = proseEdit(of: bytes, using: &generator)
                if round == 7 { edit = SourceEdit(start: edit.start, oldEnd: edit.start, replacement: Array("</p><p>".utf8)) }
                bytes.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
                edits.append(edit)
            }
            snapshot = DocumentSnapshot(
                uri: snapshot.uri, name: name, format: .html, version: round + 2, lines: LineIndex(bytes: bytes), edits: edits,
                sequence: round + 2)
            let (document, result, next) = try engine.analyze(snapshot, previous: cache)
            cache = next
            if next.patched { patchedCount += 1 }
            if round == 7 { #expect(!next.patched, "markup is parsed") }
            let (freshDocument, freshResult) = try fresh(engine, bytes, name: name)
            let context = "(round \(round), \(next.patched ? "patched" : "parsed"))"
            expectSameDocument(document, freshDocument, context)
            #expect(try encoded(result) == encoded(freshResult), "tagging result differs \(context)")
            // Findings placed on the source agree too (evidence offsets through the patched source map).
            let findings = DocumentAnalysis.findings(document: document, result: result, decisions: [])
            let freshFindings = DocumentAnalysis.findings(document: freshDocument, result: freshResult, decisions: [])
            #expect(findings == freshFindings, "findings differ \(context)")
            if next.moved, let changes = next.textChanges {
                // The server moves the findings of a moved result instead of placing them again.
                #expect(DocumentAnalysis.moved(previousFindings, text: changes, source: edits) == freshFindings, "moved findings \(context)")
            }
            previousFindings = findings
        }
        #expect(patchedCount >= 3, "only \(patchedCount) of \(rounds) analyses patched")
    }

    @Test("edits that cannot be patched, or no previous analysis, parse the text")
    func fallback() throws {
        let engine = try #require(Self.engine)
        let name = "dhr-afv-05.html"
        let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
        let lines = LineIndex(bytes: bytes)
        let first = DocumentSnapshot(uri: "file:///r", name: name, format: .html, version: 1, lines: lines)
        // Each analysis takes the previous one's cache over: a cache serves one next analysis.
        func analysed() throws -> AnalysisCache { try engine.analyze(first, previous: nil).2 }
        let cache = try analysed()
        #expect(!cache.patched)
        // Unknown edits (nil) parse; no edits reuse the document; a cache already taken parses.
        let unknown = DocumentSnapshot(uri: "file:///r", name: name, format: .html, version: 2, lines: lines, edits: nil)
        #expect(try !engine.analyze(unknown, previous: analysed()).2.patched)
        let none = DocumentSnapshot(uri: "file:///r", name: name, format: .html, version: 2, lines: lines, edits: [])
        #expect(try engine.analyze(none, previous: cache).2.patched)
        #expect(try !engine.analyze(none, previous: cache).2.patched)
        // An edit in the front matter (the metadata's blocks) parses.
        let title = try #require(String(decoding: bytes, as: UTF8.self).utf8.firstRange(of: "<h1".utf8))
        let start = String(decoding: bytes, as: UTF8.self).utf8.distance(from: String(decoding: bytes, as: UTF8.self).utf8.startIndex, to: title.upperBound) + 3
        var edited = bytes
        edited.insert(0x78, at: start)
        let front = DocumentSnapshot(
            uri: "file:///r", name: name, format: .html, version: 3, lines: LineIndex(bytes: edited),
            edits: [SourceEdit(start: start, oldEnd: start, replacement: [0x78])])
        #expect(try !engine.analyze(front, previous: analysed()).2.patched)
    }

    @Test("findings moved with an inert edit equal findings placed afresh")
    func movedFindings() throws {
        let engine = try #require(Self.engine)
        var bytes = syntheticReview(paragraphs: 140, seed: 3)
        var generator = SeededGenerator(seed: 31)
        var snapshot = DocumentSnapshot(uri: "file:///r.html", name: "r.html", format: .html, version: 1, lines: LineIndex(bytes: bytes))
        let (firstDocument, firstResult, firstCache) = try engine.analyze(snapshot, previous: nil)
        var cache = firstCache
        var findings = DocumentAnalysis.findings(document: firstDocument, result: firstResult, decisions: [])
        var moved = 0
        for round in 0..<40 {
            let edit = wordEdit(of: bytes, using: &generator)
            bytes.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
            snapshot = DocumentSnapshot(
                uri: snapshot.uri, name: "r.html", format: .html, version: round + 2, lines: LineIndex(bytes: bytes), edits: [edit],
                sequence: round + 2)
            let (document, result, next) = try engine.analyze(snapshot, previous: cache)
            cache = next
            let placed = DocumentAnalysis.findings(document: document, result: result, decisions: [])
            if next.moved, let changes = next.textChanges {
                moved += 1
                #expect(DocumentAnalysis.moved(findings, text: changes, source: [edit]) == placed, "round \(round)")
            }
            findings = placed
        }
        #expect(moved >= 2, "\(moved) moved results")
    }
}
