import Foundation
import ReviewModel
import Testing
@testable import Tagging

/// The fast tokenizer (byte class table, 8-byte chunk hashing, SWAR lower-casing, prefix heads,
/// columns written in place) against slow, independent paths: the phrase parser's word
/// splitter, the byte-array hash and the vocabulary's string lookup.
@Suite struct TokenizerTests {
    /// Words of every length class (1, 8, 9, 16, 17+ bytes), mixed case, digits, non-ASCII
    /// letters and UTF-8 separators, and words that start wildcard prefixes.
    static let text = """
        A alcoholic ALCOHOLISM Alcohol-dependent drinking’s Strangulation strangled \
        intercontinentalisation INTERCONTINENTALISATIONS é Zoë naïve Ünïcödé 12 2019 3rd \
        self—harm self–harming “threatened” to kill\u{00A0}her; non-fatal strangulations \
        ABCDEFGH abcdefghi ABCDEFGHIJKLMNOPQ x Y z
        """

    static func compiled() throws -> CompiledCodebook {
        let entries = [
            Codebook.Entry(
                tag: TagID(facet: "test", id: "a"), label: "a", definition: "a",
                phrases: ["alcohol*", "strangul*", "intercontinentalisation", "abcdefgh", "abcdefghi", "zoë", "self harm*", "x", "threatened (to) kill"]),
        ]
        return try CompiledCodebook(codebook: Codebook(version: "t", entries: entries))
    }

    @Test func tokensAgreeWithTheSlowPaths() throws {
        let compiled = try TokenizerTests.compiled()
        let tokens = compiled.matcher.tokenize(TokenizerTests.text)
        let words = PhraseParser.lowerWords(TokenizerTests.text)
        #expect(tokens.count == words.count)
        let utf8 = Array(TokenizerTests.text.utf8)
        for (index, word) in words.enumerated() where index < tokens.count {
            let bytes = Array(utf8[Int(tokens.starts[index])..<Int(tokens.ends[index])])
            let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            #expect(String(decoding: lower, as: UTF8.self) == word)
            // The chunked, SWAR-lower-cased hash equals the hash of the lower-case bytes.
            #expect(tokens.hashes[index] == Vocabulary.hash(Array(word.utf8)), "\(word)")
            // The class found through the filter and chunk compare equals the string lookup.
            #expect(tokens.classes[index] == compiled.matcher.wordClass(word), "\(word)")
            let capitalised = bytes[0] >= 0x41 && bytes[0] <= 0x5A
            #expect((tokens.flags[index] & Tokens.capitalised != 0) == capitalised, "\(word)")
            #expect((tokens.flags[index] & Tokens.digits != 0) == bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "\(word)")
            #expect((tokens.flags[index] & Tokens.singleCapital != 0) == (capitalised && bytes.count == 1), "\(word)")
        }
    }

    @Test func wildcardPrefixesMatchLongAndShortWords() throws {
        let tagger = try testTagger(["a": ["alcohol*"], "s": ["strangul*"], "h": ["self harm*"]])
        #expect(tagger.found("a", in: "She was ALCOHOLIC."))
        #expect(tagger.found("a", in: "His alcoholisation was noted."))  // longer than 16 bytes
        #expect(!tagger.found("a", in: "He drank alcohol."))  // the prefix alone is not a match
        #expect(tagger.found("s", in: "Attempted strangulation."))
        #expect(tagger.found("h", in: "A history of self-harming."))
        #expect(!tagger.found("h", in: "A history of selfharming."))
    }

    /// A text with more words than the first guess of the column size (one every 4 bytes)
    /// takes the second, exact-bound pass; it must give the same tokens.
    @Test func denseTextTakesTheSecondPass() throws {
        let compiled = try TokenizerTests.compiled()
        let dense = String(repeating: "a b x Y ", count: 500) + "alcoholic "
        let tokens = compiled.matcher.tokenize(dense)
        #expect(tokens.count == 2001)
        #expect(tokens.starts[1] == 2 && tokens.ends[1] == 3)
        #expect(tokens.classes[2] == compiled.matcher.wordClass("x"))
        #expect(tokens.flags[3] & Tokens.singleCapital != 0)
        #expect(tokens.prefixes[2000] >= 0)
        // One word and one separator every 2 bytes: the most a text can hold.
        let densest = String(repeating: "a ", count: 300)
        #expect(compiled.matcher.tokenize(densest).count == 300)
        #expect(compiled.matcher.tokenize("").count == 0)
    }

    /// Word spans the simple way, one byte at a time (as ``PhraseParser/lowerWords(_:)`` splits).
    static func referenceSpans(_ bytes: [UInt8]) -> [(Int, Int)] {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            var spans: [(Int, Int)] = []
            var start = -1
            var index = 0
            while index < buffer.count {
                let separator = ByteClass.separatorLength(base, index, buffer.count)
                let isWord = separator == 0 && ByteClass.isWordByte(base[index])
                if isWord {
                    if start < 0 { start = index }
                    index += 1
                } else {
                    if start >= 0 { spans.append((start, index)) }
                    start = -1
                    index += max(separator, 1)
                }
            }
            if start >= 0 { spans.append((start, buffer.count)) }
            return spans
        }
    }

    /// The 8-byte fast path (separator runs skipped at once, short ASCII words read from one load)
    /// against the byte-at-a-time reference on seeded random texts: words of every length next
    /// to punctuation, non-ASCII letters and UTF-8 separators, at every alignment and text end.
    @Test func fastPathAgreesWithTheByteLoopOnRandomTexts() throws {
        let compiled = try TokenizerTests.compiled()
        let pieces: [String] = [
            " ", "  ", "\n", ".", ",", "-", "'", "’", "\u{00A0}", "—", "é", "Zoë", "naïve", "a", "B", "x", "Y", "7", "42",
            "2019", "3rd", "her", "Alcoholic", "ALCOHOL", "alcoholism", "strangulation", "abcdefgh", "ABCDEFGHI",
            "intercontinentalisation", "threatened", "to", "kill", "Mr", "A1", "x9y", "«", "»", "·", "\u{00AD}", "€", "∂",
        ]
        var random = XorShift(state: 0x2545_F491_4F6C_DD1D)
        func next(_ bound: Int) -> Int { random.next(bound) }
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<(1 + next(40)) { text += pieces[next(pieces.count)] }
            let bytes = Array(text.utf8)
            let tokens = compiled.matcher.tokenize(text)
            let spans = TokenizerTests.referenceSpans(bytes)
            #expect(tokens.count == spans.count, "\(text)")
            guard tokens.count == spans.count else { continue }
            for (index, span) in spans.enumerated() {
                #expect(Int(tokens.starts[index]) == span.0 && Int(tokens.ends[index]) == span.1, "\(text)")
                let word = bytes[span.0..<span.1]
                let lower = word.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
                #expect(tokens.hashes[index] == Vocabulary.hash(lower), "\(text)")
                #expect(tokens.classes[index] == compiled.matcher.wordClass(String(decoding: lower, as: UTF8.self)), "\(text)")
                let capitalised = word.first! >= 0x41 && word.first! <= 0x5A
                var flags: UInt8 = capitalised ? Tokens.capitalised : 0
                if word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { flags |= Tokens.digits }
                if capitalised && word.count == 1 { flags |= Tokens.singleCapital }
                #expect(tokens.flags[index] == flags, "\(text)")
            }
        }
    }

    /// A text of 16 KB or more tokenises through the large word cache (keyed by a short word's
    /// bytes as written, holding its hash, classes and flags): every token must equal the same
    /// word tokenised alone, which the cache cannot answer (a first sight takes the lookups).
    /// Seeded random words of 1 to 12 bytes in mixed case, so that slots collide and case
    /// variants ("Her", "her", "HER") take entries of their own.
    @Test func wordCacheAgreesWithUncachedWords() throws {
        let compiled = try TokenizerTests.compiled()
        let pieces: [String] = [
            "a", "A", "x", "X", "her", "Her", "HER", "the", "The", "alcohol", "Alcohol", "alcoholic", "ALCOHOLIC", "alcoholics",
            "abcdefgh", "ABCDEFGH", "abcdefghi", "zoë", "Zoë", "self", "harm", "harming", "2019", "3rd", "A1", "to", "kill",
            "threatened", "strangulate", "Strangulation",
        ]
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var text = ""
        while text.utf8.count < 40_000 {
            if next(3) == 0 {
                // A random ASCII word: many distinct keys, colliding in the cache.
                let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
                text += String(decoding: (0..<(1 + next(12))).map { _ in letters[next(letters.count)] }, as: UTF8.self)
            } else {
                text += pieces[next(pieces.count)]
            }
            text += [" ", ", ", ". ", "-", "\n"][next(5)]
        }
        let tokens = compiled.matcher.tokenize(text)
        let utf8 = Array(text.utf8)
        #expect(tokens.count == TokenizerTests.referenceSpans(utf8).count)
        var alone: [String: Tokens] = [:]
        for index in 0..<tokens.count {
            let word = String(decoding: utf8[Int(tokens.starts[index])..<Int(tokens.ends[index])], as: UTF8.self)
            let single: Tokens
            if let known = alone[word] {
                single = known
            } else {
                single = compiled.matcher.tokenize(word)
                alone[word] = single
            }
            #expect(single.count == 1, "\(word)")
            guard single.count == 1 else { continue }
            #expect(tokens.hashes[index] == single.hashes[0], "\(word)")
            #expect(tokens.classes[index] == single.classes[0], "\(word)")
            #expect(tokens.prefixes[index] == single.prefixes[0], "\(word)")
            #expect(tokens.flags[index] == single.flags[0], "\(word)")
        }
        // The wildcard prefix is found through the cache too ("alcoholic" is in the text many times).
        let alcoholic = (0..<tokens.count).filter { tokens.hashes[$0] == Vocabulary.hash(Array("alcoholic".utf8)) }
        #expect(alcoholic.count > 10)
        #expect(alcoholic.allSatisfy { tokens.prefixes[$0] >= 0 })
    }
}

/// A seeded xorshift generator: the same random texts on every run.
struct XorShift {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
