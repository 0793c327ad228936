import ReviewModel

extension TaggingRun {
    /// The antecedent of a personal pronoun of `gender`:
    /// 1. the last person of that gender named earlier in the sentence; but for "she"/"he", when
    ///    that is a relative and an earlier "she"/"he" of the sentence already stood for a
    ///    principal, that principal ("He said that he was beaten by his stepfather, and he spent two years
    ///    in a children's home");
    /// 2. else, for "she"/"he", a person of that gender named in the previous sentence of the
    ///    paragraph when no principal of that gender was mentioned there ("Chloe confirms pregnancy. GP notes she is a care leaver");
    /// 3. else the principal (victim or perpetrator) of that gender most recently named, then
    ///    anyone of that gender, then the last person of unknown gender.
    ///
    /// (`mutating` only so that the sweep passes the run by reference instead of copying it.)
    mutating func pronounAntecedent(
        _ pronoun: Mention, earlier: UnsafeBufferPointer<Mention>, previous: UnsafeBufferPointer<Mention>, lastPrincipal: GenderMap,
        lastByGender: GenderMap, lastAny: Int?
    ) -> Int? {
        let gender = pronoun.gender ?? .male
        // "she", "he": a subject; "her", "him", "his": possessive or object.
        let subjectPronoun = pronoun.start < tokens.count && PronounWords.subjects.contains(tokens.hashes[pronoun.start])
        func isPronoun(_ mention: Mention) -> Bool {
            mention.kind == .pronoun(possessive: false) || mention.kind == .pronoun(possessive: true)
        }
        func hasGender(_ entity: Int?) -> Bool { entity.map { people.entities[$0].gender == gender } ?? false }
        func isPossessor(_ mention: Mention) -> Bool { mention.end < tokens.count && tokens.hashes[mention.end] == Words2.s }
        if let local = earlier.last(where: { hasGender($0.entity) && !isPronoun($0) }), let entity = local.entity {
            // "his father reported that he was talking to himself": a "she"/"he" of the gender
            // after the last name stands for whom the later pronouns do.
            if let subject = earlier.last(where: {
                $0.start > local.start && $0.kind == .pronoun(possessive: false) && hasGender($0.entity) && $0.start < tokens.count
                    && PronounWords.subjects.contains(tokens.hashes[$0.start])
            }), let subjectEntity = subject.entity, subjectEntity != entity {
                return subjectEntity
            }
            // "after his father reported that he was hearing voices": the "he" a relative reports
            // about is the relative's possessor, the person the sentence is about.
            if subjectPronoun, local.kind == .kin, local.start > 0, let possessor = earlier.last(where: { $0.end == local.start }),
                possessor.kind == .pronoun(possessive: true), possessor.gender == gender, let owner = possessor.entity, owner != entity,
                hasGender(owner), PronounWords.reportedThat(tokens, from: local.end, to: pronoun.start)
            {
                return owner
            }
            if subjectPronoun, people.entities[entity].subject == nil,
                let subject = earlier.first(where: { $0.kind == .pronoun(possessive: false) && $0.end <= local.start && hasGender($0.entity) }),
                let principal = subject.entity, people.entities[principal].subject != nil
            {
                return principal
            }
            // "He said that his father beat his mother": a possessive after a relative of the
            // principal a subject pronoun of the sentence stood for is the principal's too.
            if pronoun.kind == .pronoun(possessive: true), people.entities[entity].subject == nil, let owner = people.entities[entity].owner,
                people.entities[owner].subject != nil,
                earlier.contains(where: { $0.kind == .pronoun(possessive: false) && $0.end <= local.start && $0.entity == owner })
            {
                return owner
            }
            return entity
        }
        // "She had been prescribed antidepressants by her GP, and she stopped taking them": with
        // nobody of the gender named in the sentence, the last "she"/"he" before it.
        if let prior = earlier.last(where: {
            $0.kind == .pronoun(possessive: false) && hasGender($0.entity) && $0.start < tokens.count && PronounWords.subjects.contains(tokens.hashes[$0.start])
        }), !earlier.contains(where: { !isPronoun($0) && $0.start > prior.start && $0.entity != nil }) {
            return prior.entity
        }
        // "Joanna had no recourse to public funds and her leave to remain had lapsed": a named
        // person of unknown gender earlier in the sentence, when nobody there has the gender;
        // but a pronoun of the gender before that name stands for the same person as this one
        // ("she believed, because Aziz told her so, that she would be sent back").
        if let local = earlier.last(where: { !isPronoun($0) && $0.kind != .kin && $0.entity.map { people.entities[$0].gender == nil } == true }),
            !earlier.contains(where: { !isPronoun($0) && $0.entity.map { people.entities[$0].gender != nil && people.entities[$0].gender != gender } == true && $0.start > local.start })
        {
            if let prior = earlier.last(where: { isPronoun($0) && $0.start < local.start && hasGender($0.entity) }) { return prior.entity }
            return local.entity
        }
        // "He was referred to the team after his father reported that he was hearing voices. He
        // was assessed at home": a sentence's first "she"/"he" continues the previous sentence's
        // subject when that sentence's first person of the gender was itself a "she"/"he",
        // not a relative named later in it.
        if subjectPronoun, !earlier.contains(where: { hasGender($0.entity) }),
            // (Not a possessor: in "Isla's mother, Leah, was 19" the mother is the subject.)
            var opener = previous.first(where: { hasGender($0.entity) && !isPossessor($0) }),
            opener.kind == .name || opener.kind == .kin
                || (opener.kind == .pronoun(possessive: false) && opener.start < tokens.count && PronounWords.subjects.contains(tokens.hashes[opener.start]))
        {
            // "The man who attacked Mr Pryce is referred to as Mr D. He was 27": a person named in
            // a relative clause on the opening noun is not the subject; the person named after it is.
            if opener.kind == .name, PronounWords.inOpeningRelativeClause(tokens, opener.start),
                let named = previous.first(where: { $0.start >= opener.end && $0.kind == .name && hasGender($0.entity) && !isPossessor($0) })
            {
                opener = named
            }
            return opener.entity
        }
        // The last person of that gender named in the previous sentence (no filtered copy).
        if subjectPronoun, let last = previous.last(where: { hasGender($0.entity) && !isPronoun($0) })?.entity,
            !previous.contains(where: { hasGender($0.entity) && people.entities[$0.entity!].subject != nil })
        {
            return last
        }
        if let principal = lastPrincipal[gender] { return principal }
        if let candidate = lastByGender[gender] { return candidate }
        if let lastAny, people.entities[lastAny].gender == nil { return lastAny }
        return nil
    }
}

/// Subject pronouns.
enum PronounWords {
    static let subjects = WordSet(["she", "he"].map { Vocabulary.hash(Array($0.utf8)) })
    /// Verbs of reporting ("his father reported that he ...").
    static let reporting = WordSet(
        ["reported", "said", "told", "described", "explained", "stated", "disclosed", "complained", "alleged", "claimed", "noticed", "worried", "feared", "thought", "believed"]
            .map { Vocabulary.hash(Array($0.utf8)) })
    static let that = Vocabulary.hash(Array("that".utf8))
    static let who = Vocabulary.hash(Array("who".utf8))
    static let articles = WordSet(["the", "a", "an"].map { Vocabulary.hash(Array($0.utf8)) })
    /// Nouns a sentence may open with before "who" ("The man who killed her ...").
    static let personNouns = WordSet(
        ["man", "woman", "boy", "girl", "person", "individual", "adult", "child", "patient"].map { Vocabulary.hash(Array($0.utf8)) })

    /// Whether the token at `start` lies in a relative clause on an opening person noun, at most
    /// three words after its "who" ("the man who attacked Mr Pryce", "a woman who had known him").
    static func inOpeningRelativeClause(_ tokens: borrowing Tokens, _ start: Int) -> Bool {
        var index = start - 1
        while index >= 2, index >= start - 4 {
            if tokens.hashes[index] == who, personNouns.contains(tokens.hashes[index - 1]), articles.contains(tokens.hashes[index - 2]) { return true }
            index -= 1
        }
        return false
    }

    /// Whether the tokens `from..<to` are a reporting verb, optionally followed by "that" (at
    /// most one word, such as "police", between the verb and "that").
    static func reportedThat(_ tokens: borrowing Tokens, from: Int, to: Int) -> Bool {
        guard to - from >= 1, to - from <= 4, reporting.contains(tokens.hashes[from]) else { return false }
        return to - from == 1 || tokens.hashes[to - 1] == that
    }
}
