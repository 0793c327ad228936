import ReviewModel

extension TaggingRun {
    /// Tags whose meaning says whose characteristic they are, whatever person the clause
    /// starts with. Returns the entity, or nil when no special rule applies.
    ///
    /// - `caring-responsibilities`: the possessor of "carer" is the person cared for ("Mr K
    ///   senior was Mr K's main carer", "she had become his carer", "her late husband had
    ///   been her main carer"): the carer is the person before the possessor.
    /// - `childhood-abuse-neglect`: not the parents who neglected the child ("she was removed
    ///   from her parents' care because of neglect").
    /// - `absent-parent`: the child of the absent parent ("his father left when he was eleven",
    ///   "Mr K's mother walked out"), not the parent the clause starts with.
    /// - `domestic-abuse-in-pregnancy`: the pregnant woman ("he kicked her when she was six
    ///   months pregnant"), not the person who abused her.
    ///
    /// (`mutating` only so that ``attribute(_:entry:range:mentions:fallback:sentence:)``, itself
    /// mutating, passes the run by reference: a non-mutating call copied the whole run.)
    mutating func attributionByMeaning(_ id: String, target: TargetMatch, mentions: [Mention]) -> Int? {
        switch id {
        case "caring-responsibilities":
            guard var possessor = mentions.last(where: { $0.end <= target.start }) else { return nil }
            let adjacent = (possessor.kind == .pronoun(possessive: true) && possessor.end == target.start)
                || (isWord(possessor.end, Words2.s) && possessor.end + 1 == target.start && possessor.kind != .pronoun(possessive: false))
            guard adjacent else { return nil }
            // "his son's main carer": the pronoun belongs to the possessor phrase.
            if let pronoun = mentions.last(where: { $0.end == possessor.start }), pronoun.kind == .pronoun(possessive: true) {
                possessor = pronoun
            }
            return mentions.last { $0.end <= possessor.start && $0.entity != nil && $0.kind != .pronoun(possessive: true) }?.entity
        case "childhood-abuse-neglect":
            // "She was removed from her parents' care because of chronic neglect": the parents
            // are who neglected her; the child is the subject named before them.
            guard let preceding = mentions.last(where: { $0.end <= target.start && $0.entity != nil }), preceding.kind == .kin,
                let relative = preceding.entity, people.entities[relative].subject == nil,
                people.entities[relative].isParent || people.entities[relative].kin.map({ compiled.kins[$0].relation == "partner-of-parent" }) == true,
                let subject = mentions.first(where: { $0.end <= preceding.start && $0.kind != .pronoun(possessive: true) && $0.entity != nil }),
                let principal = subject.entity, people.entities[principal].subject != nil
            else { return nil }
            return principal
        case "absent-parent":
            // The parent noun inside the match or just before it, and whose parent it is.
            guard let parent = mentions.first(where: { mention in
                mention.kind == .kin && mention.start >= target.start - 1 && mention.end <= target.end
                    && mention.entity.map { people.entities[$0].isParent } == true
            }), let relative = parent.entity, let child = people.entities[relative].owner, people.entities[child].subject != nil
            else { return nil }
            return child
        case "domestic-abuse-in-pregnancy":
            func female(_ mention: Mention) -> Bool {
                guard let entity = mention.entity else { return false }
                return people.entities[entity].gender == .female || mention.gender == .female
            }
            if let inside = mentions.first(where: { $0.start >= target.start && $0.end <= target.end && female($0) }) {
                return inside.entity
            }
            return mentions.filter(female).min { distance($0, target) < distance($1, target) }?.entity
        default:
            return nil
        }
    }

    private func distance(_ mention: Mention, _ target: TargetMatch) -> Int {
        if mention.end <= target.start { return target.start - mention.end }
        if target.end <= mention.start { return mention.start - target.end }
        return 0
    }

    /// Whether sentence `index` has an incident cue ("killed", "the attack", "was assaulted").
    func sentenceIsAboutIncident(_ index: Int) -> Bool {
        let sentence = sentences[index]
        return matches[sentence.matchFrom..<sentence.matchTo].contains { if case .incident = kind($0) { return true } else { return false } }
    }

    /// Whether sentence `index`, or the sentence before it in the same paragraph, describes
    /// the incident (an account of the incident runs on after the sentence that names it).
    func incidentContext(_ index: Int) -> Bool {
        if sentenceIsAboutIncident(index) { return true }
        return index > 0 && sentences[index - 1].block == sentences[index].block && sentenceIsAboutIncident(index - 1)
    }

    /// Whether sentence `index` tells of the response to the incident: ``incidentContext(_:)``,
    /// or the next sentence of the paragraph describes the incident ("Police and paramedics
    /// attended within minutes. She was pronounced dead at the scene."), or, in a table,
    /// another cell of the same row does (a chronology row "Police; ambulance | Pronounced
    /// dead at the scene").
    func incidentResponseContext(_ index: Int) -> Bool {
        if incidentContext(index) { return true }
        let block = sentences[index].block
        if index + 1 < sentences.count, sentences[index + 1].block == block, sentenceIsAboutIncident(index + 1) { return true }
        let blocks = document.blocks
        guard block < blocks.count, blocks[block].kind == .tableCell, let row = blocks[block].row else { return false }
        // The row's other cells: the sentences around this one whose blocks are cells of the
        // same row, next to this cell (a row has a few cells; a long table repeats no row number).
        func inRow(_ other: Int) -> Bool {
            let cell = sentences[other].block
            return abs(cell - block) <= 12 && blocks[cell].kind == .tableCell && blocks[cell].row == row
        }
        var other = index - 1
        while other >= 0, index - other <= 12, inRow(other) {
            if sentenceIsAboutIncident(other) { return true }
            other -= 1
        }
        other = index + 1
        while other < sentences.count, other - index <= 12, inRow(other) {
            if sentenceIsAboutIncident(other) { return true }
            other += 1
        }
        return false
    }
}

extension TaggingRun {
    /// For a mention that is the agent of a passive ("by his stepfather", "by Mr B"), the
    /// principal named before "by" in the sentence, else nil. (`mutating` only so that
    /// ``attribute(_:entry:range:mentions:fallback:sentence:)`` passes the run by reference: the
    /// non-mutating call copied the whole run, about a hundred instructions, for every target
    /// with a person before it.)
    mutating func subjectBeforeAgent(_ mention: Mention, mentions: [Mention]) -> Int? {
        var by = mention.start - 1
        if by >= 0, Words2.possessivePronouns.contains(tokens.hashes[by]) { by -= 1 }
        guard by >= 0, tokens.hashes[by] == Words2.by else { return nil }
        guard let subject = mentions.last(where: { $0.end <= by && $0.kind != .kin && $0.kind != .pronoun(possessive: true) && $0.entity != nil }),
            let entity = subject.entity, people.entities[entity].subject != nil
        else { return nil }
        return entity
    }
}

extension TaggingRun {
    /// Whether "the couple" comes before token `start` in the sentence (after token `after` when
    /// given) and the perpetrator is the victim's partner or former partner: a characteristic of
    /// the couple is both of theirs. (`mutating` only so that
    /// ``attribute(_:entry:range:mentions:fallback:sentence:)`` passes the run by reference: the
    /// non-mutating call copied the whole run for nearly every target with a person before it.)
    mutating func coupleBefore(_ start: Int, sentence: SentenceSpan, after: Int? = nil) -> Bool {
        guard people.perpetratorRelation == "partner" || people.perpetratorRelation == "ex-partner" else { return false }
        var index = max(sentence.tokenFrom + 1, after ?? 0)
        while index < start {
            if tokens.hashes[index] == CoupleWords.couple, tokens.hashes[index - 1] == CoupleWords.the { return true }
            index += 1
        }
        return false
    }
}

extension TaggingRun {
    /// Whether "by a man with" (or a woman, partner, husband...) lies between token `after` (the
    /// end of the mention before) and token `start`, ending at most four words before `start`:
    /// "abused by a man with a documented history of violence" describes the abuser, an unnamed
    /// agent, not the clause's subject; so does "by a man ... who had". (`mutating` only so that ``attribute(_:entry:range:mentions:fallback:sentence:)``,
    /// itself mutating, passes the run without copying it: 808 bytes per call.)
    mutating func agentWithCharacteristic(after: Int, before start: Int) -> Bool {
        var with = start - 1
        while with >= after + 3, with >= start - 4 {
            if tokens.hashes[with] == AgentWords.with, AgentWords.people.contains(tokens.hashes[with - 1]),
                tokens.hashes[with - 2] == AgentWords.a || tokens.hashes[with - 2] == AgentWords.an,
                tokens.hashes[with - 3] == Words2.by
            {
                return true
            }
            with -= 1
        }
        // "groomed by a man more than twice her age who had a previous conviction": the agent's
        // relative clause ("who" at most four words before `start`, "by a man" up to ten before it).
        var who = start - 1
        while who >= after + 3, who >= start - 4 {
            if tokens.hashes[who] == Words2.who {
                var by = who - 3
                while by >= after, by >= who - 10 {
                    if tokens.hashes[by] == Words2.by, tokens.hashes[by + 1] == AgentWords.a || tokens.hashes[by + 1] == AgentWords.an,
                        AgentWords.people.contains(tokens.hashes[by + 2])
                    {
                        return true
                    }
                    by -= 1
                }
            }
            who -= 1
        }
        return false
    }
}

/// Words of ``TaggingRun/agentWithCharacteristic(after:before:)``.
private enum AgentWords {
    static let with = RoleWords.hash("with")
    static let a = RoleWords.hash("a")
    static let an = RoleWords.hash("an")
    static let people: WordSet = WordSet(
        ["man", "woman", "person", "partner", "boyfriend", "girlfriend", "husband", "wife", "male", "female", "adult", "individual"]
            .map(RoleWords.hash))
}

/// Words of ``TaggingRun/coupleBefore(_:sentence:)`` (attribution's, not people discovery's).
private enum CoupleWords {
    static let couple = RoleWords.hash("couple")
    static let the = RoleWords.hash("the")
}
