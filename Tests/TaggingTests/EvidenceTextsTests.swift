import ReviewModel
import Testing
@testable import Tagging

/// The evidence text cutter (``EvidenceTexts``: one string per distinct span text, hashed by
/// length and end chunks) and the scratch-list helpers against the plain paths they replace.
@Suite struct EvidenceTextsTests {
    /// Repeated phrases, spans shorter and longer than 8 bytes, non-ASCII letters and
    /// punctuation, and text right up to the end of the buffer.
    static let text = "Her partner’s drinking. Her partner’s drinking! Zoë said her partner hit her; her partner hit her. é"

    @Test func everySpanIsCutAsTheSubstringIs() {
        var text = Self.text
        text.withUTF8 { bytes in
            var texts = EvidenceTexts(bytes, expected: 4)
            var cut = 0
            var unaligned = 0
            // Every span twice over (the second pass is all table hits), past the table's first growth.
            for _ in 0..<2 {
                for start in 0...bytes.count {
                    for end in start...min(bytes.count, start + 40) {
                        let range = TextRange(start: start, end: end)
                        let expected = TaggingRun.substring(bytes, range)
                        let got = texts.text(range)
                        #expect(got == expected, "span \(start)..<\(end)")
                        if expected == nil { unaligned += 1 } else { cut += 1 }
                    }
                }
            }
            #expect(cut > 1000)
            #expect(unaligned > 0)
        }
    }

    @Test func equalSpansShareOneString() {
        var text = Self.text
        text.withUTF8 { bytes in
            var texts = EvidenceTexts(bytes, expected: 8)
            // "Her partner’s drinking" at 0 and 24 (the ’ is three bytes).
            let first = texts.text(TextRange(start: 0, end: 24))
            let second = texts.text(TextRange(start: 26, end: 50))
            #expect(first == "Her partner’s drinking")
            #expect(second == first)
            var a = first!
            var b = second!
            let sameStorage = a.withUTF8 { x in b.withUTF8 { y in x.baseAddress == y.baseAddress } }
            #expect(sameStorage)
            // A span of other bytes of the same length is not taken for it.
            #expect(texts.text(TextRange(start: 1, end: 25)) == TaggingRun.substring(bytes, TextRange(start: 1, end: 25)))
        }
    }

    /// Spans whose length and first and last eight bytes agree (one hash) but whose middle
    /// bytes differ are told apart by the byte comparison: 9 to 40 bytes long, one byte changed
    /// at every place in between.
    @Test func spansOfOneHashDifferingInTheMiddleAreTwoTexts() {
        for length in 9...40 {
            for changed in 0..<length {
                var second = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCD".utf8.prefix(length))
                let first = second
                second[changed] = UInt8(ascii: "#")
                var text = String(decoding: first + Array(" ".utf8) + second + Array(" ".utf8) + first, as: UTF8.self)
                text.withUTF8 { bytes in
                    var texts = EvidenceTexts(bytes, expected: 4)
                    let a = texts.text(TextRange(start: 0, end: length))
                    let b = texts.text(TextRange(start: length + 1, end: 2 * length + 1))
                    let c = texts.text(TextRange(start: 2 * length + 2, end: 3 * length + 2))
                    #expect(a == String(decoding: first, as: UTF8.self))
                    #expect(b == String(decoding: second, as: UTF8.self), "length \(length), byte \(changed)")
                    #expect(c == a)
                }
            }
        }
    }

    @Test func scratchHelpersMatchTheStandardOnes() {
        var list = [5, 3, 3, 9, 1]
        list.truncate(to: 3)
        #expect(list == [5, 3, 3])
        list.truncate(to: 0)
        #expect(list.isEmpty)
        let orders: [[Int]] = [[], [1], [1, 1, 2], [2, 1], [1, 3, 2, 4]]
        for order in orders {
            #expect(order.isSorted(by: <) == (order.sorted() == order))
        }
    }
}
