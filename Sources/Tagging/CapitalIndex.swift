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
        // Each sentence's range: the first capital at or after its first token (searched from the
        // previous sentence's end, forward or, should a sentence start before the last, back) and
        // the first at or after its end. The columns are written in place.
        var sentenceTo: [Int32] = []
        let sentenceFrom = [Int32](unsafeUninitializedCapacity: sentences.count) { fromBuffer, fromCount in
            sentenceTo = [Int32](unsafeUninitializedCapacity: sentences.count) { toBuffer, toCount in
                positions.withUnsafeBufferPointer { positions in
                    sentences.withUnsafeBufferPointer { sentences in
                        var cursor = 0
                        for index in sentences.indices {
                            let tokenFrom = sentences[index].tokenFrom
                            let tokenTo = sentences[index].tokenTo
                            while cursor > 0, Int(positions[cursor - 1]) >= tokenFrom { cursor -= 1 }
                            while cursor < positions.count, Int(positions[cursor]) < tokenFrom { cursor += 1 }
                            var end = cursor
                            while end < positions.count, Int(positions[end]) < tokenTo { end += 1 }
                            fromBuffer[index] = Int32(truncatingIfNeeded: cursor)
                            toBuffer[index] = Int32(truncatingIfNeeded: max(cursor, end))
                            cursor = max(cursor, end)
                        }
                    }
                }
                toCount = sentences.count
            }
            fromCount = sentences.count
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
