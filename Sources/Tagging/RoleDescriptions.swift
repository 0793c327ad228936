import ReviewModel

/// Role nouns that describe a person rather than name the review's victim or perpetrator.
///
/// Child safeguarding reviews about exploited adolescents say "Child T was treated as a
/// perpetrator rather than as a child at risk", and youth-violence reviews say "Young Person Y
/// had himself been a victim of a stabbing". Neither makes Child T the perpetrator or Young
/// Person Y the victim of the review. A role noun after an indefinite article ("a victim",
/// "an offender") or after "as" ("seen as the perpetrator") is such a description, so the
/// people finder does not bind a nearby name to it.
extension TaggingRun {
    /// Drops from `roles` (token start, token end, entity) the role mentions that describe:
    /// those right after "a", "an" or "as" (one adjective may stand between: "a known
    /// perpetrator", "as a possible victim").
    func dropDescriptiveRoles(_ roles: inout [(Int, Int, Int)], sentenceStart: Int) {
        guard !roles.isEmpty else { return }
        roles.removeAll { role in
            var before = role.0 - 1
            guard before >= sentenceStart else { return false }
            if RoleWords.descriptive.contains(tokens.hashes[before]) { return true }
            // One modifier between: "a known perpetrator", "as an alleged perpetrator".
            before -= 1
            guard before >= sentenceStart, RoleWords.modifiers.contains(tokens.hashes[role.0 - 1]) else { return false }
            return RoleWords.descriptive.contains(tokens.hashes[before])
        }
    }

    /// The name an agent cue ("stabbed by", "killed by") introduces through an apposition:
    /// "stabbed by another young person, Young Person Y", "killed by a man he knew, Mr N".
    /// `names` are the sentence's name mentions (token start, token end, entity); the gap after
    /// the cue must start with a determiner, hold at most `limit` words, hold no other name and
    /// end with a comma right before the name.
    func appositiveAgent(after cueEnd: Int, names: [(Int, Int, Int)], limit: Int = 6) -> Int? {
        guard cueEnd < tokens.count, RoleWords.determiners.contains(tokens.hashes[cueEnd]) else { return nil }
        guard let first = names.filter({ $0.0 > cueEnd && $0.0 - cueEnd <= limit }).min(by: { $0.0 < $1.0 }) else { return nil }
        guard commaBetween(first.0 - 1) else { return nil }
        // Not a list or a second clause in the gap ("by a man and his brother, Mr N").
        if (cueEnd..<first.0).contains(where: { RoleWords.clauseBreaks.contains(tokens.hashes[$0]) }) { return nil }
        return first.2
    }
}

/// Word hashes for ``TaggingRun/dropDescriptiveRoles(_:sentenceStart:)`` and
/// ``TaggingRun/appositiveAgent(after:names:limit:)``.
enum RoleWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    /// Words after which a role noun describes a person ("a victim", "treated as the perpetrator").
    static let descriptive: WordSet = WordSet(["a", "an", "as"].map(hash))
    /// One word allowed between those and the role noun.
    static let modifiers: WordSet = WordSet(["a", "an", "the", "known", "alleged", "possible", "potential", "likely", "repeat", "previous", "secondary", "primary"].map(hash))
    /// Words that open an agent's noun phrase after "by".
    static let determiners: WordSet = WordSet(["a", "an", "another", "the", "two", "three", "one"].map(hash))
    /// Words that make the gap a list or a clause rather than one noun phrase.
    static let clauseBreaks: WordSet = WordSet(["and", "or", "who", "which", "that", "while", "whilst", "when"].map(hash))
}

extension TaggingRun {
    /// The person a sentence-initial "He" or "She" stands for when a perpetrator cue follows it
    /// ("Mr H, who was 46, told officers that she had fallen. He later accepted that he had
    /// struck her. He pleaded guilty to manslaughter."): the known name that opens the nearest
    /// earlier sentence (up to three back, passing over sentences that open with the same
    /// pronoun), if that person's gender, when known, agrees. `cueStart` must be at most three
    /// words after the pronoun.
    func pronounCueTarget(sentenceIndex: Int, cueStart: Int, capitals: CapitalIndex) -> Int? {
        let sentence = sentences[sentenceIndex]
        var first = sentence.tokenFrom
        while first < cueStart, tokens.flags[first] & Tokens.digits != 0 { first += 1 }
        guard first < cueStart, cueStart - first <= 4, PronounWords.subjects.contains(tokens.hashes[first]) else { return nil }
        let pronoun = tokens.hashes[first]
        let gender: Gender = pronoun == RoleWords.she ? .female : .male
        var index = sentenceIndex - 1
        while index >= 0, index >= sentenceIndex - 3 {
            let earlier = sentences[index]
            guard earlier.tokenFrom < earlier.tokenTo else { return nil }
            if tokens.hashes[earlier.tokenFrom] == pronoun || (tokens.flags[earlier.tokenFrom] & Tokens.digits != 0
                && earlier.tokenFrom + 1 < earlier.tokenTo && tokens.hashes[earlier.tokenFrom + 1] == pronoun) {
                index -= 1
                continue
            }
            // Past a paragraph number ("1.3 Mr H, who was 46, ...").
            var openingToken = earlier.tokenFrom
            while openingToken < earlier.tokenTo, tokens.flags[openingToken] & Tokens.digits != 0 { openingToken += 1 }
            var opening: Int?
            forEachKnownName(inSentence: index, earlier, capitals: capitals) { start, _, entity in
                if start == openingToken { opening = entity }
            }
            guard let entity = opening else { return nil }
            if let known = people.entities[entity].gender, known != gender { return nil }
            return entity
        }
        return nil
    }
}

extension RoleWords {
    static let she = hash("she")
}

extension TaggingRun {
    /// Whether a sentence opens with "He" or "She" (after a paragraph number, if any).
    func opensWithPronoun(_ sentence: SentenceSpan) -> Bool {
        var first = sentence.tokenFrom
        while first < sentence.tokenTo, tokens.flags[first] & Tokens.digits != 0 { first += 1 }
        return first < sentence.tokenTo && PronounWords.subjects.contains(tokens.hashes[first])
    }
}

extension TaggingRun {
    /// Drops kin matches that lie inside a longer kin match ("partner" in "former partner",
    /// "mother" in "birth mother"): the longer phrase says the relation.
    func dropNestedKins(_ kins: inout [(Match, Int)]) {
        let spans = kins.map { (Int($0.0.start), Int($0.0.end)) }
        var keep: [(Match, Int)] = []
        keep.reserveCapacity(kins.count)
        for (index, kin) in kins.enumerated() {
            let (start, end) = spans[index]
            let nested = spans.enumerated().contains { other, span in
                other != index && span.0 <= start && end <= span.1 && span.1 - span.0 > end - start
            }
            if !nested { keep.append(kin) }
        }
        kins = keep
    }
}
