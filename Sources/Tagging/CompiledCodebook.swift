import ReviewModel

/// A codebook turned into patterns and one ``CompiledMatcher``, with the per-pattern facts the
/// tagger needs (rule ids, trigger scopes). Built once, immutable, shared by all threads.
///
/// A `final class` with only `let` properties: it owns the large compiled tables, and every
/// tagging call shares one reference instead of copying a dozen array references.
final class CompiledCodebook: Sendable {
    let codebook: Codebook
    let matcher: CompiledMatcher
    /// The rule id of each pattern (`alcohol-misuse/3`), or the lexicon it came from (`context/negation_pre`).
    let ruleIDs: [String]
    /// The number of each pattern's rule id among the distinct ids (patterns of one rule share
    /// it): the rule numbers the tagger gives evidence (``EvidenceNumbers``).
    let ruleNumbers: [Int32]
    /// The number of each distinct rule id (``ruleNumbers``).
    let ruleNumberOfID: [String: Int32]
    /// Scope override (in words) per pattern, from a trailing ` @N`; 0 for none.
    let scopes: [Int]
    /// Per pattern: its first word is a single word that is hypothetical only in lower case
    /// ("may", "will"); a capitalised occurrence mid-sentence is a month or a name.
    let caseSensitiveTrigger: [Bool]
    /// Word classes of lower-case single words the people finder looks up.
    let wordClasses: [String: Int32]
    /// The kind of each pattern (a flat copy for the hot path).
    let kinds: [PatternKind]
    /// Per pattern: the ``SentenceKinds`` bit its matches set (``SentenceKinds/bit(of:)``).
    let sentenceKindBits: [UInt8]
    /// Per pattern: its phrase contains "subject" (a child role that names the review's subject),
    /// computed once instead of a string search per match.
    let phraseMentionsSubject: [Bool]
    /// Per pattern: its context class (``ContextClass``), one byte read where the sweep asks
    /// what a match is (loading and switching over a `PatternKind` cost several times more).
    let contextClasses: [UInt8]
    /// Per pattern: the entry an `.exclusion` pattern excludes, -1 for every other pattern (one
    /// load per match where the sweep looks for a target's exclusion, no `PatternKind` copied).
    let excludedEntries: [Int32]
    /// Per pattern: whether it is an ethnicity pattern (one byte read per match where the sweep
    /// looks for them).
    let isEthnicity: [Bool]
    /// Per-entry facts flattened for the sweep.
    let facts: EntryFacts
    /// Per kin entry: how a third-party suppression names it (its first phrase, "=" removed).
    let kinDisplay: [String]
    /// The people lexicon's kin nouns (read per kin mention: `codebook.people.kin` through
    /// ``TaggingRun/lexicon`` copied the whole lexicon each time).
    let kins: [Codebook.Kin]
    /// Per entry and proximity rule: one of its patterns (all carry the rule's id,
    /// `<prefix>/<phrases + near + 1>`), or -1 when the rule has no phrase.
    let nearPatterns: [[Int32]]
    /// The table of tokens that may start an age (see ``TaggingRun/firstAgeCandidate(_:from:to:table:)``).
    let ageCandidateTable = CompiledCodebook.ageCandidateTable
    /// The words before and after a number that an age needs (see ``TaggingRun/ages(_:first:)``).
    let ageContextTable = CompiledCodebook.ageContextTable
    /// Per pattern: the entry of a `.tag` pattern, or what the sweep does with the matches of any
    /// other (``SweepBits``) and the mention they make, in one word (``SweepCode``): the one load
    /// per match of ``TaggingRun/collectMatches(_:mentions:targets:)``.
    let sweepCodes: [Int32]
    /// The codebook's default scopes of pre- and post-triggers, in words.
    let preScope: Int
    let postScope: Int
    /// The codebook's hypothetical section words, prepared once (lower-cased and grouped: a
    /// tagging call that made them anew spent about a tenth of its section search on it).
    let hypotheticalSections: HypotheticalSections

    /// Pronouns, titles and name-code words the people finder uses (not codebook data: grammar).
    static let pronouns: [(String, Gender, Bool)] = [
        ("he", .male, false), ("him", .male, false), ("himself", .male, false), ("his", .male, true),
        ("she", .female, false), ("herself", .female, false), ("her", .female, true), ("hers", .female, false),
    ]
    static let titles: [(String, Gender?)] = [
        ("mr", .male), ("mrs", .female), ("ms", .female), ("miss", .female), ("dr", nil), ("mx", nil),
    ]
    /// Words that begin coded pseudonyms ("Adult A", "Child B").
    static let codeWords: Set<String> = [
        "adult", "child", "person", "baby", "subject", "individual", "victim", "perpetrator", "mother", "father",
        "sibling", "male", "female", "patient", "service", "young", "man", "woman", "client", "resident", "family",
        "mr", "mrs", "ms", "miss", "infant", "boy", "girl", "adolescent", "teenager", "witness",
    ]

    init(codebook: Codebook) throws(CodebookError) {
        self.codebook = codebook
        hypotheticalSections = HypotheticalSections(codebook.context.hypotheticalSections)
        var patterns: [Pattern] = []
        var ruleIDs: [String] = []
        var scopes: [Int] = []
        var caseSensitive: [Bool] = []
        var mentionsSubject: [Bool] = []
        func add(_ kind: PatternKind, _ phrase: String, _ rule: String) {
            var text = phrase
            var scope = 0
            // The phrase's bytes looked at once (``PhraseBytes``): the Character searches and the
            // lower-casing below run only for the few phrases the bytes do not settle (they cost
            // ~50M instructions for the 3,127 phrases of the shipped codebook).
            var bytes = PhraseBytes(phrase)
            // No 0x40 byte means no "@" Character.
            if bytes.hasAt, let at = phrase.lastIndex(of: "@"),
                let value = Int(String(phrase[phrase.index(after: at)...]).trimmingCharacters(in: " "))
            {
                text = String(phrase[..<at])
                scope = value
                bytes = PhraseBytes(text)
            }
            patterns.append(Pattern(kind: kind, phrase: text))
            ruleIDs.append(rule)
            scopes.append(scope)
            mentionsSubject.append(bytes.mentionsSubject ?? text.contains("subject"))
            if bytes.mayBeCaseSensitiveTrigger {
                let lower = text.lowercased().trimmingCharacters(in: " ")
                caseSensitive.append(["may", "will", "should", "must", "might", "future"].contains(lower))
            } else {
                caseSensitive.append(false)
            }
        }
        for (index, entry) in codebook.entries.enumerated() {
            let prefix = codebook.rulePrefix(for: entry.tag)
            for (number, phrase) in entry.phrases.enumerated() {
                add(.tag(entry: Int32(index), rule: Int32(number + 1)), phrase, "\(prefix)/\(number + 1)")
            }
            for (nearIndex, rule) in entry.near.enumerated() {
                let id = "\(prefix)/\(entry.phrases.count + nearIndex + 1)"
                for phrase in rule.a { add(.proximity(entry: Int32(index), near: Int32(nearIndex), side: 0), phrase, id) }
                for phrase in rule.b { add(.proximity(entry: Int32(index), near: Int32(nearIndex), side: 1), phrase, id) }
            }
            for phrase in entry.exclude { add(.exclusion(entry: Int32(index)), phrase, "\(prefix)/exclude") }
        }
        let context = codebook.context
        preScope = context.preScope
        postScope = context.postScope
        for phrase in context.negationPre { add(.negationPre, phrase, "context/negation_pre") }
        for phrase in context.negationPost { add(.negationPost, phrase, "context/negation_post") }
        for phrase in context.pseudo { add(.pseudo, phrase, "context/pseudo") }
        for phrase in context.termination { add(.termination, phrase, "context/termination") }
        for phrase in context.hypotheticalPre { add(.hypotheticalPre, phrase, "context/hypothetical_pre") }
        for phrase in context.hypotheticalPost { add(.hypotheticalPost, phrase, "context/hypothetical_post") }
        for phrase in context.incident { add(.incident, phrase, "context/incident") }
        let people = codebook.people
        for phrase in people.victim { add(.victim, phrase, "people/victim") }
        for phrase in people.perpetrator { add(.perpetrator, phrase, "people/perpetrator") }
        for phrase in people.child { add(.child, phrase, "people/child") }
        for phrase in people.declare { add(.declare, phrase, "people/declare") }
        for phrase in people.victimAfter { add(.roleCue(victim: true, after: true), phrase, "people/victim_after") }
        for phrase in people.victimBefore { add(.roleCue(victim: true, after: false), phrase, "people/victim_before") }
        for phrase in people.perpetratorAfter { add(.roleCue(victim: false, after: true), phrase, "people/perpetrator_after") }
        for phrase in people.perpetratorBefore { add(.roleCue(victim: false, after: false), phrase, "people/perpetrator_before") }
        for phrase in people.female { add(.female, phrase, "people/female") }
        for phrase in people.male { add(.male, phrase, "people/male") }
        for (index, kin) in people.kin.enumerated() {
            for phrase in kin.phrases { add(.kin(Int32(index)), phrase, "people/kin/\(kin.relation)") }
        }
        for group in Ethnicity.allCases {
            for phrase in people.ethnicity[group] ?? [] { add(.ethnicity(group), phrase, "people/ethnicity/\(group.rawValue)") }
        }
        for (word, gender, possessive) in CompiledCodebook.pronouns {
            add(.pronoun(gender, possessive: possessive), "=\(word)", "grammar/pronoun")
        }
        for (word, gender) in CompiledCodebook.titles { add(.title(gender), "=\(word)", "grammar/title") }
        do {
            matcher = try CompiledMatcher(patterns: patterns)
        } catch {
            throw CodebookError.badRule(rule: ruleIDs[error.index], phrase: patterns[error.index].phrase, message: error.message)
        }
        self.ruleIDs = ruleIDs
        var ruleNumberOfID: [String: Int32] = [:]
        var ruleNumbers: [Int32] = []
        ruleNumbers.reserveCapacity(ruleIDs.count)
        for (pattern, id) in ruleIDs.enumerated() {
            // A lexicon's patterns share its id, one after another: hashed once.
            if pattern > 0, id == ruleIDs[pattern - 1] {
                ruleNumbers.append(ruleNumbers[pattern - 1])
            } else if let number = ruleNumberOfID[id] {
                ruleNumbers.append(number)
            } else {
                let number = Int32(ruleNumberOfID.count)
                ruleNumberOfID[id] = number
                ruleNumbers.append(number)
            }
        }
        self.ruleNumbers = ruleNumbers
        self.ruleNumberOfID = ruleNumberOfID
        facts = EntryFacts(codebook)
        kinDisplay = codebook.people.kin.map { kin in
            let who = kin.phrases.first ?? "relative"
            return who.utf8.contains(0x3D) ? String(String.UnicodeScalarView(who.unicodeScalars.filter { $0 != "=" })) : who
        }
        self.scopes = scopes
        kins = codebook.people.kin
        kinds = patterns.map(\.kind)
        sentenceKindBits = patterns.map { SentenceKinds.bit(of: $0.kind) }
        var nearPatterns = codebook.entries.map { [Int32](repeating: -1, count: $0.near.count) }
        for (index, pattern) in patterns.enumerated() {
            if case .proximity(let entry, let near, _) = pattern.kind, nearPatterns[Int(entry)][Int(near)] < 0 {
                nearPatterns[Int(entry)][Int(near)] = Int32(index)
            }
        }
        self.nearPatterns = nearPatterns
        phraseMentionsSubject = mentionsSubject
        contextClasses = patterns.map { ContextClass.of($0.kind) }
        excludedEntries = patterns.map { if case .exclusion(let entry) = $0.kind { entry } else { -1 } }
        isEthnicity = patterns.map { if case .ethnicity = $0.kind { true } else { false } }
        sweepCodes = patterns.map { SweepCode.of($0.kind) }
        caseSensitiveTrigger = caseSensitive
        var classes: [String: Int32] = [:]
        for word in CompiledCodebook.codeWords {
            let id = matcher.wordClass(word)
            if id >= 0 { classes[word] = id }
        }
        wordClasses = classes
    }
}

/// What ``CompiledCodebook/init(codebook:)`` asks of a phrase, answered from one pass over its
/// UTF-8 bytes where the bytes settle it (the Character searches and the lower-casing they stand
/// for ran for every phrase).
struct PhraseBytes {
    /// Whether the phrase has an '@' byte (no 0x40 byte means no "@" Character).
    private(set) var hasAt = false
    /// Whether every byte is ASCII.
    private(set) var ascii = true
    /// Bytes other than spaces.
    private(set) var nonSpace = 0
    /// Whether the bytes of "subject" occur.
    private(set) var subjectBytes = false

    init(_ phrase: String) {
        var phrase = phrase
        phrase.withUTF8 { bytes in
            // "subject", matched byte by byte as the bytes go by.
            let subject: StaticString = "subject"
            let word = UnsafeBufferPointer(start: subject.utf8Start, count: subject.utf8CodeUnitCount)
            var matched = 0
            for byte in bytes {
                if byte == 0x40 { hasAt = true }
                if byte >= 0x80 { ascii = false }
                if byte != 0x20 { nonSpace += 1 }
                if !subjectBytes {
                    // No byte of "subject" repeats its first byte: a mismatch restarts at this byte.
                    if byte == word[matched] {
                        matched += 1
                        if matched == word.count { subjectBytes = true }
                    } else {
                        matched = byte == word[0] ? 1 : 0
                    }
                }
            }
        }
    }

    /// `phrase.contains("subject")` when the bytes settle it, else nil. Without the bytes of
    /// "subject" no string canonically equivalent to it occurs either (none of its letters is the
    /// decomposition of another character); with them, an all-ASCII phrase holds it as Characters.
    var mentionsSubject: Bool? {
        if !subjectBytes { return false }
        return ascii ? true : nil
    }

    /// Whether the phrase may be one of the case-sensitive trigger words once lower-cased and
    /// trimmed of spaces: an ASCII phrase of more than six letters other than spaces is none
    /// ("should", "future" are the longest). A phrase with other bytes is asked the long way.
    var mayBeCaseSensitiveTrigger: Bool { !ascii || nonSpace <= 6 }
}

/// A pattern's role for sentence context, as a byte (``CompiledCodebook/contextClasses``).
enum ContextClass {
    static let other: UInt8 = 0
    static let negationPre: UInt8 = 1
    static let negationPost: UInt8 = 2
    static let hypotheticalPre: UInt8 = 3
    static let hypotheticalPost: UInt8 = 4
    static let pseudo: UInt8 = 5
    static let termination: UInt8 = 6

    /// Whether the class is one of the four trigger classes.
    @inline(__always)
    static func isTrigger(_ value: UInt8) -> Bool { value &- 1 < 4 }

    static func of(_ kind: PatternKind) -> UInt8 {
        switch kind {
        case .negationPre: negationPre
        case .negationPost: negationPost
        case .hypotheticalPre: hypotheticalPre
        case .hypotheticalPost: hypotheticalPost
        case .pseudo: pseudo
        case .termination: termination
        default: other
        }
    }
}

/// What the sweep does with a match of a pattern that is no codebook target, one bit each: a
/// sentence's matches ORed together tell which steps it needs.
enum SweepBits {
    /// A role, kin noun or pronoun: a mention.
    static let mention: UInt8 = 1
    /// A side of a proximity rule.
    static let proximity: UInt8 = 2
    /// An exclusion phrase of an entry.
    static let exclusion: UInt8 = 4
    /// A negation or hypothetical trigger (pseudo-triggers and terminations only limit triggers).
    static let trigger: UInt8 = 8
    /// An ethnicity.
    static let ethnicity: UInt8 = 16
    /// A kin noun (with ``mention``).
    static let kin: UInt8 = 32

    static func of(_ kind: PatternKind) -> UInt8 {
        switch kind {
        case .kin: mention | kin
        case .victim, .perpetrator, .child, .pronoun: mention
        case .proximity: proximity
        case .exclusion: exclusion
        case .negationPre, .negationPost, .hypotheticalPre, .hypotheticalPost: trigger
        case .ethnicity: ethnicity
        default: 0
        }
    }
}

/// A pattern's sweep code (``CompiledCodebook/sweepCodes``): a `.tag` pattern's entry (0 or more),
/// or for any other pattern the complement (negative) of its ``SweepBits`` (bits 0-7), the kind
/// of mention its matches make (bits 8-10: ``none``, ``victim``, ``perpetrator``, ``child``,
/// ``kin``, ``pronoun``), a pronoun's gender (bit 11: male) and possessive (bit 12).
enum SweepCode {
    static let none: Int32 = 0
    static let victim: Int32 = 1
    static let perpetrator: Int32 = 2
    static let child: Int32 = 3
    static let kin: Int32 = 4
    static let pronoun: Int32 = 5
    static let male: Int32 = 1 << 11
    static let possessive: Int32 = 1 << 12

    static func of(_ kind: PatternKind) -> Int32 {
        if case .tag(let entry, _) = kind { return entry }
        var code = Int32(SweepBits.of(kind))
        switch kind {
        case .victim: code |= victim << 8
        case .perpetrator: code |= perpetrator << 8
        case .child: code |= child << 8
        case .kin: code |= kin << 8
        case .pronoun(let gender, let isPossessive):
            code |= pronoun << 8
            if gender == .male { code |= male }
            if isPossessive { code |= possessive }
        default: break
        }
        return ~code
    }
}


extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var result = Substring(self)
        while result.first == set { result = result.dropFirst() }
        while result.last == set { result = result.dropLast() }
        return String(result)
    }
}
