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
            // Branch-free: every index is written, the count advances only past capitalised ones
            // (the flag is bit 0). Eight flags without one are skipped with one load.
            var kept = 0
            flags.withUnsafeBufferPointer { flags in
                guard let base = flags.baseAddress else { return }
                var index = 0
                while index + 8 <= flags.count {
                    let eight = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    if eight & 0x0101_0101_0101_0101 != 0 {
                        for offset in index..<index + 8 {
                            buffer[kept] = Int32(truncatingIfNeeded: offset)
                            kept &+= Int(flags[offset] & Tokens.capitalised)
                        }
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
