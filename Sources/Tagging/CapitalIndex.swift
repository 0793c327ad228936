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
            // Branch-free: every index is written, the count advances only past capitalised ones.
            var kept = 0
            flags.withUnsafeBufferPointer { flags in
                for index in flags.indices {
                    buffer[kept] = Int32(truncatingIfNeeded: index)
                    kept &+= Int(flags[index] & Tokens.capitalised)
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

    /// Whether a code word ("Adult A") may start at one of the sentence's capitalised tokens:
    /// when not, and the sentence has no title or declaration, it has no name candidate. (Here,
    /// not on the tagging run: a call on the run from its mutating discovery loop copied the
    /// whole run, ~550 bytes, per sentence.)
    func mayHaveCodeWord(_ sentence: Int, tokenTo: Int, tokens: Tokens) -> Bool {
        let codeWords = Words2.codeWords
        for position in range(inSentence: sentence) {
            let index = Int(positions[position])
            if index + 1 < tokenTo, tokens.flags[index + 1] & (Tokens.singleCapital | Tokens.digits) != 0, codeWords.contains(tokens.hashes[index]) {
                return true
            }
        }
        return false
    }

    /// Where sentence `sentence`'s capitalised tokens lie in ``positions`` (no slice: a slice
    /// retains the array, once per sentence and pass).
    @inline(__always)
    func range(inSentence sentence: Int) -> Range<Int> {
        Int(sentenceFrom[sentence])..<Int(sentenceTo[sentence])
    }
}
