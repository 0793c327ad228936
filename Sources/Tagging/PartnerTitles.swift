import ReviewModel

/// Titles and their genders, for names already registered (only their word hashes are kept).
enum TitleWords {
    static let male: WordSet = WordSet(["mr"].map(Words2.hash))
    static let female: WordSet = WordSet(["mrs", "ms", "miss"].map(Words2.hash))

    /// The gender a title word states, or nil (not a gendered title).
    static func gender(_ hash: UInt64) -> Gender? {
        if male.contains(hash) { return .male }
        if female.contains(hash) { return .female }
        return nil
    }
}

extension TaggingRun {
    /// "Mr N killed his wife ... Mrs N was 44": a principal known only as the other principal's
    /// partner ("his wife", "her husband", "his partner") is the one titled person of the
    /// partner's gender who shares the other principal's surname (or initial) and is nobody else
    /// (no role, no declared kinship). Their names then stand for that principal, so their age,
    /// gender, ethnicity and clauses go to it. Conservative: no link when two people fit.
    mutating func linkTitledPartner() {
        // The relation is mostly counted later (sweep): here only a stated other relation stops the link.
        guard people.perpetratorRelation == nil || people.perpetratorRelation == "partner", !people.victimIsChild else { return }
        let victimNamed = people.entities[PeopleModel.victim].name != nil
        let perpetratorNamed = people.entities[PeopleModel.perpetrator].name != nil
        guard victimNamed != perpetratorNamed else { return }
        let known = victimNamed ? PeopleModel.victim : PeopleModel.perpetrator
        let unknown = victimNamed ? PeopleModel.perpetrator : PeopleModel.victim
        // The known principal's titled names: their title genders and surnames (last words).
        var surnames: Set<UInt64> = []
        var knownGenders: Set<Gender> = []
        for (_, list) in people.names {
            for (key, entity, _) in list where entity == known && (2...3).contains(key.hashes.count) {
                guard let gender = TitleWords.gender(key.hashes[0]), let last = key.hashes.last else { continue }
                surnames.insert(last)
                knownGenders.insert(gender)
            }
        }
        guard surnames.count == 1, knownGenders.count == 1, let surname = surnames.first, let knownGender = knownGenders.first else { return }
        if let stated = people.entities[known].gender, stated != knownGender { return }
        guard let partnerGender = partnerKinGender(possessorGender: knownGender, unknownIsVictim: unknown == PeopleModel.victim) else { return }
        let wanted = people.entities[unknown].gender ?? partnerGender ?? (knownGender == .male ? .female : .male)
        // People titled with the wanted gender and the same surname, with no role or kinship.
        var fitting: Set<Int> = []
        for (_, list) in people.names {
            for (key, entity, _) in list where (2...3).contains(key.hashes.count) && key.hashes.last == surname {
                guard TitleWords.gender(key.hashes[0]) == wanted else { continue }
                fitting.insert(entity)
            }
        }
        guard fitting.count == 1, let candidate = fitting.first, candidate > PeopleModel.perpetrator else { return }
        let person = people.entities[candidate]
        // Declared as someone's relative ("his mother, Mrs N"): not the partner.
        guard person.role == .other, person.kin == nil, person.owner == nil, person.gender == nil || person.gender == wanted else { return }
        promote(candidate, to: unknown)
        if people.entities[unknown].gender == nil { people.entities[unknown].gender = wanted }
    }

    /// The partner kin nouns that name the unknown principal: possessed by a pronoun of the known
    /// principal's gender and the object of a role cue of the unknown one ("killed his wife",
    /// "the death of his wife"; "killed by her husband"). Nil when there is none; else the gender
    /// the nouns state (`.some(nil)`: none states one, "his partner", or they disagree).
    func partnerKinGender(possessorGender: Gender, unknownIsVictim: Bool) -> Gender?? {
        let pronoun = possessorGender == .male ? Words2.his : Words2.her
        var found = false
        var genders: Set<Gender> = []
        for sentence in sentences {
            let slice = matches[sentence.matchFrom..<sentence.matchTo]
            for match in slice {
                guard case .kin(let index) = kind(match), compiled.kins[Int(index)].relation == "partner" else { continue }
                var before = Int(match.start) - 1
                if before > sentence.tokenFrom, Words2.kinModifiers.contains(tokens.hashes[before]) { before -= 1 }
                guard before >= sentence.tokenFrom, tokens.hashes[before] == pronoun else { continue }
                let cued = slice.contains { cue in
                    guard case .roleCue(let victim, let after) = kind(cue), !after, victim == unknownIsVictim else { return false }
                    return Int(cue.end) == before
                }
                guard cued else { continue }
                found = true
                if let gender = compiled.kins[Int(index)].gender { genders.insert(gender) }
            }
        }
        guard found else { return nil }
        return .some(genders.count == 1 ? genders.first : nil)
    }
}

enum WorkWords {
    static let work: WordSet = WordSet(["worked", "works", "working", "employed", "job", "shifts", "shift"].map(Words2.hash))
}

extension TaggingRun {
    /// Whether a place phrase starting at token `start` is where someone works ("worked as a care
    /// assistant in a nursing home"): a work word up to eight tokens before it in the sentence.
    func isWorkplace(before start: Int, sentence: SentenceSpan) -> Bool {
        let from = max(sentence.tokenFrom, start - 8)
        guard from < start else { return false }
        return (from..<start).contains { WorkWords.work.contains(tokens.hashes[$0]) }
    }
}
