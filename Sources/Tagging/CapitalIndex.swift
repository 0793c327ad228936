/// The token indexes of capitalised words, ascending, and where each sentence's begin. People
/// discovery reads names only at capitalised words, so its per-sentence scans visit these
/// instead of every token.
struct CapitalIndex {
    /// Token indexes whose `Tokens.capitalised` flag is set, ascending.
    let positions: [Int32]
    /// Per sentence, the range of `positions` inside its tokens.
    private let sentenceFrom: [Int32]
    private let sentenceTo: [Int32]

    init(_ tokens: Tokens, sentences: [SentenceSpan]) {
        let flags = tokens.flags
        let positions = [Int32](unsafeUninitializedCapacity: flags.count) { buffer, count in
            // Eight flags at a time: the capitalised flag is bit 0 of each byte, and each set bit
            // of the eight gives one index (a chunk without one costs one load and one test).
            var kept = 0
            flags.withUnsafeBufferPointer { flags in
                guard let base = flags.baseAddress else { return }
                var index = 0
                while index + 8 <= flags.count {
                    var capitals = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x0101_0101_0101_0101
                    while capitals != 0 {
                        buffer[kept] = Int32(truncatingIfNeeded: index &+ capitals.trailingZeroBitCount &>> 3)
                        kept &+= 1
                        capitals &= capitals &- 1
                    }
                    index += 8
                }
                while index < flags.count {
                    buffer[kept] = Int32(truncatingIfNeeded: index)
                    kept &+= Int(flags[index] & Tokens.capitalised)
                    index += 1
                }
            }
            count = kept
        }
        var sentenceFrom = [Int32](repeating: 0, count: sentences.count)
        var sentenceTo = [Int32](repeating: 0, count: sentences.count)
        positions.withUnsafeBufferPointer { positions in
            var cursor = 0
            for (index, sentence) in sentences.enumerated() {
                // Sentences ascend; should one start before the last, search back to it.
                while cursor > 0, Int(positions[cursor - 1]) >= sentence.tokenFrom { cursor -= 1 }
                while cursor < positions.count, Int(positions[cursor]) < sentence.tokenFrom { cursor += 1 }
                var end = cursor
                while end < positions.count, Int(positions[end]) < sentence.tokenTo { end += 1 }
                sentenceFrom[index] = Int32(cursor)
                sentenceTo[index] = Int32(max(cursor, end))
            }
        }
        self.positions = positions
        self.sentenceFrom = sentenceFrom
        self.sentenceTo = sentenceTo
    }

    /// The capitalised tokens of sentence `sentence`, ascending.
    @inline(__always)
    func tokens(inSentence sentence: Int) -> ArraySlice<Int32> {
        positions[Int(sentenceFrom[sentence])..<Int(sentenceTo[sentence])]
    }

    /// Where sentence `sentence`'s capitalised tokens lie in ``positions`` (no slice: a slice
    /// retains the array, once per sentence and pass).
    @inline(__always)
    func range(inSentence sentence: Int) -> Range<Int> {
        Int(sentenceFrom[sentence])..<Int(sentenceTo[sentence])
    }
}
