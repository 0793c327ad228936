/// Per sentence, which kinds of people matches it holds, from one pass over all matches:
/// people discovery's passes (names and kin nouns, role cues, gender votes) each skip the
/// sentences without the kinds they read instead of scanning every sentence's matches again.
struct SentenceKinds {
    /// A kin noun ("her husband").
    static let kin: UInt8 = 1
    /// A title ("Mr") or a declaration ("referred to as").
    static let titleOrDeclaration: UInt8 = 2
    /// A gender word, pronoun or title: what gender votes read.
    static let genderWord: UInt8 = 4
    /// A role cue ("was killed by").
    static let roleCue: UInt8 = 8
    /// A role pattern ("the victim"; a child role may still stand for nobody).
    static let role: UInt8 = 16
    /// A gender noun ("woman", "brother"): what apposition votes read.
    static let genderNoun: UInt8 = 32
    /// A capitalised code word before a single capital or a number ("Adult A", "Child 2"):
    /// where a coded pseudonym may start.
    static let codeWord: UInt8 = 64

    private let bits: [UInt8]

    init(matches: [Match], sentences: [SentenceSpan], kinds: [PatternKind], capitals: CapitalIndex, tokens: Tokens) {
        var bits = [UInt8](repeating: 0, count: sentences.count)
        let codeWords = Words2.codeWords
        for (index, sentence) in sentences.enumerated() {
            var found: UInt8 = 0
            for position in capitals.range(inSentence: index) {
                let token = Int(capitals.positions[position])
                if token + 1 < sentence.tokenTo, tokens.flags[token + 1] & (Tokens.singleCapital | Tokens.digits) != 0,
                    codeWords.contains(tokens.hashes[token])
                {
                    found = Self.codeWord
                    break
                }
            }
            for match in matches[sentence.matchFrom..<sentence.matchTo] {
                switch kinds[Int(match.pattern)] {
                case .kin: found |= Self.kin
                case .declare: found |= Self.titleOrDeclaration
                case .title: found |= Self.titleOrDeclaration | Self.genderWord
                case .female, .male: found |= Self.genderWord | Self.genderNoun
                case .pronoun: found |= Self.genderWord
                case .roleCue: found |= Self.roleCue
                case .victim, .perpetrator, .child: found |= Self.role
                default: break
                }
            }
            bits[index] = found
        }
        self.bits = bits
    }

    /// Whether sentence `sentence` holds a match of one of the kinds in `mask`.
    @inline(__always)
    func has(_ sentence: Int, _ mask: UInt8) -> Bool { bits[sentence] & mask != 0 }
}
