import Foundation
import ReviewModel
import ReviewParsing
import TestSupport
import Testing

@testable import Tagging

/// The sweep's scans against the plain ones they replace, on the corpus documents: the age
/// candidate scan that reads eight tokens a step (``TaggingRun/firstAgeCandidate(_:from:to:table:)``)
/// against a token-by-token test of the number-word filter, and the evidence placement that reads
/// ASCII columns off the UTF-8 column (``SourceMap/ASCIIPositionCursor``) against
/// ``SourceMap/position(ofText:)``.
@Suite struct SweepScanTests {
    /// The first token of `from..<to` that is digits of at most three characters with a
    /// capitalised word or a context word (bit 1) before them or a unit (bit 2) after them, or,
    /// not digits, has a hash the filter holds (the scan token by token).
    static func plainFirstAgeCandidate(_ tokens: Tokens, from: Int, to: Int) -> Int {
        let filter = CompiledCodebook.ageCandidateFilter
        let context = CompiledCodebook.ageContextTable
        func slot(_ index: Int) -> Int { Int(truncatingIfNeeded: tokens.hashes[index] >> 52) }
        var index = from
        while index < to {
            if tokens.flags[index] & Tokens.digits != 0 {
                let short = tokens.ends[index] - tokens.starts[index] <= 3
                let before = index > 0 && (tokens.flags[index - 1] & Tokens.capitalised != 0 || context[slot(index - 1)] & 1 != 0)
                let after = index + 1 < tokens.count && context[slot(index + 1)] & 2 != 0
                if short, before || after { return index }
            } else if filter[slot(index) >> 6] & (1 << UInt64(slot(index) & 63)) != 0 {
                return index
            }
            index += 1
        }
        return max(from, to)
    }

    @Test func ageCandidateTableHoldsTheFilterBits() {
        let table = CompiledCodebook.ageCandidateTable
        let filter = CompiledCodebook.ageCandidateFilter
        #expect(table.count == 4096)
        let disagreeing = (0..<4096).filter { bit in
            let inFilter = filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
            return (table[bit] == 1) != inFilter
        }
        #expect(disagreeing.isEmpty)
        #expect(table.contains(1) && table.contains(0))
    }

    @Test func ageContextTableMarksTheWordsAroundAnAge() {
        let table = CompiledCodebook.ageContextTable
        #expect(table.count == 4096)
        func bits(_ word: String) -> UInt8 { table[Int(truncatingIfNeeded: Words2.hash(word) >> 52)] }
        for word in ["aged", "between", "of", "was", "is", "then"] { #expect(bits(word) & 1 != 0, "\(word)") }
        for word in ["year", "years", "months", "month", "weeks", "week", "days", "day"] { #expect(bits(word) & 2 != 0, "\(word)") }
        // A filter, not every word: most bytes are 0.
        #expect(table.filter { $0 == 0 }.count > 4000)
    }

    @Test(arguments: corpusPaths())
    func ageCandidatesAsTheTokenByTokenScan(path: String) throws {
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        let table = sharedTagger.compiled.ageCandidateTable
        let context = sharedTagger.compiled.ageContextTable
        var mismatches: [String] = []
        var candidates = 0
        // From every sentence's start, and from every candidate on (as `ages` resumes).
        for sentence in run.sentences {
            var from = sentence.tokenFrom
            while true {
                let fast = TaggingRun.firstAgeCandidate(run.tokens, from: from, to: sentence.tokenTo, table: table, context: context)
                let plain = Self.plainFirstAgeCandidate(run.tokens, from: from, to: sentence.tokenTo)
                if fast != plain { mismatches.append("\(from)..<\(sentence.tokenTo): \(fast) not \(plain)") }
                guard plain < sentence.tokenTo else { break }
                candidates += 1
                from = plain + 1
            }
        }
        // Seeded ranges of any length over the whole document (past sentence ends).
        var numbers = SeededGenerator(seed: UInt64(run.tokens.count))
        for _ in 0..<2000 where run.tokens.count > 0 {
            let from = numbers.below(run.tokens.count)
            let to = min(run.tokens.count, from + numbers.below(60))
            let fast = TaggingRun.firstAgeCandidate(run.tokens, from: from, to: to, table: table, context: context)
            let plain = Self.plainFirstAgeCandidate(run.tokens, from: from, to: to)
            if fast != plain { mismatches.append("\(from)..<\(to): \(fast) not \(plain)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(candidates > 0)
    }

    @Test func evidencePositionsAsPositionOfText() throws {
        var wide = 0
        for path in corpusPaths() {
            let document = try DocumentReader().read(path: path)
            var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
            run.tokenizeAndMatch()
            // Every token's start and end, in order (as the evidence comes), then every fifth backwards.
            let ascending = (0..<run.tokens.count).flatMap { [Int(run.tokens.starts[$0]), Int(run.tokens.ends[$0])] }
            let offsets = ascending + stride(from: ascending.count - 1, through: 0, by: -5).map { ascending[$0] }
            var cursor = document.sourceMap.asciiPositionCursor()
            var mismatches: [Int] = []
            for offset in offsets {
                let expected = document.sourceMap.position(ofText: offset)
                if cursor.position(ofText: offset) != expected { mismatches.append(offset) }
                if expected.utf16Column != expected.utf8Column { wide += 1 }
            }
            #expect(mismatches.isEmpty, "\((path as NSString).lastPathComponent): first mismatches at text offsets \(mismatches.prefix(5))")
            #expect(offsets.count > 1000)
        }
        // Columns past a non-ASCII character (a typographic quote or dash) really were placed.
        #expect(wide > 100)
    }

    /// Each sentence's kinds (``SentenceKinds``) against the plain reading: the or of its
    /// matches' kind bits, and the code-word bit where a capitalised code word stands before a
    /// single capital or a number, on every corpus document.
    @Test func sentenceKindsAsThePlainReading() throws {
        let masks: [UInt8] = [1, 2, 4, 8, 16, 32, 64]
        var seen: UInt8 = 0
        for path in corpusPaths() {
            let document = try DocumentReader().read(path: path)
            var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
            run.tokenizeAndMatch()
            let capitals = CapitalIndex(run.tokens, sentences: run.sentences)
            let bits = sharedTagger.compiled.sentenceKindBits
            let kinds = SentenceKinds(matches: run.matches, sentences: run.sentences, patternBits: bits, capitals: capitals, tokens: run.tokens)
            var mismatches: [Int] = []
            for (index, sentence) in run.sentences.enumerated() {
                var expected: UInt8 = run.matches[sentence.matchFrom..<sentence.matchTo].reduce(0) { $0 | bits[Int($1.pattern)] }
                let coded = (sentence.tokenFrom..<sentence.tokenTo).contains { token in
                    run.tokens.flags[token] & Tokens.capitalised != 0 && token + 1 < sentence.tokenTo
                        && run.tokens.flags[token + 1] & (Tokens.singleCapital | Tokens.digits) != 0 && Words2.codeWords.contains(run.tokens.hashes[token])
                }
                if coded { expected |= SentenceKinds.codeWord }
                seen |= expected
                if masks.contains(where: { kinds.has(index, $0) != (expected & $0 != 0) }) { mismatches.append(index) }
            }
            #expect(mismatches.isEmpty, "\((path as NSString).lastPathComponent): sentences \(mismatches.prefix(5))")
        }
        #expect(seen == 127)
    }

    /// The sweep orders a sentence's mentions only when it has a role, kin or pronoun mention:
    /// its names alone (``SweepNames``) must come ascending and never overlap, on every corpus document.
    @Test func sweepNamesAscendAndNeverOverlap() throws {
        var namesSeen = 0
        for path in corpusPaths() {
            let document = try DocumentReader().read(path: path)
            var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
            _ = run.run()
            #expect(run.sweepNames.from == 0 && run.sweepNames.to == run.sentences.count)
            var unordered: [Int] = []
            for sentence in run.sentences.indices {
                let names = run.sweepNames.range(ofSentence: sentence).map { run.sweepNames.mentions[$0] }
                namesSeen += names.count
                if zip(names, names.dropFirst()).contains(where: { $1.start < $0.end }) { unordered.append(sentence) }
            }
            #expect(unordered.isEmpty, "\((path as NSString).lastPathComponent): sentences \(unordered.prefix(5))")
        }
        #expect(namesSeen > 1000)
    }
}
