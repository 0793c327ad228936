import ReviewModel

/// A name candidate in a sentence.
struct NameCandidate {
    var start: Int
    var end: Int
    var gender: Gender?
    var declared: Bool
}

extension TaggingRun {
    /// The entity a role pattern stands for, or nil (a child role outside children's reviews).
    func roleEntity(_ match: Match) -> Int? {
        switch kind(match) {
        case .victim: return PeopleModel.victim
        case .perpetrator: return PeopleModel.perpetrator
        case .child:
            let phrase = compiled.matcher.patterns[Int(match.pattern)].phrase
            if phrase.contains("subject") {
                return people.subjectIsPerpetrator ? PeopleModel.perpetrator : PeopleModel.victim
            }
            return people.victimIsChild ? PeopleModel.victim : nil
        default: return nil
        }
    }

    func nameKey(_ from: Int, _ to: Int) -> NameKey {
        NameKey(hashes: Array(tokens.hashes[from..<to]))
    }

    func isCapitalised(_ index: Int) -> Bool { tokens.flags[index] & Tokens.capitalised != 0 }

    /// Titles ("Mr B"), coded pseudonyms ("Adult A") and declared names ("known as 'Sam'") in a sentence.
    func nameCandidates(_ sentence: SentenceSpan) -> [NameCandidate] {
        var result: [NameCandidate] = []
        let to = sentence.tokenTo
        for match in matches[sentence.matchFrom..<sentence.matchTo] {
            if case .title(let gender) = kind(match) {
                let next = Int(match.end)
                if next < to, isCapitalised(next), isCapitalised(Int(match.start)) {
                    result.append(NameCandidate(start: Int(match.start), end: next + 1, gender: gender, declared: false))
                }
            }
        }
        var index = sentence.tokenFrom
        while index + 1 < to {
            let next = tokens.flags[index + 1]
            if isCapitalised(index), next & (Tokens.singleCapital | Tokens.digits) != 0,
                CompiledCodebook.codeWords.contains(lowerWord(index)),
                !result.contains(where: { $0.start <= index && index < $0.end })
            {
                result.append(NameCandidate(start: index, end: index + 2, gender: nil, declared: false))
                index += 2
                continue
            }
            index += 1
        }
        for match in matches[sentence.matchFrom..<sentence.matchTo] {
            guard case .declare = kind(match) else { continue }
            let next = Int(match.end)
            guard next < to, isCapitalised(next) else { continue }
            if let existing = result.firstIndex(where: { $0.start == next }) {
                result[existing].declared = true
                continue
            }
            var end = next
            while end < to, end < next + 3, isCapitalised(end) { end += 1 }
            // A declared single word must not be an ordinary capitalised word of the sentence start.
            result.append(NameCandidate(start: next, end: end, gender: nil, declared: true))
        }
        return result.sorted { $0.start < $1.start }
    }

    /// The possessor of a kin noun starting at `start`: a possessive pronoun just before it
    /// (one adjective allowed between), or a role or name mention followed by `'s`.
    /// Returns the possessor's token range and what it is.
    func possessor(before start: Int, sentence: SentenceSpan, mentions: [Mention]) -> Mention? {
        var probe = start - 1
        var skipped = 0
        while probe >= sentence.tokenFrom, skipped <= 1 {
            if let mention = mentions.first(where: { $0.end == probe + 1 && $0.start <= probe }) {
                if case .pronoun(let possessive) = mention.kind, possessive { return mention }
                if mention.kind == .role || mention.kind == .name || mention.kind == .kin { return nil }
            }
            // 's after a mention
            if lowerWord(probe) == "s", probe - 1 >= sentence.tokenFrom,
                let mention = mentions.first(where: { $0.end == probe })
            {
                if mention.kind != .pronoun(possessive: false) { return mention }
            }
            probe -= 1
            skipped += 1
        }
        return nil
    }

    // MARK: - Discovery

    mutating func discoverPeople() {
        var pendingKinNames: [(name: NameKey, display: String, kin: Int, possessorGender: Gender?, possessorEntity: Int?)] = []
        var votes: [Int: [Gender: Int]] = [:]
        for sentence in sentences {
            let slice = matches[sentence.matchFrom..<sentence.matchTo]
            var roles: [(Int, Int, Int)] = []
            var kins: [(Match, Int)] = []
            for match in slice {
                if let entity = roleEntity(match) { roles.append((Int(match.start), Int(match.end), entity)) }
                if case .kin(let index) = kind(match) { kins.append((match, Int(index))) }
            }
            // Drop roles inside longer roles ("victim" in "the victim").
            roles = roles.filter { role in
                !roles.contains { $0 != role && $0.0 <= role.0 && role.1 <= $0.1 && ($0.1 - $0.0) > (role.1 - role.0) }
            }
            let candidates = nameCandidates(sentence)
            for candidate in candidates {
                let key = nameKey(candidate.start, candidate.end)
                let display = text(tokens: candidate.start, candidate.end)
                // Nearest role mention (apposition within 4 words, or anywhere in a declaration).
                let nearest = roles.min { distance($0, candidate) < distance($1, candidate) }
                let limit = candidate.declared ? 40 : 4
                if let nearest, distance(nearest, candidate) <= limit {
                    bind(key, display: display, to: nearest.2)
                    if let gender = candidate.gender { vote(&votes, nearest.2, gender, 3) }
                    continue
                }
                if candidate.declared, let kin = kins.min(by: { abs(Int($0.0.start) - candidate.start) < abs(Int($1.0.start) - candidate.start) }) {
                    // "her husband, referred to as Mr B": link through the kin noun's possessor.
                    let start = Int(kin.0.start)
                    var possessorGender: Gender?
                    var possessorEntity: Int?
                    if start > sentence.tokenFrom {
                        let word = lowerWord(start - 1)
                        if word == "her" { possessorGender = .female }
                        if word == "his" { possessorGender = .male }
                        if word == "s", let role = roles.first(where: { $0.1 == start - 1 }) { possessorEntity = role.2 }
                    }
                    pendingKinNames.append((key, display, kin.1, possessorGender, possessorEntity))
                    continue
                }
                if people.entityIndex(for: key) == nil {
                    people.entities.append(Entity(role: .other, name: display, gender: candidate.gender))
                    people.register(name: key, display: display, entity: people.entities.count - 1)
                }
            }
            // The perpetrator's relation from a kin noun next to a perpetrator mention.
            for (match, index) in kins {
                let start = Int(match.start)
                for role in roles where role.2 == PeopleModel.perpetrator {
                    let apposition = (role.1 <= start && start - role.1 <= 4) || (Int(match.end) <= role.0 && role.0 - Int(match.end) <= 4)
                    let isPossessive = role.1 == start - 1 && lowerWord(start - 1) == "s"
                    if apposition, !isPossessive, people.perpetratorRelation == nil {
                        // Only when the kin noun belongs to the victim or to nobody named.
                        let before = start > sentence.tokenFrom ? lowerWord(start - 1) : ""
                        if before == "his" || before == "her" || before == "the" || before == "s" || before == "their" {
                            people.perpetratorRelation = lexicon.kin[index].relation
                            if lexicon.kin[index].gender != nil, people.entities[PeopleModel.perpetrator].gender == nil {
                                vote(&votes, PeopleModel.perpetrator, lexicon.kin[index].gender!, 3)
                            }
                        }
                    }
                }
            }
            // Gender votes: one person in the sentence, pronouns and gender words after it.
            var sentenceEntities: [(Int, Int)] = roles.map { ($0.0, $0.2) }
            var index = sentence.tokenFrom
            while index < sentence.tokenTo {
                if isCapitalised(index), let entity = lookupName(at: index, limit: sentence.tokenTo)?.entity {
                    sentenceEntities.append((index, entity))
                }
                index += 1
            }
            let distinct = Set(sentenceEntities.map(\.1))
            if distinct.count == 1, let entity = distinct.first, let first = sentenceEntities.map(\.0).min() {
                for match in slice where Int(match.start) > first {
                    switch kind(match) {
                    case .pronoun(let gender, _): vote(&votes, entity, gender, 1)
                    case .female where Int(match.start) - first <= 12: vote(&votes, entity, .female, 2)
                    case .male where Int(match.start) - first <= 12: vote(&votes, entity, .male, 2)
                    default: break
                    }
                }
            }
        }
        for (entity, tally) in votes where people.entities[entity].gender == nil {
            let female = tally[.female] ?? 0
            let male = tally[.male] ?? 0
            if female >= 2, Double(female) >= 3 * Double(male) { people.entities[entity].gender = .female }
            if male >= 2, Double(male) >= 3 * Double(female) { people.entities[entity].gender = .male }
        }
        // Names declared for a kin noun: the victim's partner is the perpetrator in a
        // domestic homicide review, or when the text already linked the relation.
        for pending in pendingKinNames where people.entityIndex(for: pending.name) == nil {
            let kin = lexicon.kin[pending.kin]
            let victimGender = people.entities[PeopleModel.victim].gender
            let ownerIsVictim = pending.possessorEntity == PeopleModel.victim
                || (pending.possessorEntity == nil && pending.possessorGender != nil
                    && (victimGender == nil || victimGender == pending.possessorGender))
            if ownerIsVictim, perpetratorMatches(kin), people.entities[PeopleModel.perpetrator].name == nil {
                people.register(name: pending.name, display: pending.display, entity: PeopleModel.perpetrator)
                if people.perpetratorRelation == nil { people.perpetratorRelation = kin.relation }
                if people.entities[PeopleModel.perpetrator].gender == nil, let gender = kin.gender {
                    people.entities[PeopleModel.perpetrator].gender = gender
                }
            } else {
                let owner = ownerIsVictim ? PeopleModel.victim : pending.possessorEntity
                let entity = people.relative(owner: owner, kin: pending.kin, lexicon: lexicon)
                people.register(name: pending.name, display: pending.display, entity: entity)
            }
        }
    }

    /// Whether a kin noun of the victim plausibly names the perpetrator.
    func perpetratorMatches(_ kin: Codebook.Kin) -> Bool {
        if let relation = people.perpetratorRelation { return relation == kin.relation }
        let perpetratorGender = people.entities[PeopleModel.perpetrator].gender
        if let gender = kin.gender, let perpetratorGender, gender != perpetratorGender { return false }
        let type = reviewType?.id
        if kin.relation == "partner" || kin.relation == "ex-partner" { return type == "dhr" || type == nil }
        return false
    }

    func distance(_ role: (Int, Int, Int), _ candidate: NameCandidate) -> Int {
        if role.1 <= candidate.start { return candidate.start - role.1 }
        if candidate.end <= role.0 { return role.0 - candidate.end }
        return 0
    }

    func vote(_ votes: inout [Int: [Gender: Int]], _ entity: Int, _ gender: Gender, _ weight: Int) {
        votes[entity, default: [:]][gender, default: 0] += weight
    }

    mutating func bind(_ key: NameKey, display: String, to entity: Int) {
        if let existing = people.entityIndex(for: key) {
            if existing == entity { return }
            // Re-point a name first seen without a role.
            if people.entities[existing].role == .other, people.entities[existing].kin == nil {
                for (first, list) in people.names {
                    people.names[first] = list.map { $0.0 == key ? ($0.0, entity, $0.2) : $0 }
                }
                if people.entities[entity].name == nil { people.entities[entity].name = display }
                if people.entities[entity].gender == nil { people.entities[entity].gender = people.entities[existing].gender }
            }
            return
        }
        people.register(name: key, display: display, entity: entity)
    }

    /// The longest known name starting at token `index`.
    func lookupName(at index: Int, limit: Int) -> (end: Int, entity: Int)? {
        guard let list = people.names[tokens.hashes[index]] else { return nil }
        var best: (Int, Int)?
        for (key, entity, _) in list {
            let end = index + key.hashes.count
            guard end <= limit else { continue }
            var equal = true
            for offset in 0..<key.hashes.count where tokens.hashes[index + offset] != key.hashes[offset] {
                equal = false
                break
            }
            if equal, best == nil || end > best!.0 { best = (end, entity) }
        }
        return best
    }
}
