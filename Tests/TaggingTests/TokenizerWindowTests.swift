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

    /// The window masks (SSE2 compares on x86-64) against the lane arithmetic and against a
    /// byte-by-byte classification, on windows of random bytes of every value, of random
    /// ASCII, and of the bytes around each class boundary ('/' '0' '9' ':' '@' 'A' 'Z' '[' '`'
    /// 'a' 'z' '{' 0x7F 0x80 0xFF).
    @Test func windowMasksAgreeWithTheLaneArithmeticAndTheBytes() {
        var random = XorShift(state: 0x9A3C_51E7_0B2D_44F1)
        let edges: [UInt8] = [0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xBF, 0xC2, 0xE2, 0xFF, 0x00, 0x20]
        var window = [UInt8](repeating: 0, count: 64)
        for round in 0..<3000 {
            for index in 0..<64 {
                switch round % 3 {
                case 0: window[index] = UInt8(random.next(256))
                case 1: window[index] = UInt8(random.next(128))
                default: window[index] = edges[random.next(edges.count)]
                }
            }
            var word: UInt64 = 0
            var high: UInt64 = 0
            for (index, byte) in window.enumerated() {
                let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                if isWord { word |= 1 << UInt64(index) }
                if byte >= 0x80 { high |= 1 << UInt64(index) }
            }
            let (fast, fastHigh, swar, swarHigh) = window.withUnsafeBufferPointer { buffer in
                let fast = SWAR.windowMasks(buffer.baseAddress!)
                let swar = SWAR.swarWindowMasks(buffer.baseAddress!)
                return (fast.word, fast.high, swar.word, swar.high)
            }
            #expect(fast == word, "round \(round): \(window)")
            #expect(fastHigh == high, "round \(round): \(window)")
            #expect(swar == word, "round \(round): \(window)")
            #expect(swarHigh == high, "round \(round): \(window)")
        }
        // Every byte value at every position of an otherwise ASCII-letter window.
        for value in 0..<256 {
            for position in 0..<64 {
                var window = [UInt8](repeating: 0x61, count: 64)
                window[position] = UInt8(value)
                let masks = window.withUnsafeBufferPointer { SWAR.windowMasks($0.baseAddress!) }
                let byte = UInt8(value)
                let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                #expect(masks.word == (isWord ? UInt64.max : ~(1 << UInt64(position))), "\(value) at \(position)")
                #expect(masks.high == (byte >= 0x80 ? 1 << UInt64(position) : 0), "\(value) at \(position)")
            }
        }
    }

    /// Texts with more words than the first guess of room (a word every 4 bytes): one-letter
    /// words with one separator each, so the windows fill the columns to the last slots before the
    /// tokenizer starts again with more room. Every length from 100 to 400 bytes, and a long one.
    @Test func denseTextsPastTheFirstCapacity() {
        let compiled = sharedTagger.compiled
        var random = XorShift(state: 0x2C0F_FEE5)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        for length in Array(100...400) + [20_000] {
            var bytes: [UInt8] = []
            var words = 0
            while bytes.count < length {
                bytes.append(letters[random.next(letters.count)])
                bytes.append(random.next(4) == 0 ? 0x2C : 0x20)
                words += 1
            }
            let text = String(decoding: bytes, as: UTF8.self)
            TokenizerWindowTests.expectSameTokens(text, compiled, "dense \(length)")
            #expect(compiled.matcher.tokenize(text, windows: true).count == words, "dense \(length)")
        }
    }
}
