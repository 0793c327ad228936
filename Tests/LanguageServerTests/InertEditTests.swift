import Foundation
import ReviewModel
import ReviewParsing
import Tagging
import Testing
import TestSupport

/// The repository root.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func encoded(_ result: TaggingResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(result), as: UTF8.self)
}

func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }

/// An edit inside a word: a letter typed, deleted or replaced (ASCII or not), or now and then
/// a space or punctuation between letters (which is never inert).
func wordEdit(of bytes: [UInt8], using generator: inout SeededGenerator) -> SourceEdit {
    let letters = ["a", "e", "o", "r", "t", "n", "é", "ü", "k", "s"]
    for _ in 0..<10_000 {
        let start = Int.random(in: 1..<(bytes.count - 1), using: &generator)
        guard isLetter(bytes[start - 1]), isLetter(bytes[start]) else { continue }
        let kind = Int.random(in: 0..<10, using: &generator)
        switch kind {
        case 0..<4: return SourceEdit(start: start, oldEnd: start, replacement: Array(letters.randomElement(using: &generator)!.utf8))
        case 4..<7: return SourceEdit(start: start, oldEnd: start + 1, replacement: [])
        case 7..<9: return SourceEdit(start: start, oldEnd: start + 1, replacement: Array(letters.randomElement(using: &generator)!.utf8))
        default: return SourceEdit(start: start, oldEnd: start, replacement: Array([" ", ",", "’"].randomElement(using: &generator)!.utf8))
        }
    }
    return SourceEdit(start: 0, oldEnd: 0, replacement: [])
}

/// A review like the benchmark's: a title, then long paragraphs of chronology with names,
/// dates, characteristics and negations among ordinary prose (all fictional).
func syntheticReview(paragraphs: Int, seed: UInt64) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    let people = ["Adult A", "Sam", "Mr B", "Ms C", "Jordan", "Mrs D"]
    let agencies = ["the GP practice", "the police", "the housing provider", "the mental health trust", "the probation service"]
    let sentences = [
        "{p} told {a} that he had been drinking heavily since losing his job.",
        "There was no evidence that {p} misused drugs at that time.",
        "{a} recorded that {p} was experiencing domestic abuse from her partner.",
        "The review panel noted that {p} had been diagnosed with depression in the spring.",
        "{p} was unemployed and had rent arrears, according to {a}.",
        "The café manager remembered {p} as a quiet man who rarely spoke to anyone.",
        "{p}’s sister said that the relationship had been controlling for years 🙁.",
        "On {d} {p} attended an appointment with {a}.",
        "A housing officer visited the flat on {d} and recorded that repairs were needed.",
        "The panel met six times between {d} and the following spring.",
        "{a} provided a chronology and an individual management review.",
        "There is no record of contact between {p} and {a} during the summer.",
        "Records from {a} were requested on {d} and received within a month.",
    ]
    var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Domestic Homicide Review: Adult A</title></head><body>\n"
    html += "<h1>Domestic Homicide Review into the death of Adult A</h1>\n"
    for index in 0..<paragraphs {
        if index % 20 == 0 { html += "<h2>\(index / 20 + 1). Chronology</h2>\n" }
        var text: [String] = []
        for _ in 0..<Int.random(in: 3...5, using: &generator) {
            let date = "\(Int.random(in: 1...28, using: &generator)) March 20\(Int.random(in: 12...22, using: &generator))"
            text.append(
                sentences.randomElement(using: &generator)!.replacingOccurrences(of: "{p}", with: people.randomElement(using: &generator)!)
                    .replacingOccurrences(of: "{a}", with: agencies.randomElement(using: &generator)!).replacingOccurrences(of: "{d}", with: date))
        }
        html += "<p>\(text.joined(separator: " "))</p>\n"
    }
    html += "</body></html>\n"
    return Array(html.utf8)
}

@Suite("Inert edits: the moved result equals tagging the edited text")
struct InertEditTests {
    static let tagger: Tagger? = try? Tagger(codebook: Codebook.loadDefault())

    @Test("random word edits of a long review, one at a time and in bursts", arguments: [1, 2])
    func randomWordEdits(seed: Int) throws {
        let tagger = try #require(Self.tagger)
        let file = "review-\(seed).html"
        var bytes = syntheticReview(paragraphs: 140, seed: UInt64(seed))
        var document = try readAsServer(bytes, name: file)
        var cache = TaggingCache()
        _ = tagger.tag(document, cache: &cache)
        var generator = SeededGenerator(seed: UInt64(seed) + 100)
        var moved = 0
        var tagged = 0
        for round in 0..<50 {
            // Usually one edit, sometimes a burst of four before tagging.
            let burst = round % 5 == 4 ? 4 : 1
            var parsedAll = false
            for _ in 0..<burst {
                let edit = wordEdit(of: bytes, using: &generator)
                var next = bytes
                next.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
                if let (patched, change) = document.patched(by: edit, source: LineIndex(bytes: next)) {
                    tagger.update(&cache, from: document, to: patched, change: change)
                    document = patched
                } else {
                    document = try readAsServer(next, name: file)
                    parsedAll = true
                }
                bytes = next
            }
            let result = tagger.tag(document, cache: &cache)
            if cache.movedResult { moved += 1 } else { tagged += 1 }
            #expect(!(parsedAll && cache.movedResult), "a parsed document never takes a moved result")
            let fresh = tagger.tag(try readAsServer(bytes, name: file))
            #expect(try encoded(result) == encoded(fresh), "round \(round) (\(cache.movedResult ? "moved" : "tagged")) of \(file)")
        }
        // Both paths were taken (and so checked).
        #expect(moved >= 4, "\(moved) moved results, \(tagged) taggings")
        #expect(tagged >= 3, "\(moved) moved results, \(tagged) taggings")
    }

    @Test("every lower-case word literal of the tagging sources is one of the tagger's words")
    func taggerWordsAreComplete() throws {
        // The tagger compares tokens against these words by value; a word missing from
        // Tagger.taggerWords would let an edit of it count as inert and keep a stale result.
        let folder = root.appendingPathComponent("Sources/Tagging")
        // Files that read the codebook or report on it; they compare no token with a word.
        let excluded: Set<String> = ["IncrementalTagging.swift", "Codebook.swift", "CodebookLint.swift", "Evaluation.swift", "Phrase.swift"]
        let literal = try Regex(#"//[^\n]*|"(?:[^"\\\n]|\\.)*""#)
        var missing: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") && !excluded.contains(name) {
            let source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for match in source.matches(of: literal) {
                let text = String(source[match.range])
                guard text.hasPrefix("\""), text.count > 2 else { continue }
                let word = String(text.dropFirst().dropLast())
                if word.allSatisfy({ $0 >= "a" && $0 <= "z" }), !Tagger.taggerWords.contains(word) { missing.insert(word) }
            }
        }
        #expect(missing.isEmpty, "add to Tagger.taggerWords (Sources/Tagging/IncrementalTagging.swift): \(missing.sorted())")
    }
}
