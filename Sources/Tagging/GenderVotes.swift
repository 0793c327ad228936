import ReviewModel

/// Words that may stand between a name and the gender noun of its apposition ("Carol, a
/// 54-year-old woman", "Mr D, a retired widower"), so that the noun describes that person.
private enum AppositionWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let allowed: WordSet = WordSet([
        "a", "an", "the", "then", "aged", "year", "years", "old", "young", "elderly", "older", "middle", "local", "single",
        "retired", "divorced", "married", "widowed", "british", "white", "black", "asian", "mixed", "heritage", "disabled",
        "vulnerable", "frail", "unemployed", "pregnant", "teenage", "adult", "was", "is",
    ].map(hash))
    static let she = hash("she")
    static let he = hash("he")
    /// Words that declare a name ("who is called Alfie", "referred to here as Rosie").
    static let declarations: WordSet = WordSet(["called", "referred", "known", "named"].map(hash))
    /// Words between a gender noun and the name its declaration gives.
    static let declarationLinks: WordSet = WordSet(["who", "is", "was", "will", "be", "to", "as", "here", "in", "this", "report", "review", "little"].map(hash))
    /// Verbs of a relative clause that declares a name ("whom his mother asked us to call Teddy").
    static let clauseDeclarations: WordSet = WordSet(["call", "called", "name", "named", "refer", "referred", "known"].map(hash))
    static let whom = hash("whom")
}

extension TaggingRun {
    /// Gender votes from an apposition: a gender noun right after a person's mention, with only
    /// ages and descriptive words between ("Carol, a 54-year-old woman", "Adult C, a man in his
    /// thirties" is not one: "in" stops it). Other people in the sentence do not matter.
    func appositionGenderVotes(
        _ sentence: SentenceSpan, mentions: [(start: Int, entity: Int, nameEnd: Int)], words: SentenceGenderWords, into votes: inout GenderVoteTally
    ) {
        let allowed = AppositionWords.allowed  // (globals read once, not per word)
        let numberWords = Words2.numberWords
        for (start, entity, nameEnd) in mentions {
            // The mention's end: a name's tokens, else the role pattern's.
            var end = start + 1
            if nameEnd >= 0 {
                end = nameEnd
            } else if let found = lookupName(at: start, limit: sentence.tokenTo) {
                end = found.end
            }
            if let role = words.roles.first(where: { $0.start == start }) { end = max(end, role.end) }
            var probe = end
            while probe < sentence.tokenTo, probe < end + 9 {
                // The first gender word at the probe.
                if let gender = words.genders.first(where: { $0.start == probe })?.gender {
                    // A kin noun ("her husband") is another person, not an apposition.
                    if !words.kinStarts.contains(probe) {
                        votes.add(entity, gender, GenderVoteTally.explicit)  // an explicit statement outweighs pronoun noise
                    }
                    break
                }
                let flags = tokens.flags[probe]
                guard flags & Tokens.digits != 0 || allowed.contains(tokens.hashes[probe]) || numberWords.contains(tokens.hashes[probe]) else { break }
                probe += 1
            }
            // "a little boy who is called Alfie", "a baby girl, referred to here as Rosie": the gender
            // noun before a declaration of the name.
            guard nameEnd >= 0 else { continue }
            var back = start - 1
            var declared = false
            while back >= sentence.tokenFrom, back >= start - 9 {
                let hash = tokens.hashes[back]
                if let gender = words.genders.first(where: { $0.start == back })?.gender {
                    if declared, !words.kinStarts.contains(back) { votes.add(entity, gender, GenderVoteTally.explicit) }
                    break
                }
                if AppositionWords.declarations.contains(hash) {
                    declared = true
                } else if !AppositionWords.declarationLinks.contains(hash), !allowed.contains(hash) {
                    break
                }
                back -= 1
            }
            // "a baby boy whom his mother has asked us to call Teddy": the gender noun before
            // "whom", whose clause declares the name (someone else, often a relative, in between).
            if start > sentence.tokenFrom + 1,
                let whom = (max(sentence.tokenFrom + 1, start - 10)..<start).last(where: { tokens.hashes[$0] == AppositionWords.whom }),
                (whom + 1..<start).contains(where: { AppositionWords.clauseDeclarations.contains(tokens.hashes[$0]) }),
                !words.kinStarts.contains(whom - 1),
                let gender = words.genders.first(where: { $0.start == whom - 1 })?.gender
            {
                votes.add(entity, gender, GenderVoteTally.explicit)
            }
        }
    }

    /// A sentence about one person followed by a sentence that opens with "She" or "He":
    /// one vote for that gender.
    func nextSentenceGenderVote(after sentenceIndex: Int, entity: Int, into votes: inout GenderVoteTally) {
        guard sentenceIndex + 1 < sentences.count else { return }
        let next = sentences[sentenceIndex + 1]
        guard next.tokenFrom < next.tokenTo, sentences[sentenceIndex].block == next.block else { return }
        let first = tokens.hashes[next.tokenFrom]
        let gender: Gender? = first == AppositionWords.she ? .female : (first == AppositionWords.he ? .male : nil)
        guard let gender else { return }
        votes.add(entity, gender, 1)
    }
}

/// Gender votes per entity index: a `[Int: [Gender: Int]]` without hashing, for the entities
/// that exist when the votes are counted.
struct GenderVoteTally {
    var female: [Int]
    var male: [Int]

    /// The weight of an explicit statement ("Carol, a 54-year-old woman", "a baby boy whom his
    /// mother asked us to call Teddy") against one vote per pronoun: a child's review has many
    /// sentences naming only the child with a practitioner's "she" (the midwife, the health
    /// visitor), which outvoted a weight of 8.
    static let explicit = 24

    init(entityCount: Int) {
        female = [Int](repeating: 0, count: entityCount)
        male = [Int](repeating: 0, count: entityCount)
    }

    @inline(__always)
    mutating func add(_ entity: Int, _ gender: Gender, _ weight: Int) {
        switch gender {
        case .female: female[entity] += weight
        case .male: male[entity] += weight
        }
    }
}

/// The matches of one sentence that gender votes read, in match order: role patterns (start,
/// end), gender words (start, gender) and kin noun starts. One pass over the sentence's matches
/// instead of one per mention and probed word; the arrays are reused from sentence to sentence.
struct SentenceGenderWords {
    private(set) var roles: [(start: Int, end: Int)] = []
    private(set) var genders: [(start: Int, gender: Gender)] = []
    private(set) var kinStarts: [Int] = []

    mutating func clear() {
        roles.truncate(to: 0)
        genders.truncate(to: 0)
        kinStarts.truncate(to: 0)
    }

    /// `patternBits` is ``CompiledCodebook/sentenceKindBits``: the matches of other kinds (most)
    /// are passed over by a load, before their kind is switched on.
    mutating func read(_ run: borrowing TaggingRun, _ sentence: SentenceSpan, patternBits: [UInt8]) {
        clear()
        let wanted = SentenceKinds.genderNoun | SentenceKinds.kin | SentenceKinds.role
        for position in sentence.matchFrom..<sentence.matchTo {
            let match = run.matches[position]
            guard patternBits[Int(match.pattern)] & wanted != 0 else { continue }
            switch run.kind(match) {
            case .female: genders.append((Int(match.start), .female))
            case .male: genders.append((Int(match.start), .male))
            case .kin: kinStarts.append(Int(match.start))
            case .victim, .perpetrator, .child:
                if run.roleEntity(match) != nil { roles.append((Int(match.start), Int(match.end))) }
            default: break
            }
        }
    }
}
