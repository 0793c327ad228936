import ReviewModel

/// Role nouns that describe a person rather than name the review's victim or perpetrator.
///
/// Child safeguarding reviews about exploited adolescents say "Child T was treated as a
/// perpetrator rather than as a child at risk", and youth-violence reviews say "Young Person Y
/// had himself been a victim of a stabbing". Neither makes Child T the perpetrator or Young
/// Person Y the victim of the review. A role noun after an indefinite article ("a victim",
/// "an offender") or after "as" ("seen as the perpetrator") is such a description, so the
/// people finder does not bind a nearby name to it. So is the role of another event: "Mr T
/// was himself the victim of a street robbery" (an indefinite event after "of", or a
/// reflexive pronoun before the role) made the man who killed the review's victim its victim.
extension TaggingRun {
    /// Drops from `roles` (token start, token end, entity) the role mentions that describe:
    /// those right after "a", "an" or "as" (one adjective may stand between: "a known
    /// perpetrator", "as a possible victim"). (`mutating` only so that people discovery passes the
    /// run without copying it, once per sentence with a name or kin noun.)
    mutating func dropDescriptiveRoles(_ roles: inout [(Int, Int, Int)], sentenceStart: Int) {
        guard !roles.isEmpty else { return }
        roles.removeAll { role in
            // "the victim of a street robbery", "the perpetrator of an assault in 2019".
            if role.1 + 1 < tokens.count, tokens.hashes[role.1] == RoleWords.of,
                RoleWords.indefiniteArticles.contains(tokens.hashes[role.1 + 1])
            {
                return true
            }
            var before = role.0 - 1
            guard before >= sentenceStart else { return false }
            // "was himself the victim", "had herself been a victim".
            if RoleWords.reflexives.contains(tokens.hashes[before])
                || (before > sentenceStart && tokens.hashes[before] == RoleWords.the && RoleWords.reflexives.contains(tokens.hashes[before - 1]))
            {
                return true
            }
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
    /// After a role and "of": another event's role ("the victim of a robbery").
    static let indefiniteArticles: WordSet = WordSet(["a", "an"].map(hash))
    static let of = hash("of")
    static let the = hash("the")
    /// One word allowed between those and the role noun.
    static let modifiers: WordSet = WordSet(["a", "an", "the", "known", "alleged", "possible", "potential", "likely", "repeat", "previous", "secondary", "primary"].map(hash))
    /// Words that open an agent's noun phrase after "by".
    static let determiners: WordSet = WordSet(["a", "an", "another", "the", "two", "three", "one"].map(hash))
    /// Prepositions that, right after a victim cue, start a phrase about something else
    /// ("abuse with Mr L in the room", "harm at home").
    static let prepositions: WordSet = WordSet(["about", "at", "in", "on", "into", "towards", "around", "over", "between", "among"].map(hash))
    /// Words between a pronoun and a role cue that make the cue no fact about the pronoun's person.
    static let unreal: WordSet = WordSet(["should", "would", "could", "might", "may", "must", "to", "not", "never", "will", "shall"].map(hash))
    /// Reflexive pronouns after a cue ("kill herself"): harm to oneself; before a role, the
    /// person's role in another event ("was himself the victim").
    static let reflexives: WordSet = WordSet(["herself", "himself", "themselves", "themself"].map(hash))
    /// Words that make the gap a list or a clause rather than one noun phrase.
    static let clauseBreaks: WordSet = WordSet(["and", "or", "who", "which", "that", "while", "whilst", "when"].map(hash))
    /// Conjunctions that open a time clause whose subject pronoun may stand for the sentence's subject.
    static let timeClauses: WordSet = WordSet(["when", "after", "before", "until", "as", "where"].map(hash))
    /// "the victim was Rita", "the perpetrator is Tomasz".
    static let copulas: WordSet = WordSet(["was", "is"].map(hash))
    static let definite = hash("the")
    /// Role nouns in the plural: bare, they speak of people in general.
    static let plurals: WordSet = WordSet(["victims", "perpetrators", "offenders", "suspects", "defendants", "attackers", "killers", "assailants"].map(hash))
    /// Nouns a name is said to be ("Rita was a 44-year-old woman who ...").
    static let predicateNouns: WordSet = WordSet(
        ["man", "woman", "boy", "girl", "person", "lady", "gentleman", "mother", "father", "adult", "child", "baby", "teenager", "pensioner", "widow", "widower", "grandmother", "grandfather"].map(hash))
}

extension TaggingRun {
    /// The person a "he" or "she" stands for when a role cue follows it. With a name before it in
    /// the sentence, that name when the pronoun opens a time clause (``clauseSubject(before:sentence:names:gender:)``);
    /// with none ("Mr H, who was 46, told officers that she had fallen. He later
    /// accepted that he had struck her. He pleaded guilty to manslaughter."; "Rosie's mother's
    /// partner, referred to as Mr L, was 22. In July 2024 he was convicted of her manslaughter."):
    /// the subject of the nearest earlier sentence (up to three back, passing over sentences whose
    /// subject is the same pronoun), that is its first known name that is no possessor ("Rosie's")
    /// and whose gender, when known, agrees. The cue must start at most three words after
    /// the pronoun. `names` are the sentence's name mentions (token start, token end, entity).
    func pronounCueTarget(sentenceIndex: Int, cueStart: Int, cueEnd: Int, names: [(Int, Int, Int)], capitals: CapitalIndex) -> Int? {
        let sentence = sentences[sentenceIndex]
        var pronounIndex = -1
        var probe = cueStart - 1
        while probe >= sentence.tokenFrom, probe >= cueStart - 3 {
            if PronounWords.subjects.contains(tokens.hashes[probe]) {
                pronounIndex = probe
                break
            }
            probe -= 1
        }
        guard pronounIndex >= 0 else { return nil }
        // Not "she should kill herself", "he would be arrested", "she was not charged".
        if (pronounIndex + 1..<cueStart).contains(where: { RoleWords.unreal.contains(tokens.hashes[$0]) }) { return nil }
        if cueEnd < sentence.tokenTo, RoleWords.reflexives.contains(tokens.hashes[cueEnd]) { return nil }
        let pronoun = tokens.hashes[pronounIndex]
        let gender: Gender = pronoun == RoleWords.she ? .female : .male
        if names.contains(where: { $0.0 < pronounIndex }) {
            return clauseSubject(before: pronounIndex, sentence: sentence, names: names, gender: gender)
        }
        var index = sentenceIndex - 1
        while index >= 0, index >= sentenceIndex - 3 {
            let earlier = sentences[index]
            guard earlier.tokenFrom < earlier.tokenTo else { return nil }
            var subject: (start: Int, entity: Int)?
            forEachKnownName(inSentence: index, earlier, capitals: capitals) { start, end, entity in
                if subject == nil, !isWord(end, Words2.s), people.entities[entity].gender.map({ $0 == gender }) ?? true { subject = (start, entity) }
            }
            // A sentence whose subject is the same pronoun passes on: "He later accepted ...", "In
            // interview, she gave confused accounts" (the pronoun within its first eight words and
            // before any name).
            let opening = firstWord(of: earlier)
            var same = opening
            while same < min(earlier.tokenTo, opening + 8), tokens.hashes[same] != pronoun { same += 1 }
            if same < min(earlier.tokenTo, opening + 8), subject.map({ $0.start > same }) ?? true {
                index -= 1
                continue
            }
            guard let subject, subject.start - earlier.tokenFrom <= 40 else { return nil }
            return subject.entity
        }
        return nil
    }

    /// The person a "he" or "she" stands for when it opens a time clause of its own sentence
    /// whose subject is a name: "Rita was 44 when she was killed by her husband", "Carl had
    /// moved out two weeks before he was stabbed". The name must be the sentence's first word
    /// (its subject), no possessor, with no other name before the pronoun, and its gender, when
    /// known, must agree; the pronoun must follow the clause's conjunction.
    func clauseSubject(before pronounIndex: Int, sentence: SentenceSpan, names: [(Int, Int, Int)], gender: Gender) -> Int? {
        guard pronounIndex - 1 > sentence.tokenFrom, RoleWords.timeClauses.contains(tokens.hashes[pronounIndex - 1]) else { return nil }
        let before = names.filter { $0.0 < pronounIndex }
        guard before.count == 1, let subject = before.first, subject.0 == firstWord(of: sentence), !isWord(subject.1, Words2.s) else { return nil }
        if let known = people.entities[subject.2].gender, known != gender { return nil }
        return subject.2
    }

    /// Role nouns in apposition to a known name, for ``scoreRoles``: "The victim, Rita, was 44",
    /// "Rita, the victim, ...", "the perpetrator was Tomasz". Names that no title, code word or
    /// declaration introduced (``discoverProperNames(capitals:)``) have no role until a cue
    /// gives one; an apposition with the review's own role noun is the strongest cue there is.
    /// Adds `weight` per apposition to the name's score for that role. Not for a possessor on
    /// either side ("the victim's husband, Tomasz", "Rita, the perpetrator's sister").
    mutating func appositionScores(capitals: CapitalIndex, sentenceKinds: SentenceKinds, weight: Double, victim: inout [Int: Double], perpetrator: inout [Int: Double]) {
        let patternBits = compiled.sentenceKindBits
        var names: [(Int, Int, Int)] = []
        var roles: [(Int, Int, Int)] = []
        for sentenceIndex in sentences.indices where sentenceKinds.has(sentenceIndex, SentenceKinds.role) {
            let sentence = sentences[sentenceIndex]
            guard !capitals.range(inSentence: sentenceIndex).isEmpty else { continue }
            roles.truncate(to: 0)
            for match in matches[sentence.matchFrom..<sentence.matchTo] where patternBits[Int(match.pattern)] & SentenceKinds.role != 0 {
                if let entity = roleEntity(match), entity == PeopleModel.victim || entity == PeopleModel.perpetrator {
                    roles.append((Int(match.start), Int(match.end), entity))
                }
            }
            TaggingRun.dropNestedRoles(&roles)
            dropDescriptiveRoles(&roles, sentenceStart: sentence.tokenFrom)
            guard !roles.isEmpty else { continue }
            names.truncate(to: 0)
            forEachKnownName(inSentence: sentenceIndex, sentence, capitals: capitals) { start, end, entity in names.append((start, end, entity)) }
            for role in roles where !(role.1 < sentence.tokenTo && isWord(role.1, Words2.s)) {
                for name in names where name.2 > PeopleModel.perpetrator && !(name.1 < sentence.tokenTo && isWord(name.1, Words2.s)) {
                    // "The victim, Rita," / "the victim Rita"; "the perpetrator was Tomasz";
                    // "Rita, the victim," (the comma required: not "told Rita the victim had ...").
                    let after = name.0 == role.1 || (name.0 == role.1 + 1 && RoleWords.copulas.contains(tokens.hashes[role.1]))
                    let before = name.1 == role.0 && commaBetween(name.1 - 1) && RoleWords.definite == tokens.hashes[role.0]
                    guard after || before else { continue }
                    if role.2 == PeopleModel.victim { victim[name.2, default: 0] += weight } else { perpetrator[name.2, default: 0] += weight }
                }
            }
        }
    }

    /// Drops the roles (start, end, entity) that lie inside a longer one ("victim" in "the victim").
    static func dropNestedRoles(_ roles: inout [(Int, Int, Int)]) {
        guard roles.count > 1 else { return }
        roles = roles.filter { role in
            !roles.contains { $0 != role && $0.0 <= role.0 && role.1 <= $0.1 && ($0.1 - $0.0) > (role.1 - role.0) }
        }
    }

    /// The first token of a sentence past a paragraph number ("1.3").
    func firstWord(of sentence: SentenceSpan) -> Int {
        var first = sentence.tokenFrom
        while first < sentence.tokenTo, tokens.flags[first] & Tokens.digits != 0 { first += 1 }
        return first
    }

    /// Whether a sentence holds "he" or "she" (a role cue after it may be about an earlier name).
    func holdsSubjectPronoun(_ sentence: SentenceSpan) -> Bool {
        (sentence.tokenFrom..<sentence.tokenTo).contains { PronounWords.subjects.contains(tokens.hashes[$0]) }
    }
}

extension RoleWords {
    static let she = hash("she")
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

extension TaggingRun {
    /// Whether a name ending at token `nameEnd` is a possessor of a kin noun ("Ellis's mother",
    /// "Ellis's maternal grandmother"): `'s`, at most one word, then the kin noun.
    func possessesKin(_ nameEnd: Int, kinStarts: [Int]) -> Bool {
        guard nameEnd >= 0, isWord(nameEnd, Words2.s) else { return false }
        return kinStarts.contains(nameEnd + 1) || kinStarts.contains(nameEnd + 2)
    }
}
