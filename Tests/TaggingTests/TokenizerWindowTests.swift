import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The tokenizer's 64-byte windows (every ASCII word of a window read from one mask) against the
/// 8-byte and byte loops alone (`windows: false`): every column of every token must be equal.
@Suite struct TokenizerWindowTests {
    static func expectSameTokens(_ text: String, _ compiled: CompiledCodebook, _ label: String) {
        let windowed = compiled.matcher.tokenize(text, windows: true)
        let reference = compiled.matcher.tokenize(text, windows: false)
        #expect(windowed.count == reference.count, "\(label)")
        guard windowed.count == reference.count else { return }
        #expect(windowed.starts == reference.starts, "\(label)")
        #expect(windowed.ends == reference.ends, "\(label)")
        #expect(windowed.hashes == reference.hashes, "\(label)")
        #expect(windowed.classes == reference.classes, "\(label)")
        #expect(windowed.prefixes == reference.prefixes, "\(label)")
        #expect(windowed.flags == reference.flags, "\(label)")
    }

    @Test("windows agree with the byte loops on every corpus document (parsed text and raw source)", arguments: corpusPaths())
    func corpusDocument(path: String) throws {
        let compiled = sharedTagger.compiled
        let document = try DocumentReader().read(path: path)
        #expect(document.text.utf8.count > 1000)
        TokenizerWindowTests.expectSameTokens(document.text, compiled, path)
        // The source with its markup: tags, entities and attribute values next to words.
        let source = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        TokenizerWindowTests.expectSameTokens(source, compiled, path + " (source)")
    }

    /// Seeded random texts long enough for many windows: words of every length from 1 to 70
    /// bytes (a window cannot read a word that runs past it), in every case, digits, non-ASCII
    /// letters inside, before and after words, UTF-8 separators, and runs of separators longer
    /// than a window; then the same text from every offset of its first 80 bytes (every
    /// alignment of words against window ends).
    @Test func windowsAgreeWithTheByteLoopsOnRandomTexts() throws {
        let compiled = sharedTagger.compiled
        let pieces: [String] = [
            "the", "The", "THE", "her", "Her", "he", "she", "was", "a", "A", "I", "x", "B", "7", "42", "2019", "3rd", "A1",
            "alcohol", "Alcoholic", "ALCOHOLISM", "alcoholics", "husband", "Husband", "strangulation", "Strangulated",
            "threatened", "kill", "Mr", "Mrs", "Carol", "abcdefgh", "ABCDEFGH", "abcdefghi", "intercontinentalisation",
            "é", "Zoë", "naïve", "café", "€", "∂", "Ünïcödé",
        ]
        let separators: [String] = [" ", " ", " ", ", ", ". ", "-", "'", "’", "\u{00A0}", "—", "\n", "\n\n", "(", ")", "«", "·", "\u{00AD}"]
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var random = XorShift(state: 0xD1B5_4A32_D192_ED03)
        func next(_ bound: Int) -> Int { random.next(bound) }
        for round in 0..<40 {
            var text = ""
            while text.utf8.count < 3000 + round * 100 {
                switch next(10) {
                case 0:
                    // A random ASCII word of 1 to 70 bytes.
                    text += String(decoding: (0..<(1 + next(70))).map { _ in letters[next(letters.count)] }, as: UTF8.self)
                case 1:
                    // A long run of separators (more than a window of spaces and punctuation).
                    text += String(repeating: [" ", ".", ", ", "-"][next(4)], count: 1 + next(90))
                case 2:
                    // A word with a non-ASCII letter inside.
                    text += pieces[next(pieces.count)] + ["é", "ï", "ö"][next(3)] + pieces[next(pieces.count)]
                default:
                    text += pieces[next(pieces.count)]
                }
                text += separators[next(separators.count)]
            }
            TokenizerWindowTests.expectSameTokens(text, compiled, "round \(round)")
            let utf8 = Array(text.utf8)
            for offset in 1..<80 {
                // (A cut inside a UTF-8 sequence is decoded with a replacement character: still text.)
                TokenizerWindowTests.expectSameTokens(String(decoding: utf8[offset...], as: UTF8.self), compiled, "round \(round) from \(offset)")
            }
        }
    }

    /// The windows read real words: a long ASCII text's tokens equal the words split by hand.
    @Test func windowsSplitWordsAtEveryNonWordByte() throws {
        let compiled = sharedTagger.compiled
        var text = ""
        var expected: [String] = []
        var random = XorShift(state: 0x8CB9_2BA7_2F3D_8DD7)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        let separators = Array(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\n\t".utf8)
        while text.utf8.count < 20_000 {
            let word = String(decoding: (0..<(1 + random.next(20))).map { _ in letters[random.next(letters.count)] }, as: UTF8.self)
            expected.append(word)
            text += word
            text += String(decoding: (0..<(1 + random.next(3))).map { _ in separators[random.next(separators.count)] }, as: UTF8.self)
        }
        let tokens = compiled.matcher.tokenize(text, windows: true)
        let utf8 = Array(text.utf8)
        let words = (0..<tokens.count).map { String(decoding: utf8[Int(tokens.starts[$0])..<Int(tokens.ends[$0])], as: UTF8.self) }
        #expect(words == expected)
    }
}
