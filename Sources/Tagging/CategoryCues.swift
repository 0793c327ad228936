import ReviewModel

/// Hashes of the words the category cues compare tokens against.
private enum CueWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    /// Plural nouns that name young people as a group ("a group of teenagers").
    static let youngGroups: WordSet = WordSet(["teenagers", "youths", "adolescents"].map(hash))
    /// Plural nouns that name young people only after a quantifier ("three other boys").
    static let youngPlurals: WordSet = WordSet(["boys", "girls", "lads", "children", "pupils", "students", "peers"].map(hash))
    static let quantifiers: WordSet = WordSet(
        ["other", "older", "two", "three", "four", "five", "six", "several", "some", "of", "local", "teenage", "young"].map(hash))
    static let young = hash("young")
    static let youngFollowers: WordSet = WordSet(["people", "men", "women", "males", "persons"].map(hash))
    /// Words that make the group family ("her brothers and other children in the household").
    static let family: WordSet = WordSet(["siblings", "brothers", "sisters", "household", "family", "cousins"].map(hash))
}

extension TaggingRun {
    /// A sentence that describes the incident as done by a group of young people who are not
    /// family ("was stabbed by three other boys", "attacked by a group of teenagers",
    /// "young people aged 15 to 17 assaulted him"): the excerpt, or nil.
    func youngPeerGroupCue() -> String? {
        let hashes = tokens.hashes
        for sentence in sentences where !sentence.hypotheticalSection {
            let incident = matches[sentence.matchFrom..<sentence.matchTo].contains {
                if case .incident = kind($0) { return true } else { return false }
            }
            guard incident else { continue }
            let from = sentence.tokenFrom
            let to = sentence.tokenTo
            if (from..<to).contains(where: { CueWords.family.contains(hashes[$0]) }) { continue }
            for index in from..<to {
                let word = hashes[index]
                let before = index > from ? hashes[index - 1] : 0
                let found = CueWords.youngGroups.contains(word)
                    || (CueWords.youngPlurals.contains(word) && (CueWords.quantifiers.contains(before) || (index > from && tokens.flags[index - 1] & Tokens.digits != 0)))
                    || (word == CueWords.young && index + 1 < to && CueWords.youngFollowers.contains(hashes[index + 1]))
                if found { return document.substring(sentence.range) }
            }
        }
        return nil
    }
}

/// Words that place repeated violence over time rather than within one attack.
private enum PatternWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let overTime: WordSet = WordSet([
        "occasions", "occasion", "times", "pattern", "history", "previous", "previously", "before", "earlier", "frequent",
        "frequently", "escalating", "escalated", "escalation", "series", "ongoing", "years", "months", "weeks", "had", "often",
        "regularly", "increasingly", "past",
    ].map(hash))
}

extension TaggingRun {
    /// Whether "repeatedly struck and kicked" describes blows within the attack the review is
    /// about (an incident sentence with no word that places the violence over time), which is
    /// not a pattern of physical violence.
    func blowsWithinTheIncident(_ sentence: SentenceSpan, _ slice: UnsafeBufferPointer<Match>) -> Bool {
        let incident = slice.contains { if case .incident = kind($0) { return true } else { return false } }
        guard incident else { return false }
        let hashes = tokens.hashes
        return !(sentence.tokenFrom..<sentence.tokenTo).contains { PatternWords.overTime.contains(hashes[$0]) }
    }
}

/// Words that make a group membership someone else's.
private enum GroupWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let were = hash("were")
    static let singular: WordSet = WordSet(["was", "he", "she", "his", "her", "is", "had"].map(hash))
    static let pluralMembers: WordSet = WordSet(["members", "associates"].map(hash))
}

extension TaggingRun {
    /// Whether a gang membership is said of several other people ("two members of the group",
    /// "older young men who were themselves involved in a local gang") rather than of one person.
    func groupMembershipOfOthers(_ sentence: SentenceSpan, start: Int) -> Bool {
        let hashes = tokens.hashes
        if GroupWords.pluralMembers.contains(hashes[start]) { return true }
        let from = max(sentence.tokenFrom, start - 4)
        var plural = false
        for index in from..<start {
            if GroupWords.singular.contains(hashes[index]) { return false }
            if hashes[index] == GroupWords.were { plural = true }
        }
        return plural
    }
}
