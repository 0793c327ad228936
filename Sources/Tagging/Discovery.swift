import ReviewModel

/// A name candidate in a sentence.
struct NameCandidate {
    var start: Int
    var end: Int
    var gender: Gender?
    var declared: Bool
    /// Starts with a title ("Mr", "Ms").
    var titled = false
}

extension TaggingRun {
    /// The entity a role pattern stands for, or nil (a child role outside children's reviews).
    /// (Inlined: the sweep and discovery ask it for every match; only a child role needs more.)
    @inline(__always)
    func roleEntity(_ match: Match) -> Int? {
        switch kind(match) {
        case .victim: return PeopleModel.victim
        case .perpetrator: return PeopleModel.perpetrator
        case .child: return childRoleEntity(match)
        default: return nil
        }
    }

    /// ``roleEntity(_:)`` for a mutating caller (people discovery): there the non-mutating method,
    /// inlined, copied the whole run (808 bytes) for every sentence with a name or kin noun, for
    /// its call of ``childRoleEntity(_:)``.
    @inline(__always)
    mutating func roleEntityInPlace(_ match: Match) -> Int? {
        switch kind(match) {
        case .victim: return PeopleModel.victim
        case .perpetrator: return PeopleModel.perpetrator
        case .child: return childRoleEntityInPlace(match)
        default: return nil
        }
    }

    /// ``roleEntity(_:)`` of a child role pattern.
    func childRoleEntity(_ match: Match) -> Int? {
        // "the Children Act 1989", "Children's Services", "the Young People's Service": a
        // capitalised plural before a capitalised word is part of a name, no child of the review.
        let last = Int(match.end) - 1
        if last >= 0, last < tokens.count, Words2.childPlurals.contains(tokens.hashes[last]), isCapitalised(last) {
            var next = Int(match.end)
            if isWord(next, Words2.s) { next += 1 }
            if next < tokens.count, isCapitalised(next) { return nil }
        }
        if compiled.phraseMentionsSubject[Int(match.pattern)] {
            // "the subject of concerns", "the subject of a child protection plan": an
            // ordinary phrase, unless a review follows ("the subject of this review").
            let end = Int(match.end)
            if isWord(end, Words2.of), !(end + 1..<min(end + 6, tokens.count)).contains(where: { tokens.hashes[$0] == Words2.review }) {
                return nil
            }
            return people.subjectIsPerpetrator ? PeopleModel.perpetrator : PeopleModel.victim
        }
        return people.victimIsChild ? PeopleModel.victim : nil
    }

    func nameKey(_ from: Int, _ to: Int) -> NameKey {
        NameKey(hashes: Array(tokens.hashes[from..<to]))
    }

    func isCapitalised(_ index: Int) -> Bool { tokens.flags[index] & Tokens.capitalised != 0 }

    /// Titles ("Mr B"), coded pseudonyms ("Adult A") and declared names ("known as 'Sam'") in a sentence.
    /// `titlesOrDeclarations`: whether the sentence has a title or declaration match (when not,
    /// only code words are looked for). `result` is emptied first (one buffer for all sentences).
    /// (`mutating` only so that ``discoverPeople()`` passes the run without copying it.)
    mutating func nameCandidates(
        _ sentence: SentenceSpan, _ sentenceIndex: Int, capitals: CapitalIndex, titlesOrDeclarations: Bool, into result: inout [NameCandidate]
    ) {
        result.truncate(to: 0)
        let to = sentence.tokenTo
        for match in matches[sentence.matchFrom..<sentence.matchTo] where titlesOrDeclarations {
            if case .title(let gender) = kind(match) {
                let next = Int(match.end)
                if next < to, isCapitalised(next), isCapitalised(Int(match.start)) {
                    // "Mr Walter Finch": a first name and a surname after the title.
                    let end = isSurname(after: next, limit: to) ? next + 2 : next + 1
                    result.append(NameCandidate(start: Int(match.start), end: end, gender: gender, declared: false, titled: true))
                }
            }
        }
        // Code words ("Adult A"): only capitalised tokens can start one; a found name's second
        // token is not looked at again.
        var skipTo = sentence.tokenFrom
        for position in capitals.range(inSentence: sentenceIndex) {
            let index = Int(capitals.positions[position])
            guard index >= skipTo, index + 1 < to else { continue }
            let next = tokens.flags[index + 1]
            if next & (Tokens.singleCapital | Tokens.digits) != 0,
                Words2.codeWords.contains(tokens.hashes[index]),
                !result.contains(where: { $0.start <= index && index < $0.end })
            {
                // "Young Person B", "Young Adult 1": one more capitalised code word before.
                var start = index
                if start - 1 >= sentence.tokenFrom, isCapitalised(start - 1), Words2.codeWords.contains(tokens.hashes[start - 1]) {
                    start -= 1
                }
                result.append(NameCandidate(start: start, end: index + 2, gender: nil, declared: false))
                skipTo = index + 2
            }
        }
        // "Mr K senior"
        for position in result.indices where result[position].end < to {
            if Words2.generation.contains(tokens.hashes[result[position].end]) { result[position].end += 1 }
        }
        for match in matches[sentence.matchFrom..<sentence.matchTo] where titlesOrDeclarations {
            guard case .declare = kind(match) else { continue }
            let next = Int(match.end)
            guard next < to, isCapitalised(next) else { continue }
            if let existing = result.firstIndex(where: { $0.start == next }) {
                result[existing].declared = true
                continue
            }
            var end = next
            while end < to, end < next + 3, isCapitalised(end) { end += 1 }
            // The bare "called" (the codebook's "called here") declares only a name followed by
            // "here" or "in this report" ("Their father, called Aziz here, was in the house"),
            // not "her father called Children's Services".
            if Int(match.end) - Int(match.start) == 1, tokens.hashes[Int(match.start)] == Words2.called {
                let after = end < to ? tokens.hashes[end] : 0
                let this = end + 1 < to ? tokens.hashes[end + 1] : 0
                guard after == Words2.here || (Words2.declarationPlaces.contains(after) && this == Words2.this) else { continue }
            }
            // A declared single word must not be an ordinary capitalised word of the sentence start.
            result.append(NameCandidate(start: next, end: end, gender: nil, declared: true))
        }
        if result.count > 1 { result.sort { $0.start < $1.start } }
    }

    /// Whether the token after `index` is a surname written right after it ("Walter Finch"):
    /// capitalised, one space away, not a one-letter code ("Mr A B"), no acronym, month or code word.
    func isSurname(after index: Int, limit: Int) -> Bool {
        let next = index + 1
        guard next < limit, isCapitalised(next), tokens.flags[next] & Tokens.digits == 0,
            tokens.flags[index] & (Tokens.singleCapital | Tokens.digits) == 0,
            Int(tokens.starts[next]) - Int(tokens.ends[index]) == 1
        else { return false }
        // "Mr Declan F": a surname's initial after a first name (not after a code or acronym).
        if tokens.flags[next] & Tokens.singleCapital != 0 {
            return Int(tokens.ends[index]) - Int(tokens.starts[index]) >= 3 && !Words2.codeWords.contains(tokens.hashes[index])
                && !Words2.calendar.contains(tokens.hashes[index]) && !isAcronym(index)
        }
        let hash = tokens.hashes[next]
        if Words2.calendar.contains(hash) || Words2.codeWords.contains(hash) || Words2.generation.contains(hash) { return false }
        guard Int(tokens.ends[next]) - Int(tokens.starts[next]) >= 2 else { return false }
        return !isAcronym(next)  // "Mr K NHS"
    }

    /// Whether the token's second letter is a capital too ("NHS", "GP").
    func isAcronym(_ index: Int) -> Bool {
        let start = Int(tokens.starts[index])
        guard Int(tokens.ends[index]) - start >= 2, let second = textByte(at: start + 1) else { return false }
        return second >= 0x41 && second <= 0x5A
    }

    /// Makes the shorter forms of a titled full name ("Mr Walter Finch") name its person too:
    /// "Walter Finch", "Walter" and "Mr Finch". A bare surname is left alone (relatives share it).
    mutating func bindTitledAliases(of candidate: NameCandidate) {
        guard candidate.titled, candidate.end - candidate.start == 3, let entity = people.entityIndex(for: nameKey(candidate.start, candidate.end)) else { return }
        let title = candidate.start
        let first = candidate.start + 1
        let surname = candidate.start + 2
        bind(nameKey(first, surname + 1), display: text(tokens: first, surname + 1), to: entity)
        bind(nameKey(first, first + 1), display: text(tokens: first, first + 1), to: entity)
        bind(NameKey(hashes: [tokens.hashes[title], tokens.hashes[surname]]), display: text(tokens: title, first) + " " + text(tokens: surname, surname + 1), to: entity)
    }

    /// The possessor of a kin noun starting at `start`: a possessive pronoun just before it
    /// (one adjective allowed between), or a role or name mention followed by `'s`.
    /// Returns the possessor's token range and what it is. (`mutating` only so that the sweep,
    /// which asks it per kin noun, passes the run without copying it.)
    mutating func possessor(before start: Int, sentence: SentenceSpan, mentions: [Mention]) -> Mention? {
        var probe = start - 1
        var skipped = 0
        while probe >= sentence.tokenFrom, skipped <= 1 {
            if let mention = mentions.first(where: { $0.end == probe + 1 && $0.start <= probe }) {
                if case .pronoun(let possessive) = mention.kind, possessive { return mention }
                if mention.kind == .role || mention.kind == .name || mention.kind == .kin { return nil }
            }
            // 's after a mention
            if isWord(probe, Words2.s), probe - 1 >= sentence.tokenFrom,
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

    /// Whether some kin match lies inside a longer one ("partner" in "former partner"): what
    /// ``dropNestedKins(_:)`` drops. Most sentences with kin nouns have none, and this test
    /// copies nothing.
    static func hasNestedKin(_ kins: [(Match, Int)]) -> Bool {
        kins.withUnsafeBufferPointer { kins in
            for inner in kins.indices {
                let start = Int(kins[inner].0.start)
                let end = Int(kins[inner].0.end)
                for outer in kins.indices where outer != inner {
                    let outerStart = Int(kins[outer].0.start)
                    let outerEnd = Int(kins[outer].0.end)
                    if outerStart <= start, end <= outerEnd, outerEnd - outerStart > end - start { return true }
                }
            }
            return false
        }
    }

    mutating func discoverPeople() {
        var pendingKinNames: [(name: NameKey, display: String, kin: Int, possessorGender: Gender?, possessorEntity: Int?, range: TextRange)] = []
        /// Declared names bound to a kin noun: (sentence, kin start) → name.
        var kinNames: [Int: NameKey] = [:]  // keyed by kinNameKey(sentence, start)
        var declaredInSentence: [Int: [NameKey]] = [:]
        let capitals = CapitalIndex(tokens, sentences: sentences)
        self.capitals = capitals
        capitalsBuilt = true
        let sentenceKinds = SentenceKinds(matches: matches, sentences: sentences, patternBits: compiled.sentenceKindBits, capitals: capitals, tokens: tokens)
        discoverProperNames(capitals: capitals)
        var roles: [(Int, Int, Int)] = []  // buffers for all sentences
        var kins: [(Match, Int)] = []
        var candidates: [NameCandidate] = []
        // Per pattern, its ``SentenceKinds`` bit: the matches of other kinds are passed over by a load.
        let patternBits = compiled.sentenceKindBits
        for sentenceIndex in sentences.indices {
            // Names come from titles, declarations and code words: a sentence with none of them
            // and no kin noun adds nothing. (The sentence is copied out only past this test.)
            let hasKin = sentenceKinds.has(sentenceIndex, SentenceKinds.kin)
            let titlesOrDeclarations = sentenceKinds.has(sentenceIndex, SentenceKinds.titleOrDeclaration)
            if !hasKin, !titlesOrDeclarations, !sentenceKinds.has(sentenceIndex, SentenceKinds.codeWord) { continue }
            let sentence = sentences[sentenceIndex]
            // (The matches read by index: a slice of the list retained and released it per sentence.)
            let matchRange = sentence.matchFrom..<sentence.matchTo
            kins.truncate(to: 0)
            if hasKin {
                for position in matchRange where patternBits[Int(matches[position].pattern)] & SentenceKinds.kin != 0 {
                    let match = matches[position]
                    if case .kin(let index) = kind(match) { kins.append((match, Int(index))) }
                }
                // "former partner" holds "partner": the longer kin noun is the relation.
                if kins.count > 1, Self.hasNestedKin(kins) { dropNestedKins(&kins) }
            }
            nameCandidates(sentence, sentenceIndex, capitals: capitals, titlesOrDeclarations: titlesOrDeclarations, into: &candidates)
            // Roles are read only for names and kin nouns: a sentence with neither adds nothing.
            if candidates.isEmpty, kins.isEmpty { continue }
            roles.truncate(to: 0)
            for position in matchRange where patternBits[Int(matches[position].pattern)] & SentenceKinds.role != 0 {
                let match = matches[position]
                if let entity = roleEntityInPlace(match) { roles.append((Int(match.start), Int(match.end), entity)) }
            }
            Self.dropNestedRoles(&roles)
            // "treated as a perpetrator", "had been a victim of": descriptions, not the review's roles.
            dropDescriptiveRoles(&roles, sentenceStart: sentence.tokenFrom)
            for candidate in candidates {
                let key = nameKey(candidate.start, candidate.end)
                // The display text is cut from the document only where a name is registered.
                if candidate.declared, declaredInSentence[sentenceIndex]?.contains(key) != true {
                    declaredInSentence[sentenceIndex, default: []].append(key)
                }
                // "Child E, whom his mother asked us to call Riley", "Adult A, who will be
                // called Sam", "Mrs Winifred Keane, known to everyone who knew her as Win": a name
                // declared in a relative clause or apposition of another name is its alias.
                if candidate.declared,
                    let earlier = candidates.last(where: { $0.end <= candidate.start && candidate.start - $0.end <= 12 }),
                    earlier.end < sentence.tokenTo,
                    isWord(earlier.end, Words2.whom) || isWord(earlier.end, Words2.who)
                        || Words2.appositiveDeclarations.contains(tokens.hashes[earlier.end]),
                    let entity = people.entityIndex(for: nameKey(earlier.start, earlier.end))
                {
                    if let existing = people.entityIndex(for: key) {
                        // Seen before without a role ("Riley was"): the same person.
                        if existing != entity, existing > PeopleModel.perpetrator, people.entities[existing].role == .other,
                            people.entities[existing].kin == nil
                        {
                            people.reassignNames(of: existing, to: entity)
                            people.entities[existing].name = nil
                        }
                    } else {
                        people.register(name: key, display: text(tokens: candidate.start, candidate.end), entity: entity)
                    }
                    continue
                }
                // A code word that is itself a role ("Perpetrator 1", "Victim A").
                // (The word's hash first: only "perpetrator" or "victim" in some case has it.)
                let firstHash = tokens.hashes[candidate.start]
                let firstWord = firstHash == Words2.perpetrator || firstHash == Words2.victim ? lowerWord(candidate.start) : ""
                if firstWord == "perpetrator" || firstWord == "victim" {
                    let role: Entity.Role = firstWord == "victim" ? .victim : .perpetrator
                    if people.entityIndex(for: key) == nil {
                        let target = role == .victim ? PeopleModel.victim : PeopleModel.perpetrator
                        if people.entities[target].name == nil {
                            people.register(name: key, display: text(tokens: candidate.start, candidate.end), entity: target)
                        } else {
                            people.entities.append(Entity(role: role, name: text(tokens: candidate.start, candidate.end)))
                            people.register(name: key, display: text(tokens: candidate.start, candidate.end), entity: people.entities.count - 1)
                        }
                    }
                    continue
                }
                // Nearest role mention (apposition within 4 words, or anywhere in a declaration:
                // "The victim, whose family have asked that he be referred to by his first name,
                // Patrick," puts 13 words between them).
                let nearest = roles.min { distance($0, candidate) < distance($1, candidate) }
                var limit = candidate.declared ? 16 : 4
                if !candidate.declared, let nearest,
                    (nearest.1 <= candidate.start ? nearest.1..<candidate.start : min(candidate.end, nearest.0)..<nearest.0)
                        .contains(where: { Words2.notApposition.contains(tokens.hashes[$0]) })
                {
                    limit = -1  // "the child of Mr P", "the victim and Mr B"
                }
                if let nearest, !candidate.declared {
                    // A full stop or semicolon between them ("the child of Mr P. The baby was"):
                    // the splitter kept an initial's stop inside the sentence; not an apposition.
                    let gapFrom = nearest.1 <= candidate.start ? Int(tokens.ends[nearest.1 - 1]) : Int(tokens.ends[candidate.end - 1])
                    let gapTo = nearest.1 <= candidate.start ? Int(tokens.starts[candidate.start]) : Int(tokens.starts[nearest.0])
                    if gapTo > gapFrom, document.text.utf8[document.text.utf8.index(document.text.utf8.startIndex, offsetBy: gapFrom)..<document.text.utf8.index(document.text.utf8.startIndex, offsetBy: gapTo)].contains(where: { $0 == 0x2E || $0 == 0x3B }) {
                        limit = -1
                    }
                }
                // "the victim's husband, referred to as Mr B", "the children's stepfather, who is
                // referred to as Mr P": the name is the role's relative, not the role.
                let possessedKin = nearest.map { role in
                    kins.contains { kin in
                        let start = Int(kin.0.start)
                        return role.1 < sentence.tokenTo && isWord(role.1, Words2.s) && (start == role.1 + 1 || start == role.1 + 2)
                            && Int(kin.0.end) <= candidate.start
                    }
                } ?? false
                if let nearest, distance(nearest, candidate) <= limit, !(candidate.declared && possessedKin) {
                    bind(key, display: text(tokens: candidate.start, candidate.end), to: nearest.2)
                    if let gender = candidate.gender, people.entities[nearest.2].gender == nil { people.entities[nearest.2].gender = gender }
                    continue
                }
                // The kin noun before the name ("her husband, referred to as Mr B") or right after
                // it ("Mr B, her husband"); not a later clause ("Child E, whom his mother...").
                if candidate.declared,
                    // Not a possessor ("at his mother's request, by his first name, Ellis"), nor
                    // the one who chose the name ("a baby boy whom his mother asked us to call Teddy").
                    let kin = kins.filter({
                        (Int($0.0.start) < candidate.start || Int($0.0.start) - candidate.end <= 1) && !isWord(Int($0.0.end), Words2.s)
                            && !afterWhom(Int($0.0.start), sentenceStart: sentence.tokenFrom)
                    })
                        .min(by: { abs(Int($0.0.start) - candidate.start) < abs(Int($1.0.start) - candidate.start) }),
                    abs(Int(kin.0.start) - candidate.start) <= 10
                {
                    // "her husband, referred to as Mr B": link through the kin noun's possessor.
                    let start = Int(kin.0.start)
                    var possessorGender: Gender?
                    var possessorEntity: Int?
                    // One modifier may stand between ("his only daughter", "her late husband").
                    var before = start - 1
                    if before > sentence.tokenFrom, Words2.kinModifiers.contains(tokens.hashes[before]) { before -= 1 }
                    if before >= sentence.tokenFrom {
                        if isWord(before, Words2.her) { possessorGender = .female }
                        if isWord(before, Words2.his) { possessorGender = .male }
                        if isWord(before, Words2.s), before - 1 >= sentence.tokenFrom {
                            if let role = roles.first(where: { $0.1 == before }) { possessorEntity = role.2 }
                            if let name = earlierName(endingAt: before, sentence: sentence) { possessorEntity = name }
                        }
                    }
                    var kinIndex = kin.1
                    // "with his mother and her partner, who is referred to as Mr R": in a
                    // child's review, a partner whose possessive follows a parent of that gender
                    // in the sentence is the parent's partner.
                    if people.victimIsChild, let gender = possessorGender, compiled.kins[kinIndex].relation == "partner",
                        kins.contains(where: { Int($0.0.end) <= start && compiled.kins[$0.1].isParent && compiled.kins[$0.1].gender == gender }),
                        let stepParent = compiled.kins.firstIndex(where: { $0.relation == "partner-of-parent" && ($0.gender == nil || $0.gender != gender) })
                    {
                        kinIndex = stepParent
                        possessorEntity = PeopleModel.victim
                    }
                    kinNames[Self.kinNameKey(sentenceIndex, start)] = key
                    if let existing = people.entityIndex(for: key) {
                        // A name already seen without a role ("Carol told..."): it is this relative.
                        let owner: Int? = possessorEntity ?? (possessorGender != nil ? PeopleModel.victim : nil)
                        attachKin(existing, kin: kinIndex, owner: owner, range: textRange(start, Int(kin.0.end)))
                    } else {
                        pendingKinNames.append((key, text(tokens: candidate.start, candidate.end), kinIndex, possessorGender, possessorEntity, textRange(start, Int(kin.0.end))))
                    }
                    continue
                }
                // "Mr D stabbed his girlfriend ... She died at the scene. We refer to her by her
                // first name, Shona": a name declared for "her" or "him", with no name before it in
                // its sentence, is the last kin noun of that gender in the three sentences before.
                if candidate.declared, !candidates.contains(where: { $0.end <= candidate.start }),
                    let gender = declaredPronounGender(before: candidate.start, sentence: sentence),
                    let (earlierIndex, kinStart, kinEnd, kinIndex) = lastKin(of: gender, before: sentenceIndex)
                {
                    var possessorGender: Gender?
                    if kinStart - 1 >= sentences[earlierIndex].tokenFrom {
                        if isWord(kinStart - 1, Words2.her) { possessorGender = .female }
                        if isWord(kinStart - 1, Words2.his) { possessorGender = .male }
                    }
                    kinNames[Self.kinNameKey(earlierIndex, kinStart)] = key
                    if let existing = people.entityIndex(for: key) {
                        attachKin(existing, kin: kinIndex, owner: possessorGender != nil ? PeopleModel.victim : nil, range: textRange(kinStart, kinEnd))
                    } else {
                        pendingKinNames.append((key, text(tokens: candidate.start, candidate.end), kinIndex, possessorGender, nil, textRange(kinStart, kinEnd)))
                    }
                    continue
                }
                if people.entityIndex(for: key) == nil {
                    people.entities.append(Entity(role: .other, name: text(tokens: candidate.start, candidate.end), gender: candidate.gender))
                    people.register(name: key, display: text(tokens: candidate.start, candidate.end), entity: people.entities.count - 1)
                } else if let gender = candidate.gender, let entity = people.entityIndex(for: key), people.entities[entity].gender == nil {
                    people.entities[entity].gender = gender
                }
            }
            for candidate in candidates where candidate.titled { bindTitledAliases(of: candidate) }
            // A kin noun in apposition to a name ("her younger brother, Tariq", "Tariq, her
            // brother"): the name is that relative, whose possessor is a principal or a name.
            for (match, kinIndex) in kins {
                let kinStart = Int(match.start)
                let kinEnd = Int(match.end)
                var nameEntity: Int?
                // Out of the `&&` below: an autoclosure reading `tokens` copied the whole run per kin noun.
                let pronounBefore = kinStart - 1 >= sentence.tokenFrom ? Words2.possessivePronouns.contains(tokens.hashes[kinStart - 1]) : false
                if kinEnd < sentence.tokenTo, isCapitalised(kinEnd), let found = lookupName(at: kinEnd, limit: sentence.tokenTo),
                    !(found.end < sentence.tokenTo && tokens.hashes[found.end] == Words2.s)  // "his wife, Mr K's mother"
                {
                    nameEntity = found.entity
                } else if let name = earlierName(endingAt: kinStart - (pronounBefore ? 1 : 0), sentence: sentence) {
                    nameEntity = name  // "Tariq, her brother" (the comma is not a token)
                }
                guard let entity = nameEntity, entity > PeopleModel.perpetrator, people.entities[entity].kin == nil,
                    people.entities[entity].role == .other
                else { continue }
                var probe = kinStart - 1
                var owner: Int?
                while probe >= sentence.tokenFrom, probe >= kinStart - 2 {
                    let hash = tokens.hashes[probe]
                    if Words2.possessivePronouns.contains(hash) {
                        owner = PeopleModel.victim
                        break
                    }
                    if hash == Words2.s, let name = earlierName(endingAt: probe, sentence: sentence) {
                        owner = name
                        break
                    }
                    probe -= 1
                }
                guard let owner, owner != entity else { continue }
                people.entities[entity].kin = kinIndex
                people.entities[entity].owner = owner
                people.entities[entity].isParent = compiled.kins[kinIndex].isParent
                people.entities[entity].kinEvidence = textRange(kinStart, kinEnd)
                if people.entities[entity].gender == nil { people.entities[entity].gender = compiled.kins[kinIndex].gender }
            }
            // The perpetrator's relation from a kin noun next to a perpetrator mention.
            for (match, index) in kins {
                let start = Int(match.start)
                for role in roles where role.2 == PeopleModel.perpetrator {
                    // Not the code word of a name ("Perpetrator 1").
                    if role.1 < sentence.tokenTo, tokens.flags[role.1] & (Tokens.digits | Tokens.singleCapital) != 0 { continue }
                    let apposition = (role.1 <= start && start - role.1 <= 3) || (Int(match.end) <= role.0 && role.0 - Int(match.end) <= 3)
                    let isPossessive = role.1 == start - 1 && isWord(start - 1, Words2.s)
                    if apposition, !isPossessive, people.perpetratorRelation == nil {
                        if start > sentence.tokenFrom, Words2.possessives.contains(tokens.hashes[start - 1]) {
                            people.perpetratorRelation = compiled.kins[index].relation
                            people.perpetratorRelationEvidence = textRange(start, Int(match.end))
                        }
                    }
                }
            }
        }
        // Names declared for a kin noun become relatives (promoted below when cues say so).
        for pending in pendingKinNames {
            let kin = compiled.kins[pending.kin]
            let owner: Int? = pending.possessorEntity ?? (pending.possessorGender != nil ? PeopleModel.victim : nil)
            if let existing = people.entityIndex(for: pending.name) {
                // Also mentioned without the kin noun before this point: the same relative.
                attachKin(existing, kin: pending.kin, owner: owner, range: pending.range)
                continue
            }
            if owner == PeopleModel.victim, perpetratorMatches(kin), people.entities[PeopleModel.perpetrator].name == nil,
                people.perpetratorRelation != nil
            {
                people.register(name: pending.name, display: pending.display, entity: PeopleModel.perpetrator)
                people.perpetratorRelationEvidence = pending.range
                continue
            }
            let entity = people.relative(owner: owner, kin: pending.kin, kins: compiled.kins)
            people.entities[entity].kinEvidence = pending.range
            if people.entities[entity].name == nil {
                people.register(name: pending.name, display: pending.display, entity: entity)
            } else {
                people.entities.append(Entity(role: .other, name: pending.display, gender: kin.gender, owner: owner, kin: pending.kin, isParent: kin.isParent, kinEvidence: pending.range))
                people.register(name: pending.name, display: pending.display, entity: people.entities.count - 1)
            }
        }
        linkParentheticalAliases()
        linkInitialAliases(capitals: capitals)
        scoreRoles(kinNames: kinNames, declaredInSentence: declaredInSentence, capitals: capitals, sentenceKinds: sentenceKinds)
        linkTitledPartner()
        voteGenders(sentenceKinds: sentenceKinds)
    }

    /// Makes a named person with no role or kinship yet the `owner`'s relative of kin entry
    /// `kin` (nil: whose relative the text does not say, "the foster carer, Mr R").
    mutating func attachKin(_ entity: Int, kin: Int, owner: Int?, range: TextRange) {
        guard entity > PeopleModel.perpetrator, people.entities[entity].role == .other, people.entities[entity].kin == nil,
            owner != entity
        else { return }
        let entry = compiled.kins[kin]
        people.entities[entity].kin = kin
        people.entities[entity].owner = owner
        people.entities[entity].isParent = entry.isParent
        people.entities[entity].kinEvidence = range
        if people.entities[entity].gender == nil { people.entities[entity].gender = entry.gender }
    }

    /// The document text's UTF-8 byte at `offset`, nil past its end. (Inlined: called from a
    /// mutating method, such as the age finder's bracket tests, a call copied the run.)
    @inline(__always)
    func textByte(at offset: Int) -> UInt8? {
        let utf8 = document.text.utf8
        guard offset >= 0, offset < utf8.count else { return nil }
        return utf8[utf8.index(utf8.startIndex, offsetBy: offset)]
    }

    /// Whether a comma stands between token `index` and the next one. (Inlined: called from a
    /// mutating method, such as the age finder, a call copied the run.)
    @inline(__always)
    func commaBetween(_ index: Int) -> Bool {
        guard index >= 0, index + 1 < tokens.count else { return false }
        let utf8 = document.text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: Int(tokens.ends[index]))
        let to = utf8.index(utf8.startIndex, offsetBy: Int(tokens.starts[index + 1]))
        return utf8[from..<to].contains(0x2C)
    }

    /// The gender of the "her" or "him" a declaration is about ("we refer to her by her first
    /// name", "we will call him"), when one stands right after "refer to" or "call" before `position`.
    func declaredPronounGender(before position: Int, sentence: SentenceSpan) -> Gender? {
        // "Her brother killed her. In this report he is called Rebin": a "he" or "she" a few
        // words before the declared name is the one it is declared for.
        var back = position - 1
        while back >= sentence.tokenFrom, back >= position - 6 {
            if tokens.hashes[back] == Words2.he { return .male }
            if tokens.hashes[back] == Words2.she { return .female }
            back -= 1
        }
        var index = sentence.tokenFrom + 1
        while index < position {
            let hash = tokens.hashes[index]
            if hash == Words2.her || hash == Words2.him {
                let previous = tokens.hashes[index - 1]
                let referTo = previous == Words2.to && index - 2 >= sentence.tokenFrom && Words2.referVerbs.contains(tokens.hashes[index - 2])
                if referTo || Words2.callVerbs.contains(previous) { return hash == Words2.her ? .female : .male }
            }
            index += 1
        }
        return nil
    }

    /// The last kin noun of `gender` ("his girlfriend") in the three sentences before
    /// `sentenceIndex`: its sentence, token range and kin index.
    func lastKin(of gender: Gender, before sentenceIndex: Int) -> (Int, Int, Int, Int)? {
        var index = sentenceIndex - 1
        while index >= 0, index >= sentenceIndex - 3 {
            let sentence = sentences[index]
            var found: (Int, Int, Int, Int)?
            for match in matches[sentence.matchFrom..<sentence.matchTo] {
                if case .kin(let kin) = kind(match), compiled.kins[Int(kin)].gender == gender, !isWord(Int(match.end), Words2.s) {
                    found = (index, Int(match.start), Int(match.end), Int(kin))
                }
            }
            if let found { return found }
            index -= 1
        }
        return nil
    }

    /// The entity of a name mention that ends at token `end` (for "Adult A's husband").
    /// (`mutating` only so that its callers, people discovery and the people tables, pass the
    /// run without copying it: it is asked for nearly every kin noun.)
    mutating func earlierName(endingAt end: Int, sentence: SentenceSpan) -> Int? {
        var start = end - 1
        while start >= sentence.tokenFrom, start >= end - 4 {
            if isCapitalised(start), let found = lookupName(at: start, limit: end), found.end == end { return found.entity }
            start -= 1
        }
        return nil
    }

    /// Proper names the text never declares ("Carol was 54"): capitalised words that never
    /// occur in lower case, are no codebook word, and are followed at least twice by words
    /// people do things with ("was", "had", "told", "'s").
    mutating func discoverProperNames(capitals: CapitalIndex) {
        for (hash, first) in properNames(capitals: capitals) {
            let key = NameKey(hashes: [hash])
            guard people.entityIndex(for: key) == nil else { continue }
            people.entities.append(Entity(role: .other, name: text(tokens: first, first + 1)))
            people.register(name: key, display: text(tokens: first, first + 1), entity: people.entities.count - 1)
        }
    }

    /// The words ``discoverProperNames(capitals:)`` makes people: their hashes and first tokens,
    /// in order of first appearance (so that entity indexes and tie-breaks are stable).
    func properNames(capitals: CapitalIndex) -> [(hash: UInt64, first: Int)] {
        // Counted first at capitalised words alone (whether a word also occurs in lower case, or
        // is a month, holds for all its occurrences alike, so it is checked per word afterwards).
        var tally = WordTally(capacity: capitals.positions.count)
        let personContext = Words2.personContext  // (a global read once, not per word)
        let count = tokens.count
        var text = document.text
        text.withUTF8 { utf8 in
            tokens.withBuffers { flags, hashes, starts, ends, classes, prefixes in
                capitals.positions.withUnsafeBufferPointer { positions in
                    for position in positions {
                        let index = Int(position)
                        let start = Int(starts[index])
                        let length = Int(ends[index]) - start
                        guard flags[index] & Tokens.singleCapital == 0, classes[index] < 0, prefixes[index] < 0, length >= 3 else { continue }
                        // All-capital words are acronyms.
                        let second = utf8[start + 1]
                        if second >= 0x41 && second <= 0x5A { continue }
                        var context: Int32 = 0
                        if index + 1 < count {
                            if flags[index + 1] & Tokens.capitalised != 0, Int(starts[index + 1]) - start - length == 1 {
                                continue  // part of a longer proper noun ("Harwell General Hospital")
                            }
                            if personContext.contains(hashes[index + 1]) { context = 1 }
                        }
                        tally.add(hashes[index], amount: context, token: index)
                    }
                }
            }
        }
        // Twice in a person's context, and no month or day.
        let calendar = Words2.calendar
        var kept = 0
        for position in 0..<tally.count {
            if tally.counts[position] >= 2, !calendar.contains(tally.hashes[position]) {
                kept += 1
            } else {
                tally.setCount(0, at: position)
            }
        }
        guard kept > 0 else { return [] }
        // Words that are mostly lower-case words ("Police said", and "police" throughout) are no
        // names; a name the text also spells in lower case now and then ("Frank" 54 times, "a
        // frank discussion" once) still is. The tokenizer collected the lower-case words: only a
        // kept word among them needs the count.
        if let lowerCase = tokens.lowerCaseHashes {
            if (0..<tally.count).contains(where: { tally.counts[$0] >= 2 && lowerCase.contains(tally.hashes[$0]) }) {
                dropWordsInLowerCase(&tally)
            }
        } else {
            dropWordsInLowerCase(&tally)
        }
        var result: [(hash: UInt64, first: Int)] = []
        for position in 0..<tally.count where tally.counts[position] >= 2 {
            result.append((tally.hashes[position], Int(tally.firsts[position])))
        }
        return result
    }

    /// Sets to 0 the count of each kept word (count 2 or more) that tokens not capitalised spell
    /// at least a quarter as often as the word stands capitalised before a person's context.
    func dropWordsInLowerCase(_ tally: inout WordTally) {
        let count = tokens.count
        // The kept words' lower-case tokens, counted: a 4K-byte filter of the kept words' hashes keeps
        // the lower-case words looked up to the few that can matter (a larger filter costs more
        // to zero than its fewer false hits save). This pass reads every token, so it reads eight
        // a step: eight filter bytes OR-ed, one test (a kept word is rare).
        var keptBytes = [UInt8](repeating: 0, count: 1 << 12)
        var lowerCaseCounts = [Int32](repeating: 0, count: tally.count)
        for position in 0..<tally.count where tally.counts[position] >= 2 {
            keptBytes[Int(truncatingIfNeeded: tally.hashes[position] >> 52)] = 1
        }
        keptBytes.withUnsafeBufferPointer { filter in
            tokens.flags.withUnsafeBufferPointer { flags in
                tokens.hashes.withUnsafeBufferPointer { hashes in
                    guard let filter = filter.baseAddress, let hashes = hashes.baseAddress, let flags = flags.baseAddress else { return }
                    @inline(__always)
                    func marked(_ index: Int) -> UInt8 { filter[Int(truncatingIfNeeded: hashes[index] &>> 52)] }
                    var index = 0
                    while index < count {
                        let stop = min(index &+ 8, count)
                        if stop &- index == 8,
                            marked(index) | marked(index &+ 1) | marked(index &+ 2) | marked(index &+ 3) | marked(index &+ 4)
                                | marked(index &+ 5) | marked(index &+ 6) | marked(index &+ 7) == 0
                        {
                            index = stop
                            continue
                        }
                        for token in index..<stop where marked(token) != 0 && flags[token] & Tokens.capitalised == 0 {
                            if let position = tally.find(hashes[token]) { lowerCaseCounts[position] += 1 }
                        }
                        index = stop
                    }
                }
            }
        }
        for position in 0..<tally.count where tally.counts[position] >= 2 && lowerCaseCounts[position] * 4 >= tally.counts[position] {
            tally.setCount(0, at: position)
        }
    }

    /// Scores named people as victim or perpetrator from event cues next to their names
    /// ("Carol was killed", "killed by Martin", "Martin pleaded guilty") and the title, then
    /// promotes the best candidates.
    mutating func scoreRoles(kinNames: [Int: NameKey], declaredInSentence: [Int: [NameKey]], capitals: CapitalIndex, sentenceKinds: SentenceKinds) {
        var (victimScore, perpetratorScore, jointlyAccused) = cueScores(
            kinNames: kinNames, declaredInSentence: declaredInSentence, capitals: capitals, sentenceKinds: sentenceKinds)
        appositionScores(capitals: capitals, sentenceKinds: sentenceKinds, weight: 3, victim: &victimScore, perpetrator: &perpetratorScore)
        // The title names the subject of the review.
        var titleText = (document.metadata.title ?? "") + " " + (document.metadata.reviewType?.evidence ?? "")
        if let first = document.blocks.first(where: { $0.kind == .heading }) { titleText += " " + document.text(of: first) }
        let titleTokens = compiled.matcher.tokenize(titleText)
        let titleHashes = Set(titleTokens.hashes)
        var titleNamed: Set<Int> = []
        var titleKeys: [(key: [UInt64], entity: Int)] = []
        for (_, list) in people.names {
            for (key, entity, _) in list where key.hashes.allSatisfy({ titleHashes.contains($0) }) {
                titleKeys.append((key.hashes, entity))
            }
        }
        // "Into the deaths of Margaret and Gordon Hartley": a title naming the dead of a homicide
        // and a suicide names the perpetrator too; it says nothing of roles for a person the
        // text already gives a perpetrator's cue ("killed by Gordon").
        let titleNamesDeaths = titleHashes.contains(Words2.deaths)
        for (key, entity) in titleKeys {
            if titleNamesDeaths, (perpetratorScore[entity] ?? 0) > 0 { continue }
            // "The death of Mr Walter Finch": "Finch" alone, a person of its own, is a word of
            // the victim's name (a relative may share it), not a second person named in the title.
            if titleKeys.contains(where: { $0.entity != entity && $0.key.count > key.count && $0.key.containsRun(key) }) { continue }
            // One score per person, however many forms of the name the title holds.
            guard titleNamed.insert(entity).inserted else { continue }
            // "... of Mr K and the Death of Mr Declan F": in an investigation's title, a name in
            // the words after "the death of" is the victim's, not the subject's.
            let afterDeath = titleTokens.hashes.indices.contains { index in
                titleTokens.hashes[index...].starts(with: key) && (max(0, index - 5)..<index).contains { at in
                    at >= 1 && titleTokens.hashes[at] == Words2.of && Words2.deathNouns.contains(titleTokens.hashes[at - 1])
                        && !titleTokens.hashes[at..<index].contains(Words2.and)
                }
            }
            if people.subjectIsPerpetrator, !afterDeath { perpetratorScore[entity, default: 0] += 3 } else { victimScore[entity, default: 0] += 3 }
        }
        if people.victimIsChild {
            for (_, list) in people.names {
                for (key, entity, display) in list where display.hasPrefix("Child") || display.hasPrefix("Baby") {
                    _ = key
                    victimScore[entity, default: 0] += 2
                }
            }
        }
        for entity in Set(victimScore.keys).union(perpetratorScore.keys) {
            debugScores[entity] = (victimScore[entity] ?? 0, perpetratorScore[entity] ?? 0)
        }
        func net(_ entity: Int, victim: Bool) -> Double {
            victim ? (victimScore[entity] ?? 0) - (perpetratorScore[entity] ?? 0) : (perpetratorScore[entity] ?? 0) - (victimScore[entity] ?? 0)
        }
        let candidates = Set(victimScore.keys).union(perpetratorScore.keys)
            .filter { $0 > PeopleModel.perpetrator && people.entities[$0].role == .other }
        if people.entities[PeopleModel.victim].name == nil,
            let best = candidates.filter({ net($0, victim: true) > 0 })
                .max(by: { (net($0, victim: true), -$0) < (net($1, victim: true), -$1) })
        {
            promote(best, to: PeopleModel.victim)
        }
        // A second victim: named in the title with the first ("Review: Jasmine and Tyler").
        if !people.subjectIsPerpetrator {
            for entity in candidates.sorted() where people.entities[entity].role == .other && net(entity, victim: true) >= 3
                && (perpetratorScore[entity] ?? 0) == 0 && titleNamed.contains(entity)
            {
                people.entities[entity].role = .victim
            }
        }
        let perpetrators = candidates.filter { people.entities[$0].role == .other && net($0, victim: false) > 0 }
            .sorted { (net($0, victim: false), -$0) > (net($1, victim: false), -$1) }
        for (rank, entity) in perpetrators.enumerated() {
            if rank == 0, people.entities[PeopleModel.perpetrator].name == nil {
                promote(entity, to: PeopleModel.perpetrator)
            } else if (net(entity, victim: false) >= 3 && (victimScore[entity] ?? 0) == 0)
                || (jointlyAccused.contains(entity) && net(entity, victim: false) > 0)
            {
                people.entities[entity].role = .perpetrator
                if let owner = people.entities[entity].owner, owner == PeopleModel.victim, let kin = people.entities[entity].kin,
                    people.perpetratorRelation == nil
                {
                    people.perpetratorRelation = compiled.kins[kin].relation
                    people.perpetratorRelationEvidence = people.entities[entity].kinEvidence
                }
            }
        }
    }

    /// The sentences' role cue scores per entity (victim, perpetrator) and the people plural cues
    /// name together. Not mutating: its closures read the run without copying it.
    func cueScores(kinNames: [Int: NameKey], declaredInSentence: [Int: [NameKey]], capitals: CapitalIndex, sentenceKinds: SentenceKinds)
        -> (victim: [Int: Double], perpetrator: [Int: Double], jointlyAccused: Set<Int>)
    {
        var victimScore: [Int: Double] = [:]
        var perpetratorScore: [Int: Double] = [:]
        /// People a plural cue names together ("Ms K and Mr J were both convicted").
        var jointlyAccused: Set<Int> = []
        let introduction = max(8, sentences.count / 8)
        // Buffers for all sentences (emptied per sentence, their storage kept).
        var names: [(Int, Int, Int)] = []
        var kinRanges: [Range<Int>] = []
        // Read in the closures below instead of `tokens.hashes`: a closure (or an `&&` operand)
        // that reads a property of the run copies the whole run.
        let hashes = tokens.hashes
        // Per pattern, its ``SentenceKinds`` bit: the matches of other kinds are passed over by a load.
        let patternBits = compiled.sentenceKindBits
        for sentenceIndex in sentences.indices {
            // Only role cues score: a sentence without one is passed over before its names are looked up.
            guard sentenceKinds.has(sentenceIndex, SentenceKinds.roleCue) else { continue }
            let sentence = sentences[sentenceIndex]
            let weight = sentenceIndex < introduction ? 2.0 : 1.0
            // Name mentions of the sentence.
            names.truncate(to: 0)
            forEachKnownName(inSentence: sentenceIndex, sentence, capitals: capitals) { start, end, entity in
                names.append((start, end, entity))
            }
            // Kin nouns that carry a declared name in this sentence stand for it.
            for match in matches[sentence.matchFrom..<sentence.matchTo] where !kinNames.isEmpty && patternBits[Int(match.pattern)] & SentenceKinds.kin != 0 {
                guard case .kin = kind(match), let key = kinNames[Self.kinNameKey(sentenceIndex, Int(match.start))],
                    let entity = people.entityIndex(for: key)
                else { continue }
                names.append((Int(match.start), Int(match.end), entity))
            }
            // (A sentence that opens with "He" or "She" may hold a perpetrator cue about an earlier name.)
            guard !names.isEmpty || holdsSubjectPronoun(sentence) else { continue }
            // The kin nouns' tokens (a list of ranges: a sentence has few).
            kinRanges.truncate(to: 0)
            for match in matches[sentence.matchFrom..<sentence.matchTo] where patternBits[Int(match.pattern)] & SentenceKinds.kin != 0 {
                if case .kin = kind(match) { kinRanges.append(Int(match.start)..<Int(match.end)) }
            }
            for match in matches[sentence.matchFrom..<sentence.matchTo] where patternBits[Int(match.pattern)] & SentenceKinds.roleCue != 0 {
                guard case .roleCue(let victim, let after) = kind(match) else { continue }
                let cueStart = Int(match.start)
                let cueEnd = Int(match.end)
                var target: Int?
                if after {
                    // Words between the name and the cue may be adverbs, not "was" (passive).
                    target = names.filter { name in
                        // Not "Alfie's mother was convicted" (the cue is the relative's).
                        if name.1 <= cueStart, cueStart - name.1 <= 2,
                            !(name.1..<cueStart).contains(where: { Words2.passive.contains(hashes[$0]) || hashes[$0] == Words2.s })
                        {
                            return true
                        }
                        // "Rita was a 44-year-old woman who was killed", "Mr B was an 82-year-old
                        // man who died", "a mother of two who": the relative clause of the name's
                        // predicate noun (up to three words before "who").
                        if name.1 < cueStart - 2, cueStart - name.1 <= 12, hashes[cueStart - 1] == Words2.who,
                            RoleWords.copulas.contains(hashes[name.1]),
                            (max(name.1 + 1, cueStart - 4)..<(cueStart - 1)).contains(where: { RoleWords.predicateNouns.contains(hashes[$0]) })
                        {
                            return !names.contains { $0.0 > name.0 && $0.0 < cueStart }
                        }
                        // "Mr R, who was 28, was convicted": a relative clause between, no other
                        // name in it, and the cue not the clause's own passive ("who was killed").
                        // "Adult E, aged 28 and of mixed heritage, was convicted": a parenthesis.
                        // (Conditions in `if`s, not `&&`s: see `hashes` above.)
                        var clause = false
                        if isWord(name.1, Words2.who), cueStart - name.1 <= 8 {
                            clause = true
                        } else if cueStart - name.1 <= 14, commaBetween(name.1 - 1), commaBetween(cueStart - 1) {
                            clause = true
                        }
                        guard name.1 < cueStart, clause, !Words2.passive.contains(hashes[cueStart - 1]) else { return false }
                        return !names.contains { $0.0 > name.0 && $0.0 < cueStart }
                    }.max { $0.1 < $1.1 }?.2
                } else {
                    // "killed Carol", "the death of Carol", "the death of her mother, Mrs L";
                    // not "assaulted by Liam".
                    let byAfterCue = cueEnd < sentence.tokenTo && Words2.by == hashes[cueEnd]
                    target = names.filter { name in
                        // Not "the death of Rose's sister" (the cue is the possessed relative's).
                        guard name.0 >= cueEnd, !byAfterCue, !isWord(name.1, Words2.s) else { return false }
                        // One word between, but no preposition ("abuse with Mr L in the room"), and
                        // no comma after the cue ("convicted: Mr R of murder, Mr T of manslaughter").
                        if name.0 - cueEnd <= 1 {
                            if commaBetween(cueEnd - 1) { return false }
                            return !(cueEnd..<name.0).contains { Words2.notApposition.contains(hashes[$0]) || RoleWords.prepositions.contains(hashes[$0]) }
                        }
                        guard name.0 - cueEnd <= 4 else { return false }
                        return (cueEnd..<name.0).allSatisfy { position in
                            Words2.possessives.contains(hashes[position]) || kinRanges.contains(where: { $0.contains(position) })
                        }
                    }.min { $0.0 < $1.0 }?.2
                        // "stabbed by another young person, Young Person Y": the agent's apposition.
                        ?? (!victim && !after ? appositiveAgent(after: cueEnd, names: names) : nil)
                }
                let scope = compiled.scopes[Int(match.pattern)]
                var cueWeight = weight * (scope > 0 ? Double(scope) / 10 : 1)
                // "He pleaded guilty": the subject of an earlier sentence, at three quarters weight.
                // (Not a perpetrator's verb in the passive: "she was killed" holds "killed".)
                let passiveVerb = !victim && cueStart > sentence.tokenFrom && Words2.passive.contains(hashes[cueStart - 1])
                if target == nil, after, !passiveVerb,
                    let person = pronounCueTarget(sentenceIndex: sentenceIndex, cueStart: cueStart, cueEnd: cueEnd, names: names, capitals: capitals)
                {
                    target = person
                    cueWeight *= 0.75
                }
                if let target {
                    if victim { victimScore[target, default: 0] += cueWeight } else { perpetratorScore[target, default: 0] += cueWeight }
                    // "Ms K ... and Mr J were both convicted": a plural cue is every named
                    // person before it in the sentence (not a possessor, "Child H's mother").
                    if after, isWord(cueStart, Words2.were) {
                        let others = Set(names.filter { $0.1 <= cueStart && cueStart - $0.1 <= 30 && !isWord($0.1, Words2.s) && $0.2 != target }.map(\.2))
                        for other in others.sorted() {
                            if victim { victimScore[other, default: 0] += cueWeight } else { perpetratorScore[other, default: 0] += cueWeight }
                        }
                        if !victim, !others.isEmpty { jointlyAccused.formUnion(others + [target]) }
                    }
                    // "assaulted by Mr R and Mr T", "attacked by Adult B, Adult C and Adult D": every
                    // agent of the list after "by" (no other word between the names).
                    if !victim, !after, cueEnd > sentence.tokenFrom, hashes[cueEnd - 1] == Words2.by,
                        var listEnd = names.first(where: { $0.2 == target && $0.0 >= cueEnd })?.1
                    {
                        var agents: [Int] = []
                        for name in names.sorted(by: { $0.0 < $1.0 }) where name.0 >= listEnd {
                            guard name.0 - listEnd <= 1, (listEnd..<name.0).allSatisfy({ hashes[$0] == Words2.and }) else { break }
                            if name.2 != target, !agents.contains(name.2) { agents.append(name.2) }
                            listEnd = name.1
                        }
                        for agent in agents { perpetratorScore[agent, default: 0] += cueWeight }
                        if !agents.isEmpty { jointlyAccused.formUnion(agents + [target]) }
                    }
                } else if !after, cueEnd >= sentence.tokenTo || hashes[cueEnd] != Words2.by, let declared = declaredInSentence[sentenceIndex],
                    let first = names.filter({ $0.0 >= cueEnd && $0.0 - cueEnd <= 10 }).min(by: { $0.0 < $1.0 }),
                    declared.contains(where: { people.entityIndex(for: $0) == first.2 })
                {
                    // "This review concerns a baby girl, referred to here as Rosie": the first
                    // declared name after the cue (not after "killed by": "Simone was killed by
                    // her husband, referred to as Neil" names the agent).
                    if victim { victimScore[first.2, default: 0] += cueWeight } else { perpetratorScore[first.2, default: 0] += cueWeight }
                } else if let declared = declaredInSentence[sentenceIndex], declared.count == 1,
                    let entity = people.entityIndex(for: declared[0]),
                    // Another name next to the cue is its person; for an "after" cue not one after
                    // it ("a man, called Mr N here, was convicted of Ms V's murder").
                    !names.contains(where: { $0.2 != entity && abs($0.0 - cueStart) <= 3 && !(after && $0.0 >= cueEnd) }),
                    names.contains(where: { $0.2 == entity && abs($0.0 - cueStart) <= 10 })
                {
                    // "The man who killed Mr V is referred to as Mr N."
                    if victim { victimScore[entity, default: 0] += 0.5 * weight } else { perpetratorScore[entity, default: 0] += 0.5 * weight }
                }
            }
        }
        return (victimScore, perpetratorScore, jointlyAccused)
    }

    /// The key of `kinNames` for the kin noun starting at token `start` of sentence `sentence`.
    static func kinNameKey(_ sentence: Int, _ start: Int) -> Int { sentence << 32 | start }

    /// Makes `entity`'s names stand for `target` (the victim or the perpetrator), carrying its
    /// gender and, for a relative, the relation it implies.
    mutating func promote(_ entity: Int, to target: Int) {
        let source = people.entities[entity]
        people.reassignNames(of: entity, to: target)
        if people.entities[target].name == nil { people.entities[target].name = source.name }
        if people.entities[target].gender == nil { people.entities[target].gender = source.gender }
        // The age and ethnicity a people table gave the row ("Jodie | Wife of Scott | 35 | Mixed"),
        // read before the text made her the perpetrator.
        if people.entities[target].age == nil, let age = source.age {
            people.entities[target].age = age
            agePriority[target] = agePriority[entity]
        }
        if people.entities[target].ethnicity == nil { people.entities[target].ethnicity = source.ethnicity }
        people.relatives.reassign(from: entity, to: target)
        for index in people.entities.indices where people.entities[index].owner == entity { people.entities[index].owner = target }
        // (The promoted person keeps no owner of its own; its relation is recorded below.)
        if let kin = source.kin, people.perpetratorRelation == nil {
            let relation = compiled.kins[kin].relation
            people.perpetratorRelationEvidence = source.kinEvidence
            if target == PeopleModel.perpetrator, source.owner == PeopleModel.victim { people.perpetratorRelation = relation }
            // "The foster carer, referred to here as Mr R, was arrested": a relative nobody's
            // possessive names is the subject of the review's (the victim's, but in an
            // independent investigation, whose subject is the perpetrator).
            if target == PeopleModel.perpetrator, source.owner == nil, !people.subjectIsPerpetrator { people.perpetratorRelation = relation }
            if target == PeopleModel.victim, source.owner == PeopleModel.perpetrator { people.perpetratorRelation = inverseRelation(relation) }
            if target == PeopleModel.victim, source.owner == nil || source.owner == PeopleModel.victim {
                // "Mr K killed his father": the relative of the (other) subject is the victim.
                if people.subjectIsPerpetrator { people.perpetratorRelation = inverseRelation(relation) }
            }
        }
        people.entities[entity].name = nil
    }

    /// Gender votes: one person in a sentence, pronouns and gender words after them.
    ///
    /// Also finds the name mentions of every sentence, for the votes and then for the sweep
    /// (``sweepNames``): names and the people they stand for are fixed from here on (the votes
    /// change genders only), so each capitalised word is looked up once, not once here and again
    /// in the sweep.
    mutating func voteGenders(sentenceKinds: SentenceKinds) {
        sweepNames = findNames(from: 0, count: sentences.count)
        let votes = genderVotes(sentenceKinds: sentenceKinds, names: sweepNames)
        for entity in people.entities.indices where people.entities[entity].gender == nil {
            let female = votes.female[entity]
            let male = votes.male[entity]
            if female >= 1, Double(female) >= 2 * Double(male) { people.entities[entity].gender = .female }
            if male >= 1, Double(male) >= 2 * Double(female) { people.entities[entity].gender = .male }
        }
    }

    /// The sentences' gender votes per entity, for the entities without a gender (the only ones
    /// ``voteGenders(sentenceKinds:)`` reads; the others' are left at 0). `names` holds the name
    /// mentions of every sentence (``findNames(from:count:)``). Not mutating: its closures read
    /// the run without copying it.
    func genderVotes(sentenceKinds: SentenceKinds, names: SweepNames) -> GenderVoteTally {
        var votes = GenderVoteTally(entityCount: people.entities.count)
        // Votes for a person whose gender is known are never read: a sentence about nobody else is
        // passed over, and the whole pass when everyone has a gender.
        let voting = people.entities.map { $0.gender == nil }
        guard voting.contains(true) else { return votes }
        // Buffers for all sentences: the mentions (start, entity, a name's end or -1 for a role),
        // and the role patterns, gender words and kin noun starts of the sentence, in match order.
        var sentenceEntities: [(start: Int, entity: Int, nameEnd: Int)] = []
        var words = SentenceGenderWords()
        let subjects = PronounWords.subjects  // (globals read once, not per match)
        // Per pattern, its ``SentenceKinds`` bit: a load that passes over the matches of other
        // kinds (most of a sentence's) before their kind is switched on.
        let patternBits = compiled.sentenceKindBits
        for sentenceIndex in sentences.indices {
            // Votes come only from gender words, pronouns and titles in the sentence, or from a next
            // sentence (of the paragraph) opening "She" or "He": without any, nothing is looked up.
            // (The sentence is copied out only past this test.)
            if !sentenceKinds.has(sentenceIndex, SentenceKinds.genderWord) {
                let next = sentenceIndex + 1
                guard next < sentences.count, sentences[next].block == sentences[sentenceIndex].block,
                    sentences[next].tokenFrom < sentences[next].tokenTo, subjects.contains(tokens.hashes[sentences[next].tokenFrom])
                else { continue }
            }
            let sentence = sentences[sentenceIndex]
            sentenceEntities.truncate(to: 0)
            if sentenceKinds.has(sentenceIndex, SentenceKinds.role) {
                for position in sentence.matchFrom..<sentence.matchTo {
                    let match = matches[position]
                    guard patternBits[Int(match.pattern)] & SentenceKinds.role != 0 else { continue }
                    if let entity = roleEntity(match) { sentenceEntities.append((Int(match.start), entity, -1)) }
                }
            }
            for index in names.range(ofSentence: sentenceIndex) {
                let name = names.mentions[index]
                if let entity = name.entity { sentenceEntities.append((name.start, entity, name.end)) }
            }
            if sentenceEntities.isEmpty { continue }  // (no set to build)
            if !sentenceEntities.contains(where: { voting[$0.entity] }) { continue }
            // Appositions need a gender noun; the votes below skip kin nouns.
            let hasGenderNoun = sentenceKinds.has(sentenceIndex, SentenceKinds.genderNoun)
            if hasGenderNoun || sentenceKinds.has(sentenceIndex, SentenceKinds.kin) { words.read(self, sentence, patternBits: patternBits) } else { words.clear() }
            if hasGenderNoun { appositionGenderVotes(sentence, mentions: sentenceEntities, words: words, into: &votes) }
            // One person in the sentence (no set built: a loop over the mentions).
            let entity = sentenceEntities[0].entity
            guard sentenceEntities.allSatisfy({ $0.entity == entity }) else { continue }
            // "Ellis's mother said that she ...": the sentence is about the relative.
            if sentenceEntities.contains(where: { possessesKin($0.nameEnd, kinStarts: words.kinStarts) }) { continue }
            var first = sentenceEntities[0].start
            for mention in sentenceEntities where mention.start < first { first = mention.start }
            // One pass over the sentence's gender words (only pronouns, gender words and titles vote),
            // in start order: those before the person come first. "She cancelled the visit, did not
            // take Alfie to nursery, and told her mother that she ...": a subject pronoun before the
            // person is the sentence's subject, someone else, and the later pronouns are most likely
            // theirs: the sentence casts no vote. The ones after the person are tallied, and counted
            // only when no such pronoun came first.
            var tally = (female: 0, male: 0)
            var subjectBefore = false
            for position in sentence.matchFrom..<sentence.matchTo {
                let match = matches[position]
                guard patternBits[Int(match.pattern)] & SentenceKinds.genderWord != 0 else { continue }
                let start = Int(match.start)
                if start < first {
                    if subjects.contains(tokens.hashes[start]) {
                        subjectBefore = true
                        break
                    }
                    continue
                }
                // Kin nouns ("Carol's brother") are other people, not gender words for this one.
                guard start > first, !words.kinStarts.contains(start) else { continue }
                let vote: (gender: Gender, weight: Int)
                switch kind(match) {
                // Only "she"/"he": "Liam took her phone" says nothing of Liam's gender.
                case .pronoun(let gender, _) where subjects.contains(tokens.hashes[start]): vote = (gender, 1)
                case .female where start - first <= 12: vote = (.female, 2)
                case .male where start - first <= 12: vote = (.male, 2)
                case .title(let gender?) where start == first: vote = (gender, 3)
                default: continue
                }
                if vote.gender == .female { tally.female += vote.weight } else { tally.male += vote.weight }
            }
            if subjectBefore { continue }
            nextSentenceGenderVote(after: sentenceIndex, entity: entity, into: &votes)
            votes.add(entity, .female, tally.female)
            votes.add(entity, .male, tally.male)
        }
        return votes
    }

    /// Whether a kin noun of the victim plausibly names the perpetrator. (`mutating` only so that
    /// its callers, people discovery and the sweep's kin resolution, pass the run without copying it.)
    mutating func perpetratorMatches(_ kin: Codebook.Kin) -> Bool {
        let perpetratorGender = people.entities[PeopleModel.perpetrator].gender
        // "his mother" is not a perpetrator who is a man.
        if let gender = kin.gender, let perpetratorGender, gender != perpetratorGender { return false }
        if let relation = people.perpetratorRelation { return relation == kin.relation }
        if let gender = kin.gender, let perpetratorGender, gender != perpetratorGender { return false }
        let type = reviewType?.id
        if kin.relation == "partner" || kin.relation == "ex-partner" { return type != "scr" && type != "sar" }
        return false
    }

    /// Whether the kin noun at token `start` is possessed right after "whom" ("whom his mother
    /// asked us to call Teddy", "whom her late father named"): the clause's subject, not the
    /// person the name is declared for.
    func afterWhom(_ start: Int, sentenceStart: Int) -> Bool {
        var before = start - 1
        if before > sentenceStart, Words2.kinModifiers.contains(tokens.hashes[before]) { before -= 1 }
        guard before > sentenceStart, Words2.possessivePronouns.contains(tokens.hashes[before]) else { return false }
        return isWord(before - 1, Words2.whom)
    }

    func distance(_ role: (Int, Int, Int), _ candidate: NameCandidate) -> Int {
        if role.1 <= candidate.start { return candidate.start - role.1 }
        if candidate.end <= role.0 { return role.0 - candidate.end }
        return 0
    }

    mutating func bind(_ key: NameKey, display: String, to entity: Int) {
        if let existing = people.entityIndex(for: key) {
            if existing == entity { return }
            // Re-point a name first seen without a role.
            if people.entities[existing].role == .other, people.entities[existing].kin == nil {
                people.reassignName(key, to: entity)
                if people.entities[entity].name == nil { people.entities[entity].name = display }
                if people.entities[entity].gender == nil { people.entities[entity].gender = people.entities[existing].gender }
            }
            return
        }
        people.register(name: key, display: display, entity: entity)
    }

    /// Calls `body` with each known name of sentence `sentenceIndex`, left to right and not
    /// overlapping (a name's later words start no other): its first token, the token after it
    /// and the entity it names. Only capitalised tokens are tried.
    @inline(__always)
    func forEachKnownName(
        inSentence sentenceIndex: Int, _ sentence: SentenceSpan, capitals: CapitalIndex, _ body: (_ start: Int, _ end: Int, _ entity: Int) -> Void
    ) {
        var skipTo = sentence.tokenFrom
        for position in capitals.range(inSentence: sentenceIndex) where Int(capitals.positions[position]) >= skipTo {
            let index = Int(capitals.positions[position])
            if let found = lookupName(at: index, limit: sentence.tokenTo) {
                body(index, found.end, found.entity)
                skipTo = found.end
            }
        }
    }

    /// The longest known name starting at token `index`. (Inlined: most capitalised words start
    /// no name, and the first-word filter answers for them without a call.)
    @inline(__always)
    func lookupName(at index: Int, limit: Int) -> (end: Int, entity: Int)? {
        guard people.mayStartName(tokens.hashes[index]) else { return nil }
        return lookupKnownName(at: index, limit: limit)
    }

    /// ``lookupName(at:limit:)`` past the filter. (Two names of one length that both match are
    /// one name: the order the chain is walked in does not matter.)
    func lookupKnownName(at index: Int, limit: Int) -> (end: Int, entity: Int)? {
        // (The limit within the tokens: the name's words are read unchecked.)
        let limit = min(limit, tokens.count)
        let found = tokens.hashes.withUnsafeBufferPointer { people.nameTable.longestName($0, at: index, limit: limit) }
        guard found.end >= 0 else { return nil }
        var bestEnd = found.end
        let bestEntity = found.entity
        // "Liam Finch": a first name followed by a surname the text also uses alone (a person of
        // its own with no role or kinship yet) is one mention of the first name's person.
        if bestEnd == index + 1, bestEnd < limit, tokens.flags[bestEnd] & Tokens.capitalised != 0,
            Int(tokens.starts[bestEnd]) - Int(tokens.ends[index]) == 1, people.mayStartName(tokens.hashes[bestEnd]),
            let surname = people.nameTable.entity(of: [tokens.hashes[bestEnd]]), surname != bestEntity,
            people.entities[surname].role == .other, people.entities[surname].kin == nil
        {
            bestEnd += 1
        }
        return (bestEnd, bestEntity)
    }

}

/// Word hashes the people finder compares against.
enum Words2 {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let calendar: WordSet = WordSet([
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter",
    ].map(hash))
    static let by = hash("by")
    static let of = hash("of")
    static let deaths = hash("deaths")
    static let who = hash("who")
    static let were = hash("were")
    static let whom = hash("whom")
    static let and = hash("and")
    static let to = hash("to")
    static let him = hash("him")
    static let referVerbs: WordSet = WordSet(["refer", "referring"].map(hash))
    static let callVerbs: WordSet = WordSet(["call", "calling", "name", "naming"].map(hash))
    /// Words that open a declaration in apposition to a name ("Mr A, known as Tony").
    static let appositiveDeclarations: WordSet = WordSet(["known", "referred", "called", "also", "better", "hereafter", "named"].map(hash))
    static let numberWords: WordSet = WordSet([
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
        "sixty", "seventy", "eighty", "ninety",
    ].map(hash))
    static let review = hash("review")
    /// Plural child nouns (``TaggingRun/childRoleEntity(_:)``).
    static let childPlurals: WordSet = WordSet(["children", "people", "babies", "infants"].map(hash))
    static let perpetrator = hash("perpetrator")
    static let victim = hash("victim")
    static let possessives: WordSet = WordSet(["her", "his", "their", "the", "s", "own", "younger", "older", "elder", "eldest", "youngest", "late", "adult", "only"].map(hash))
    static let kinModifiers: WordSet = WordSet(["own", "younger", "older", "elder", "eldest", "youngest", "late", "adult", "only", "middle"].map(hash))
    /// Words between a role and a name that make them two people ("the child of Mr P").
    static let notApposition: WordSet = WordSet(["of", "by", "with", "and", "to", "from", "for", "or"].map(hash))
    static let possessivePronouns: WordSet = WordSet(["her", "his", "their"].map(hash))
    static let s = hash("s")
    static let her = hash("her")
    static let his = hash("his")
    static let he = hash("he")
    static let she = hash("she")
    static let called = hash("called")
    static let deathNouns: WordSet = WordSet(["death", "deaths", "killing", "murder", "homicide", "manslaughter"].map(hash))
    static let here = hash("here")
    static let this = hash("this")
    /// "called Aziz in this report", "throughout this review", "for this review".
    static let declarationPlaces: WordSet = WordSet(["in", "throughout", "for"].map(hash))
    static let generation: WordSet = WordSet(["senior", "junior", "snr", "jnr"].map(hash))
    static let codeWords: WordSet = WordSet(CompiledCodebook.codeWords.map(hash))
    static let passive: WordSet = WordSet(["was", "were", "been", "being", "is", "be", "by"].map(hash))
    /// The words "a" and "i", which a single capital spells without being an initial.
    static let letterA = hash("a")
    static let letterI = hash("i")
    static let personContext: WordSet = WordSet([
        "was", "had", "is", "has", "said", "says", "told", "did", "does", "would", "could", "who", "s", "described",
        "began", "became", "died", "attended", "saw", "lived", "moved", "reported", "disclosed", "asked", "felt", "went",
        "left", "met", "married", "admitted", "denied", "refused", "stopped", "started", "took", "received", "called",
        "phoned", "visited", "spent", "wanted", "agreed", "also", "later", "then", "continued", "explained", "killed",
        "struck", "stabbed", "drank", "used", "smoked", "remained", "returned", "assaulted", "hit", "were",
    ].map(hash))
}

extension Array where Element == UInt64 {
    /// Whether `run` occurs in this array as consecutive elements.
    func containsRun(_ run: [UInt64]) -> Bool {
        guard !run.isEmpty, run.count <= count else { return run.isEmpty }
        return (0...(count - run.count)).contains { self[$0..<$0 + run.count].elementsEqual(run) }
    }
}
