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
}

extension TaggingRun {
    /// Gender votes from an apposition: a gender noun right after a person's mention, with only
    /// ages and descriptive words between ("Carol, a 54-year-old woman", "Adult C, a man in his
    /// thirties" is not one: "in" stops it). Other people in the sentence do not matter.
    func appositionGenderVotes(_ sentence: SentenceSpan, mentions: [(Int, Int)], into votes: inout GenderVoteTally) {
        let slice = matches[sentence.matchFrom..<sentence.matchTo]
        for (start, entity) in mentions {
            // The mention's end: a name's tokens, else the role pattern's.
            var end = start + 1
            if let found = lookupName(at: start, limit: sentence.tokenTo) { end = found.end }
            if let role = slice.first(where: { Int($0.start) == start && roleEntity($0) != nil }) { end = max(end, Int(role.end)) }
            var probe = end
            while probe < sentence.tokenTo, probe < end + 9 {
                // The first gender word at the probe (a loop: a lazy closure would copy the run).
                var gender: Gender?
                for match in slice where Int(match.start) == probe {
                    if case .female = kind(match) {
                        gender = .female
                        break
                    }
                    if case .male = kind(match) {
                        gender = .male
                        break
                    }
                }
                if let gender {
                    // A kin noun ("her husband") is another person, not an apposition.
                    if !slice.contains(where: { Int($0.start) == probe && { if case .kin = kind($0) { return true } else { return false } }($0) }) {
                        votes.add(entity, gender, 8)  // an explicit statement outweighs pronoun noise
                    }
                    break
                }
                let flags = tokens.flags[probe]
                guard flags & Tokens.digits != 0 || AppositionWords.allowed.contains(tokens.hashes[probe]) || Words2.numberWords.contains(tokens.hashes[probe]) else { break }
                probe += 1
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
