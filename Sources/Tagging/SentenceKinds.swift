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

    /// The kinds bit a pattern of kind `kind` sets (0 for kinds discovery does not read).
    static func bit(of kind: PatternKind) -> UInt8 {
        switch kind {
        case .kin: kin
        case .declare: titleOrDeclaration
        case .title: titleOrDeclaration | genderWord
        case .female, .male: genderWord | genderNoun
        case .pronoun: genderWord
        case .roleCue: roleCue
        case .victim, .perpetrator, .child: role
        default: 0
        }
    }

    /// - Parameter patternBits: ``bit(of:)`` of every pattern (``CompiledCodebook/sentenceKindBits``),
    ///   so that a match costs one load instead of a switch over its kind.
    init(matches: [Match], sentences: [SentenceSpan], patternBits: [UInt8], capitals: CapitalIndex, tokens: Tokens) {
        var bits = [UInt8](repeating: 0, count: sentences.count)
        let codeWords = Words2.codeWords
        let beforeCode = Tokens.singleCapital | Tokens.digits
        // Every column read through a buffer (a subscript of an array in a struct checked its
        // bounds and reloaded the array at every token and match).
        bits.withUnsafeMutableBufferPointer { bits in
            sentences.withUnsafeBufferPointer { sentences in
                matches.withUnsafeBufferPointer { matches in
                    patternBits.withUnsafeBufferPointer { patternBits in
                        tokens.flags.withUnsafeBufferPointer { flags in
                            tokens.hashes.withUnsafeBufferPointer { hashes in
                                capitals.positions.withUnsafeBufferPointer { positions in
                                    for index in 0..<sentences.count {
                                        let tokenTo = sentences[index].tokenTo
                                        var found: UInt8 = 0
                                        for position in capitals.range(inSentence: index) {
                                            let token = Int(positions[position])
                                            if token + 1 < tokenTo, flags[token + 1] & beforeCode != 0, codeWords.contains(hashes[token]) {
                                                found = Self.codeWord
                                                break
                                            }
                                        }
                                        var position = sentences[index].matchFrom
                                        let matchTo = sentences[index].matchTo
                                        while position < matchTo {
                                            found |= patternBits[Int(matches[position].pattern)]
                                            position += 1
                                        }
                                        bits[index] = found
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.bits = bits
    }

    /// Whether sentence `sentence` holds a match of one of the kinds in `mask`.
    @inline(__always)
    func has(_ sentence: Int, _ mask: UInt8) -> Bool { bits[sentence] & mask != 0 }
}
