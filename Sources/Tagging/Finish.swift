import ReviewModel

/// Hashes of the words the age finder compares tokens against.
private enum Words {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let year = hash("year")
    static let years = hash("years")
    static let old = hash("old")
    static let of = hash("of")
    static let age = hash("age")
    static let aged = hash("aged")
    static let was = hash("was")
    static let isWord = hash("is")
    static let who = hash("who")
    static let at = hash("at")
    static let the = hash("the")
    static let time = hash("time")
    static let between = hash("between")
    static let and = hash("and")
    static let to = hash("to")
    static let guards: WordSet = WordSet(["when", "until", "since", "from", "by", "before", "after", "till", "children", "child", "baby", "babies", "sons", "daughters", "aged", "under", "over", "than",
        // Other people's ages ("three other boys aged 15 to 17", "young people aged 16").
        "boys", "girls", "men", "women", "people", "others", "teenagers", "youths", "brothers", "sisters", "siblings", "friends", "peers"].map(hash))
    static let numbers: WordTable = {
        let units = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        var table: [(UInt64, Int)] = []
        for (index, word) in units.enumerated() { table.append((hash(word), index + 1)) }
        let tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
        for (index, word) in tens.enumerated() { table.append((hash(word), (index + 2) * 10)) }
        return WordTable(table)
    }()
    static let decades: WordTable = {
        var table: [(UInt64, Int)] = [(hash("teens"), 13)]
        let words = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
        for (index, word) in words.enumerated() { table.append((hash(word), (index + 2) * 10)) }
        return WordTable(table)
    }()
    static let early = hash("early")
    static let mid = hash("mid")
    static let late = hash("late")
    static let her = hash("her")
    static let his = hash("his")
    static let their = hash("their")
    static let `in` = hash("in")
    static let then = hash("then")
    static let `is` = hash("is")
    static let when = hash("when")
    static let family: WordSet = WordSet(["family", "couple"].map(hash))
    static let both = hash("both")
    static let areWere: WordSet = WordSet(["are", "were"].map(hash))
    /// Verbs of a past event an age may be given for ("came to England aged eighteen").
    static let pastEvents: WordSet = WordSet([
        "came", "moved", "arrived", "emigrated", "migrated", "left", "married", "joined", "started", "began", "entered",
        "settled", "returned", "retired", "qualified", "enlisted",
    ].map(hash))
    static let familyRelations: Set<String> = ["partner", "ex-partner", "adult-child", "parent", "sibling", "other-family"]
    static let she = hash("she")
    static let he = hash("he")
    /// Verbs that make "she was 18" after them someone's claim or belief, not the review's
    /// statement ("Skye had told him she was 18", "he assumed she was 18").
    static let reporting: WordSet = WordSet([
        "said", "told", "claimed", "lied", "pretended", "believed", "thought", "assumed", "stated", "insisted",
    ].map(hash))
    /// Nouns whose "of" gives an age ("a man of 31"; not "a mother of two", her children).
    static let personNouns: WordSet = WordSet(["man", "woman", "boy", "girl", "person", "lady", "gentleman", "adult"].map(hash))
    static let death: WordSet = WordSet(["died", "killed", "murdered", "death"].map(hash))
    /// A 4096-bit filter over the hashes of the number and decade words: most tokens are
    /// neither, and the filter rejects them without two dictionary probes.
    static let numericFilter: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 64)
        for hash in numbers.keysInOrder + decades.keysInOrder + childRoles.members {
            let bit = Int(truncatingIfNeeded: hash >> 52)
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        return bits
    }()
    /// Per 12 high bits of a word hash: 1 where a word that may stand right before an age's
    /// number ("aged", "between", "of", "was", "is", "then") falls, 2 where a word after it
    /// does: a unit ("years", "months") or the "at" of "and 27 at the time". Most numbers have
    /// neither, and two loads say so.
    static let contextTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 4096)
        for hash in [aged, between, of, was, `is`, then] { table[Int(truncatingIfNeeded: hash >> 52)] |= 1 }
        for hash in [year, years, at] + infantUnits.members { table[Int(truncatingIfNeeded: hash >> 52)] |= 2 }
        return table
    }()
    /// The single-word hashes ``TaggingRun/ages(_:first:)`` compares tokens against, in one
    /// object that the function reads through one unretained reference (each read of a static
    /// above is a lazy-initialisation check; a struct of them was copied, 224 bytes, per call).
    final class Scalars: Sendable {
        let year = Words.year,
        years = Words.years,
        old = Words.old,
        of = Words.of,
        age = Words.age,
        aged = Words.aged,
        was = Words.was,
        at = Words.at,
        the = Words.the,
        time = Words.time,
        between = Words.between,
        and = Words.and,
        to = Words.to,
        early = Words.early,
        mid = Words.mid,
        late = Words.late,
        her = Words.her,
        his = Words.his,
        their = Words.their,
        `in` = Words.`in`,
        then = Words.then,
        `is` = Words.`is`,
        when = Words.when,
        she = Words.she,
        he = Words.he,
        newborn = Words.newborn,
        a = Words.a,
        an = Words.an
    }
    static let scalars = Scalars()
    /// "was a newborn": age 0.
    static let newborn = hash("newborn")
    /// "was a toddler", "was a newborn": a child, whatever the age.
    static let childRoles: WordSet = WordSet(["newborn", "baby", "toddler", "infant", "neonate"].map(hash))
    static let a = hash("a")
    static let an = hash("an")
    /// Child nouns that also start a pseudonym ("Child M", "Baby R").
    static let childNames: WordSet = WordSet(["child", "baby"].map(hash))
    static let infantUnits: WordSet = WordSet(["months", "month", "weeks", "week", "days", "day"].map(hash))
    static let monthUnits: WordSet = WordSet(["months", "month"].map(hash))
    static let units: WordSet = WordSet([
        "months", "month", "weeks", "week", "days", "day", "hours", "hour", "minutes", "times", "percent", "per", "units",
        "miles", "am", "pm", "o", "pounds", "kg", "metres", "years", "year", "of", "out", "and", "or", "to", "in", "on", "at",
    ].map(hash))
}

extension CompiledCodebook {
    /// ``Words/contextTable``: the words before and after a number that an age needs.
    static var ageContextTable: [UInt8] { Words.contextTable }

    /// The 4096-bit filter over number, decade and child-role word hashes (``Words/numericFilter``).
    static var ageCandidateFilter: [UInt64] { Words.numericFilter }

    /// ``ageCandidateFilter`` as one byte per bit (1 where a number, decade or child-role word's
    /// hash may fall), which ``TaggingRun/firstAgeCandidate(_:from:to:table:)`` reads: a load
    /// per token instead of a word load, a shift and a bit test.
    static var ageCandidateTable: [UInt8] {
        let filter = ageCandidateFilter
        return (0..<filter.count * 64).map { bit in UInt8(truncatingIfNeeded: filter[bit >> 6] >> UInt64(bit & 63) & 1) }
    }
}

extension TaggingRun {
    /// The number a token stands for (digits or a number word, "thirty four" joined), and the tokens it used.
    /// (`mutating` only so that ``ages(_:first:)``, itself mutating, passes the run without copying it.)
    mutating func number(at index: Int, limit: Int) -> (Int, Int)? {
        if tokens.flags[index] & Tokens.digits != 0 {
            let start = Int(tokens.starts[index])
            let length = Int(tokens.ends[index]) - start
            guard length <= 3 else { return nil }
            // The digits read in place (index arithmetic on the string's UTF-8 view cost more
            // than the number); a string without contiguous UTF-8 storage takes the view.
            let utf8 = document.text.utf8
            let value = utf8.withContiguousStorageIfAvailable { bytes in
                var value = 0
                for offset in start..<start + length { value = value * 10 + Int(bytes[offset] &- 0x30) }
                return value
            } ?? utf8.dropFirst(start).prefix(length).reduce(0) { $0 * 10 + Int($1 &- 0x30) }
            return (value, index + 1)
        }
        guard let value = Words.numbers[tokens.hashes[index]] else { return nil }
        if value >= 20, value % 10 == 0, index + 1 < limit, let unit = Words.numbers[tokens.hashes[index + 1]], unit < 10 {
            return (value + unit, index + 2)
        }
        return (value, index + 1)
    }

    /// The first token of `from..<to` that may start an age, or `to` when there is none: a number,
    /// decade or child-role word, or digits of at most three characters with a word an age needs
    /// before them ("aged", "was"), a capitalised word before them (an apposition, "Mr R, 27,") or
    /// a unit after them ("years"). Other digits (years, days, counts, paragraph numbers) start no
    /// age in ``ages(_:first:)``: most sentences with numbers have only those and are not read
    /// again. The scan reads the columns through raw pointers, eight tokens a step (their eight
    /// flags in one load, their eight table bytes or'ed together, no branch per token), then one at
    /// a time through a step that holds digits or a word.
    ///
    /// `table` is ``CompiledCodebook/ageCandidateTable`` and `context`
    /// ``CompiledCodebook/ageContextTable`` (read through the codebook: a static checked its lazy
    /// initialisation at every call). Their bytes are filters: a digit token they pass may still
    /// start no age.
    @inline(__always)
    static func firstAgeCandidate(_ tokens: borrowing Tokens, from: Int, to: Int, table: borrowing [UInt8], context: borrowing [UInt8]) -> Int {
        guard from < to else { return to }
        return tokens.flags.withUnsafeBufferPointer { flags in
            tokens.hashes.withUnsafeBufferPointer { hashes in
                tokens.starts.withUnsafeBufferPointer { starts in
                    tokens.ends.withUnsafeBufferPointer { ends in
                        table.withUnsafeBufferPointer { table in
                            context.withUnsafeBufferPointer { context in
                                @inline(__always)
                                func slot(_ index: Int) -> Int { Int(truncatingIfNeeded: hashes[index] >> 52) }
                                // Digits that may be an age (a test on the tokens around them, as `ages` makes).
                                @inline(__always)
                                func mayBeAge(_ index: Int) -> Bool {
                                    guard ends[index] &- starts[index] <= 3 else { return false }
                                    if index > 0, flags[index &- 1] & Tokens.capitalised != 0 || context[slot(index &- 1)] & 1 != 0 { return true }
                                    return index &+ 1 < hashes.count && context[slot(index &+ 1)] & 2 != 0
                                }
                                var index = from
                                let digits = UInt64(Tokens.digits) &* 0x0101_0101_0101_0101
                                while index < to {
                                    if index &+ 8 <= to {
                                        let eight = UnsafeRawPointer(flags.baseAddress! + index).loadUnaligned(as: UInt64.self)
                                        var words = table[slot(index)]
                                        words |= table[slot(index &+ 1)]
                                        words |= table[slot(index &+ 2)]
                                        words |= table[slot(index &+ 3)]
                                        words |= table[slot(index &+ 4)]
                                        words |= table[slot(index &+ 5)]
                                        words |= table[slot(index &+ 6)]
                                        words |= table[slot(index &+ 7)]
                                        if eight & digits == 0, words == 0 {
                                            index &+= 8
                                            continue
                                        }
                                    }
                                    if flags[index] & Tokens.digits != 0 {
                                        if mayBeAge(index) { return index }
                                    } else if table[slot(index)] != 0 {
                                        return index
                                    }
                                    index &+= 1
                                }
                                return to
                            }
                        }
                    }
                }
            }
        }
    }

    /// The priority `ages(_:)` gives a child role without an age ("was a toddler").
    static var childRolePriority: Int { 9 }

    /// Ages stated in a sentence: (token position, age, priority); priority 0 is the most
    /// explicit ("34-year-old", "aged 34", "was 19 at the time"), 1 is "she was 34", 2 is
    /// "at the age of 34" (often a past event).
    ///
    /// `first` is the sentence's first token that may start an age (see
    /// ``firstAgeCandidate(_:from:to:table:)``): the tokens before it are skipped unread. (`mutating`
    /// only so that ``demographics(_:_:mentions:fallback:)`` passes the run without copying it.)
    mutating func ages(_ sentence: SentenceSpan, first: Int) -> [(Int, Age, Int)] {
        var result: [(Int, Age, Int)] = []
        // Unretained: `Words.scalars` is a global constant that lives as long as the process.
        unowned(unsafe) let w = Words.scalars
        let from = sentence.tokenFrom
        let to = sentence.tokenTo
        // The hashes read through the run (a local copy of the column was retained and released per call).
        func word(_ index: Int) -> UInt64 { index >= from && index < to ? tokens.hashes[index] : 0 }
        // Whether the word before a number is one an age needs ("aged", "was") or the word after it a
        // unit ("years", "months"), as every branch below that records an age does. The table first:
        // most numbers (days, counts, paragraph numbers) have neither, and it says so without
        // comparing the words (or a lazily initialised set).
        func agedOrUnit(_ before: UInt64, _ after: UInt64) -> Bool {
            guard compiled.ageContextTable[Int(truncatingIfNeeded: before >> 52)] & 1 != 0
                || compiled.ageContextTable[Int(truncatingIfNeeded: after >> 52)] & 2 != 0
            else { return false }
            return before == w.aged || before == w.between || before == w.of || before == w.was || before == w.is || before == w.then
                || after == w.year || after == w.years || Words.infantUnits.contains(after)
        }
        var index = max(from, first)
        while index < to {
            // Neither digits nor a number or decade word: nothing starts here (the next token
            // that may start an age is found by a scan over the raw columns).
            index = TaggingRun.firstAgeCandidate(tokens, from: index, to: to, table: compiled.ageCandidateTable, context: compiled.ageContextTable)
            if index >= to { break }
            // A number of more than three digits (a year, mostly) is no age; digits are no word.
            let isDigits = tokens.flags[index] & Tokens.digits != 0
            if isDigits, Int(tokens.ends[index]) - Int(tokens.starts[index]) > 3 {
                index += 1
                continue
            }
            // "was a newborn", "who was a toddler": a child (the victim when it is about the victim).
            if !isDigits, Words.childRoles.contains(tokens.hashes[index]) {
                let article = word(index - 1) == w.a || word(index - 1) == w.an
                if article, word(index - 2) == w.was || word(index - 2) == w.is {
                    result.append((index, .years(0), tokens.hashes[index] == w.newborn ? 1 : Self.childRolePriority))
                }
                index += 1
                continue
            }
            // "in her (early|mid|late) thirties"
            if !isDigits, let decade = Words.decades[tokens.hashes[index]] {
                var low = decade
                var high = decade == 13 ? 19 : decade + 9
                let before = word(index - 1)
                if before == w.early { high = decade + 3 } else if before == w.mid { low = decade + 3; high = decade + 6 } else if before == w.late { low = decade + 6 }
                let possessiveAt = (before == w.early || before == w.mid || before == w.late) ? index - 2 : index - 1
                let possessive = word(possessiveAt)
                if possessive == w.her || possessive == w.his || possessive == w.their, word(possessiveAt - 1) == w.in {
                    // Often a past event ("in his early twenties he left"): below a stated age.
                    result.append((index, .range(low, high), 2))
                }
                index += 1
                continue
            }
            // Digits stand for one token: without one of those words right before them or a unit
            // right after them (most numbers: days, counts) nothing below records an age, and the
            // number is passed over unread, as the check after it would.
            if isDigits {
                if !agedOrUnit(word(index - 1), word(index + 1)), !isAgeAtTheTime(index) {
                    // "Mr R, 27, White British", "Kieran, 38.", "Rita (44)": an age in apposition to a name.
                    // "Rita (44 at the time of her death)": the bracket opens on the age of the time.
                    // (The brackets are looked at only where they decide: after a capitalised word
                    // with no comma between.)
                    if index > from, tokens.flags[index - 1] & Tokens.capitalised != 0,
                        commaBetween(index - 1)
                            ? closesApposition(index)
                            : bracketsAround(index)
                                || (bracketBefore(index) && word(index + 1) == w.at && word(index + 2) == w.the && word(index + 3) == w.time),
                        let (value, _) = number(at: index, limit: to), value >= 1, value <= 110
                    {
                        result.append((index, .years(value), 1))
                    }
                    index += 1
                    continue
                }
            }
            guard let (value, after) = number(at: index, limit: to), value >= 0, value <= 110 else {
                index += 1
                continue
            }
            // Every branch below that records an age needs one of these words right before the
            // number or a unit right after it ("14 March 2019" has neither): without them the
            // number is passed over as the branches would.
            if !agedOrUnit(word(index - 1), word(after)), !isAgeAtTheTime(index) {
                index = after
                continue
            }
            // "He was 26 when he moved in with his grandfather and 27 at the time of Lloyd's death":
            // the second age of a "was", joined by "and", stated for the time of the events, is the
            // same person's as the age before it (recorded at that age's position, so that the
            // grandfather named between them does not take it).
            if isAgeAtTheTime(index) {
                result.append((result.last?.0 ?? index, .years(value), 0))
                index = after
                continue
            }
            // Whether a guard word before the number makes it someone else's age or no age; asked
            // only on the paths that record an age (most numbers take none of them).
            func isGuarded() -> Bool {
                for back in 1...4 where Words.guards.contains(word(index - back)) && !(back == 1 && word(index - 1) == w.aged) {
                    // "Child M was a fifteen-year-old", "Baby R, who was nine weeks old": a name, not another child.
                    let named = Words.childNames.contains(word(index - back)) && index - back + 1 < to
                        && tokens.flags[index - back + 1] & Tokens.singleCapital != 0
                    if !named { return true }
                }
                return word(index - 2) == w.aged  // "children aged 3 and 5"
            }
            // "told him she was 18", "said that she was 18 years old": a claim, not the age.
            func isReported() -> Bool {
                word(index - 1) == w.was && (word(index - 2) == w.she || word(index - 2) == w.he)
                    && (3...5).contains { Words.reporting.contains(word(index - $0)) }
            }
            let infant = Words.infantUnits.contains(word(after))
            // An age in months is its whole years ("22 months old": 1); in weeks or days, 0.
            let infantYears = Words.monthUnits.contains(word(after)) ? value / 12 : 0
            // "aged between 30 and 35", "aged 30 to 35", "aged 30-35"
            if word(index - 1) == w.aged || (word(index - 1) == w.between && word(index - 2) == w.aged) {
                if !infant, word(after) == w.and || word(after) == w.to, let (high, _) = number(at: after + 1, limit: to), high > value {
                    if !isGuarded() { result.append((index, .range(value, high), 0)) }
                    index = after + 2
                    continue
                }
                if !infant, after < to, let (high, _) = number(at: after, limit: to), high > value,
                    Int(tokens.starts[after]) - Int(tokens.ends[index]) == 1
                {
                    if !isGuarded() { result.append((index, .range(value, high), 0)) }
                    index = after + 1
                    continue
                }
                // "came to England aged eighteen", "married aged 20": the age at a past event,
                // below a stated age ("She was 78 when Albert died").
                // ("She came to England in 2009, aged eight": up to seven words back.)
                let pastEvent = (2...7).contains { Words.pastEvents.contains(word(index - $0)) }
                result.append((index, .years(infant ? infantYears : value), pastEvent ? 2 : 0))
                index = after
                continue
            }
            let unit = word(after)
            if infant, word(after + 1) == w.old || word(index - 1) == w.of {
                if !isGuarded() { result.append((index, .years(infantYears), 0)) }  // "four months old", "the age of 22 months"
            } else if unit == w.year || unit == w.years, word(after + 1) == w.old || (word(after + 1) == w.of && word(after + 2) == w.age),
                !isReported()
            {
                if !isGuarded() {
                    result.append((index, .years(value), 0))
                } else if word(index - 1) == w.was, word(index - 2) == w.she || word(index - 2) == w.he, word(index - 3) == w.when {
                    // "exploited ... when she was 14 years old": the age at the events, below a stated age.
                    result.append((index, .years(value), 2))
                }
            } else if unit == w.year || unit == w.years, word(after + 1) == w.and, Words.infantUnits.contains(word(after + 3)),
                word(after + 4) == w.old
            {
                // "two years and four months old"
                if !isGuarded() || word(index - 1) == w.was { result.append((index, .years(value), isGuarded() ? 2 : 0)) }
                index = after + 4
                continue
            } else if word(index - 1) == w.of, Words.personNouns.contains(word(index - 2)), !Words.units.contains(unit) || unit == w.and {
                result.append((index, .years(value), 0))  // "a man of 31"
            } else if word(index - 1) == w.was, word(index - 2) == w.she || word(index - 2) == w.he, word(index - 3) == w.when,
                matches[sentence.matchFrom..<sentence.matchTo].contains(where: { if case .incident = kind($0) { return true } else { return false } })
            {
                result.append((index, .years(value), 2))  // "In October 2023, when he was 14, Child T was attacked"
            } else if word(index - 1) == w.of, word(index - 2) == w.age, word(index - 3) == w.the {
                if !isGuarded() || word(index - 4) == w.at { result.append((index, .years(value), 2)) }  // "at the age of 34"
            } else if word(index - 1) == w.then, index - 2 >= from, tokens.flags[index - 2] & Tokens.capitalised != 0, commaBetween(index - 2),
                closesApposition(index), !Words.units.contains(unit)
            {
                result.append((index, .years(value), 0))  // "Mr R, then 29, attacked his mother": the age at the time
            } else if word(index - 1) == w.was || word(index - 1) == w.is || (word(index - 1) == w.then && word(index - 2) == w.was) {
                if word(after) == w.at, word(after + 1) == w.the, word(after + 2) == w.time {
                    result.append((index, .years(value), 0))  // "he was 19 at the time"
                } else if word(after) == w.when, (after + 1...after + 3).contains(where: { Words.death.contains(word($0)) }) {
                    result.append((index, .years(value), 0))  // "who was 38 when he died"
                } else if word(index - 1) == w.then {
                    result.append((index, .years(value), 0))  // "who was then 39"
                } else if !isGuarded(), !isReported(), !Words.units.contains(unit) || (unit == w.and && number(at: after + 1, limit: to) == nil)
                    || textByte(at: Int(tokens.ends[index])) == 0x2C, value >= 1
                {
                    // "Carol was 54", "Martin was 58 and is White British"; after a comma the next
                    // word is no unit of the number ("his wife, Jodie, who was 35, in the five years").
                    result.append((index, .years(value), 1))
                }
            }
            index = after
        }
        return result
    }

    /// Whether "at the time" follows the number at token `index` after "and" ("... was 26 when he
    /// moved in and 27 at the time of Lloyd's death").
    /// (`mutating` only so that ``ages(_:first:)``, itself mutating, passes the run without copying it.)
    mutating func isAgeAtTheTime(_ index: Int) -> Bool {
        let w = Words.scalars
        guard index > 0, index + 3 < tokens.count, tokens.hashes[index - 1] == w.and else { return false }
        return tokens.hashes[index + 1] == w.at && tokens.hashes[index + 2] == w.the && tokens.hashes[index + 3] == w.time
    }

    /// Whether the token at `index` stands alone in brackets right after the word before it
    /// ("Rita (44)"): only spaces and "(" between them, ")" right after it. (`mutating`, as is
    /// ``bracketBefore(_:)``, only so that ``ages(_:first:)`` passes the run without copying it.)
    mutating func bracketsAround(_ index: Int) -> Bool {
        guard index > 0, textByte(at: Int(tokens.ends[index])) == 0x29 else { return false }
        return bracketBefore(index)
    }

    /// Whether an opening bracket stands right before the token at `index`, after the word
    /// before it with only spaces between ("Rita (44").
    mutating func bracketBefore(_ index: Int) -> Bool {
        guard index > 0 else { return false }
        var offset = Int(tokens.starts[index]) - 1
        guard textByte(at: offset) == 0x28 else { return false }
        offset -= 1
        while offset >= Int(tokens.ends[index - 1]) {
            guard textByte(at: offset) == 0x20 else { return false }
            offset -= 1
        }
        return true
    }

    /// Whether a comma, a full stop, a semicolon or a closing bracket follows token `index`
    /// directly (or the text ends there): the end of an apposition such as ", 27,".
    func closesApposition(_ index: Int) -> Bool {
        guard let byte = textByte(at: Int(tokens.ends[index])) else { return true }
        return byte == 0x2C || byte == 0x2E || byte == 0x3B || byte == 0x29 || byte == 0x0A
    }

    /// The entity a position in a sentence is about: the nearest mention before it, else after it.
    func entityFor(position: Int, mentions: [Mention], fallback: Int?) -> Int? {
        if let before = mentions.last(where: { $0.end <= position && $0.entity != nil }) { return before.entity }
        if let after = mentions.first(where: { $0.start >= position && $0.entity != nil }) { return after.entity }
        return fallback
    }

    /// Ages and ethnicities stated in a sentence, recorded for the people they are about
    /// (`ethnicity`: whether the sentence has an ethnicity match; when not, its matches are not
    /// looked through).
    mutating func demographics(_ sentence: SentenceSpan, _ slice: UnsafeBufferPointer<Match>, mentions: [Mention], fallback: Int?, ethnicity: Bool) {
        // An age is recorded only for a person the sentence mentions (``recordAges(_:mentions:)``
        // finds nobody else), and only a principal's age (the victim's or a perpetrator's) is ever
        // read: the result lists principals only, and whether the victim is a child is the
        // victim's. A sentence that mentions no principal ("her mother was 19") is not searched
        // for ages: what it would record for a relative nobody reads.
        // Most sentences hold no number: no call of `ages` (which copied the run) for them.
        if mentions.contains(where: { mention in mention.entity.map { people.entities[$0].role != .other } ?? false }) {
            let firstCandidate = TaggingRun.firstAgeCandidate(
                tokens, from: sentence.tokenFrom, to: sentence.tokenTo, table: compiled.ageCandidateTable, context: compiled.ageContextTable)
            // (No list, not even an empty one, released for a sentence without a candidate.)
            if firstCandidate < sentence.tokenTo {
                recordAges(ages(sentence, first: firstCandidate), mentions: mentions)
            }
        }
        guard ethnicity else { return }
        for match in slice {
            guard compiled.isEthnicity[Int(match.pattern)], case .ethnicity(let group) = kind(match) else { continue }
            if bothPrincipals(before: Int(match.start), sentence, mentions: mentions, group: group) { continue }
            guard let entity = entityFor(position: Int(match.start), mentions: mentions, fallback: nil) else {
                // "The family are British Pakistani": the victim's family, and the perpetrator's
                // when the perpetrator is family.
                if (sentence.tokenFrom..<Int(match.start)).contains(where: { Words.family.contains(tokens.hashes[$0]) }) {
                    if people.entities[PeopleModel.victim].ethnicity == nil { people.entities[PeopleModel.victim].ethnicity = group }
                    if let relation = people.perpetratorRelation, Words.familyRelations.contains(relation),
                        people.entities[PeopleModel.perpetrator].ethnicity == nil
                    {
                        people.entities[PeopleModel.perpetrator].ethnicity = group
                    }
                }
                continue
            }
            if people.entities[entity].ethnicity == nil { people.entities[entity].ethnicity = group }
        }
    }

    /// Records the ages ``ages(_:first:)`` found in a sentence for the people they are about.
    mutating func recordAges(_ stated: [(Int, Age, Int)], mentions: [Mention]) {
        for (position, age, priority) in stated {
            // "with a man of 31, referred to as Adult X": the age of the person named right after.
            var forward: Int?
            if position >= 2, tokens.hashes[position - 1] == Words.of, Words.personNouns.contains(tokens.hashes[position - 2]) {
                forward = mentions.first { $0.start > position && $0.start - position <= 7 && $0.entity != nil && $0.kind == .name }?.entity
            }
            // "Dean, who is not Teddy's father, was 23": the age of the name whose relative clause
            // closes with the comma before "was", not of the relative the clause names.
            if forward == nil { forward = subjectOfClosedRelativeClause(before: position, mentions: mentions) }
            guard let entity = forward ?? entityFor(position: position, mentions: mentions, fallback: nil) else { continue }
            if priority == Self.childRolePriority {
                // "was a toddler": no age, but the victim is a child.
                if entity == PeopleModel.victim { people.victimIsChild = true }
                continue
            }
            if priority == 1, age == .years(0), entity == PeopleModel.victim { people.victimIsChild = true }
            let recorded = agePriority[entity] ?? 3
            if people.entities[entity].age == nil || (priority < recorded && recorded > 1) {
                people.entities[entity].age = age
                agePriority[entity] = priority
            } else if priority <= 1, recorded <= 1, case .years(let new) = age, case .years(let old)? = people.entities[entity].age, new > old {
                // Two explicit ages ("Shilan was 23", "a 14-year-old girl who said her father had
                // beaten her"): the later in life, which is the age at the death (the other is an
                // earlier event's).
                people.entities[entity].age = age
                agePriority[entity] = min(priority, recorded)
            }
        }
    }

    /// For an age at token `position` right after "was" or "is" and a comma: the person named
    /// before a "who" clause that the comma closes ("Dean, who is not Teddy's father, was 23"),
    /// at most 14 words back; nil otherwise.
    func subjectOfClosedRelativeClause(before position: Int, mentions: [Mention]) -> Int? {
        let verb = position - 1
        guard verb >= 1, tokens.hashes[verb] == Words.was || tokens.hashes[verb] == Words.isWord, commaBetween(verb - 1) else { return nil }
        guard let named = mentions.last(where: { mention in
            mention.kind == .name && mention.entity != nil && mention.end < verb && verb - mention.end <= 14
                && mention.end < tokens.count && tokens.hashes[mention.end] == Words.who
        }) else { return nil }
        return named.entity
    }

    /// "Both men were white British", "Ann and Joe were both of Black Caribbean heritage": when
    /// "both" stands before the group and the sentence names nobody but the victim and the
    /// perpetrator before it (no relative: "both her parents"), the group is each principal's it
    /// names, or both known principals' when it names none. Returns whether it applied.
    mutating func bothPrincipals(before position: Int, _ sentence: SentenceSpan, mentions: [Mention], group: Ethnicity) -> Bool {
        let both = (sentence.tokenFrom..<position).contains(where: { tokens.hashes[$0] == Words.both })
        // Without "both": "Ms Q and Mrs Q are Black British" (principals joined by "and" right
        // before "are" or "were").
        if !both {
            guard position - 1 > sentence.tokenFrom, Words.areWere.contains(tokens.hashes[position - 1]),
                (sentence.tokenFrom..<position).contains(where: { tokens.hashes[$0] == Words.and })
            else { return false }
        }
        var named: Set<Int> = []
        for mention in mentions where mention.end <= position {
            if mention.kind == .kin { return false }
            guard let entity = mention.entity else { continue }
            // The victim, the perpetrator, or a further victim or perpetrator.
            if entity > PeopleModel.perpetrator, people.entities[entity].subject == nil { return false }
            named.insert(entity)
        }
        if !both, named.count < 2 { return false }
        // "Both children are of mixed heritage" (a child role: the victims) names one.
        if named.isEmpty { named = [PeopleModel.victim, PeopleModel.perpetrator] }
        for entity in named.sorted() {
            let person = people.entities[entity]
            guard person.mentioned || person.name != nil || person.age != nil else { continue }
            if person.ethnicity == nil { people.entities[entity].ethnicity = group }
        }
        return true
    }

    // MARK: - Finishing

    /// Whether the evidence is in ascending order of start (ties allowed).
    static func isOrderedByStart(_ list: [Evidence]) -> Bool {
        var index = 1
        while index < list.count {
            if list[index].range.start < list[index - 1].range.start { return false }
            index += 1
        }
        return true
    }

    /// Tag keys in `TagKey` order (`<`: tag description, then subject), each description built
    /// once instead of twice per comparison.
    static func sortedKeys<S: Sequence>(_ keys: S) -> [TagKey] where S.Element == TagKey {
        sortedByKey(Array(keys), key: \.self)
    }

    /// Elements with distinct keys in `TagKey` order of their keys (the order `<` gives): by
    /// tag description (`facet/id`), then subject. The descriptions are written once into one
    /// byte buffer and compared there byte by byte (building a `String` per key and comparing
    /// strings cost more than the rest of the finishing steps); for ASCII descriptions that is
    /// the order `String.<` gives. A key with another character falls back to the strings.
    static func sortedByKey<Element>(_ elements: [Element], key: (Element) -> TagKey) -> [Element] {
        guard elements.count > 1 else { return elements }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.count * 32)
        var spans: [(start: Int, count: Int, subject: Int, index: Int)] = []
        spans.reserveCapacity(elements.count)
        for index in elements.indices {
            let tagKey = key(elements[index])
            let start = bytes.count
            bytes.append(contentsOf: tagKey.tag.facet.utf8)
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: tagKey.tag.id.utf8)
            spans.append((start, bytes.count - start, subjectRank(tagKey.subject), index))
        }
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return sortedByDescription(elements, key: key) }
        bytes.withUnsafeBufferPointer { bytes in
            spans.sort { a, b in
                let common = min(a.count, b.count)
                var offset = 0
                while offset < common {
                    let left = bytes[a.start &+ offset]
                    let right = bytes[b.start &+ offset]
                    if left != right { return left < right }
                    offset &+= 1
                }
                if a.count != b.count { return a.count < b.count }
                return a.subject < b.subject
            }
        }
        return spans.map { elements[$0.index] }
    }

    /// The rank of a subject in `TagKey` order (none sorts as unknown).
    @inline(__always)
    private static func subjectRank(_ subject: Subject?) -> Int {
        switch subject ?? .unknown {
        case .victim: 0
        case .perpetrator: 1
        case .unknown: 2
        }
    }

    /// ``sortedByKey(_:key:)`` by the description strings, each built once.
    private static func sortedByDescription<Element>(_ elements: [Element], key: (Element) -> TagKey) -> [Element] {
        let decorated: [(description: String, subject: Int, index: Int)] = elements.indices.map { index in
            let tagKey = key(elements[index])
            return (tagKey.tag.description, subjectRank(tagKey.subject), index)
        }
        let order = decorated.sorted { a, b in
            if a.description != b.description { return a.description < b.description }
            return a.subject < b.subject
        }
        return order.map { elements[$0.index] }
    }

    mutating func finish() -> TaggingResult {
        let victim = people.entities[PeopleModel.victim]
        if let age = victim.age, age.upperBound < 18 { people.victimIsChild = true }
        // One relationship type: the perpetrator's stated relation, else the best-supported one.
        if let best = bestRelation() {
            // (A partner's evidence stands for a young child's parent's partner: see ``bestRelation()``.)
            if best == "partner-of-parent", evidence[TagKey(tag: TagID(facet: "relationship-type", id: best), subject: nil)] == nil {
                let partner = evidence.keys.filter { $0.tag.facet == "relationship-type" && ($0.tag.id == "partner" || $0.tag.id == "ex-partner") }
                    .max { (evidence[$0]?.count ?? 0) < (evidence[$1]?.count ?? 0) }
                if let partner { evidence[TagKey(tag: TagID(facet: "relationship-type", id: best), subject: nil)] = evidence[partner] }
            }
            for key in evidence.keys where key.tag.facet == "relationship-type" && key.tag.id != best { evidence[key] = nil }
            if evidence[TagKey(tag: TagID(facet: "relationship-type", id: best), subject: nil)] == nil,
                let source = people.perpetratorRelationEvidence
            {
                evidence[TagKey(tag: TagID(facet: "relationship-type", id: best), subject: nil)] = [makeEvidence("kin/\(best)", source)]
            }
        }
        keepPrimaryIncidentTags()
        if people.victimIsChild { childVictimRelationship() } else { abusiveRelationship() }
        // Perpetrating domestic abuse is the perpetrator's characteristic when the review has one.
        let misattributed = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "domestic-abuse-perpetrator"), subject: .victim)
        if let items = evidence[misattributed], people.entities[PeopleModel.perpetrator].mentioned {
            let target = TagKey(tag: misattributed.tag, subject: .perpetrator)
            evidence[target, default: []].append(contentsOf: items.filter { item in !(evidence[target] ?? []).contains { $0.range == item.range } })
            evidence[misattributed] = nil
        }
        if let age = people.entities[PeopleModel.victim].age, age.upperBound < 12 { youngChildVictim() }
        if !people.victimIsChild { adultAbuseFromRelationship() }
        let (category, reason) = decideCategory()
        var suggestions: [Suggestion] = []
        for (key, list) in evidence {
            // Usually in order already (the sweep goes forward): no copy then (a stable sort keeps it as is).
            let sorted = TaggingRun.isOrderedByStart(list) ? list : list.sorted { $0.range.start < $1.range.start }
            var confidence = min(0.95, 0.55 + 0.1 * Double(sorted.count))
            if key.subject == .unknown { confidence *= 0.7 }
            suggestions.append(Suggestion(key: key, confidence: (confidence * 100).rounded() / 100, evidence: sorted))
        }
        // In `TagKey` order, each key's description built once (`TagID.<` builds two per comparison).
        suggestions = TaggingRun.sortedByKey(suggestions, key: \.key)
        var persons: [Person] = []
        for (index, entity) in people.entities.enumerated() {
            guard let subject = entity.subject else { continue }
            guard index <= PeopleModel.perpetrator || entity.name != nil else { continue }
            guard entity.mentioned || entity.name != nil || entity.age != nil || entity.ethnicity != nil else { continue }
            persons.append(Person(subject: subject, name: entity.name, gender: entity.gender, age: entity.age, ethnicity: entity.ethnicity))
        }
        return TaggingResult(
            document: document.name, reviewType: reviewType, category: category, categoryReason: reason,
            suggestions: suggestions, people: persons, suppressed: suppressed)
    }

    /// A review describes one incident: one location, and one method of harm (physical
    /// assault alongside a blunt object or alone). The best-supported tag (most evidence,
    /// then earliest) is kept; the others stay visible as suppressed matches.
    mutating func keepPrimaryIncidentTags() {
        func best(_ keys: [TagKey]) -> TagKey? {
            keys.max { a, b in
                let left = evidence[a] ?? []
                let right = evidence[b] ?? []
                if left.count != right.count { return left.count < right.count }
                let leftStart = left.first?.range.start ?? 0
                let rightStart = right.first?.range.start ?? 0
                if leftStart != rightStart { return leftStart > rightStart }
                return a > b
            }
        }
        func earliest(_ keys: [TagKey]) -> TagKey? {
            keys.min { a, b in
                let leftStart = evidence[a]?.first?.range.start ?? Int.max
                let rightStart = evidence[b]?.first?.range.start ?? Int.max
                if leftStart != rightStart { return leftStart < rightStart }
                return a < b
            }
        }
        func drop(_ key: TagKey, _ why: String) {
            for item in evidence[key] ?? [] where keepSuppressed {
                suppressed.append(SuppressedMatch(tag: key.tag, evidence: item, reason: .excluded, trigger: why))
            }
            evidence[key] = nil
        }
        // A death another person caused is not a death from illness, accident or overdose;
        // nor is a suicide ("was found dead at home" after "she took her own life").
        if evidence[TagKey(tag: TagID(facet: "outcome", id: "homicide"), subject: nil)] != nil {
            drop(TagKey(tag: TagID(facet: "outcome", id: "other-death"), subject: nil), "the victim was killed")
        } else if evidence[TagKey(tag: TagID(facet: "outcome", id: "suicide"), subject: nil)] != nil {
            drop(TagKey(tag: TagID(facet: "outcome", id: "other-death"), subject: nil), "the victim took their own life")
            // Blows told in a review of a suicide were the abuse before it, never its method.
            drop(TagKey(tag: TagID(facet: "weapon", id: "physical-assault"), subject: nil), "the victim took their own life")
        }
        let locations = evidence.keys.filter { $0.tag.facet == "location" }.sorted()
        if let keep = best(Array(locations)) {
            for key in locations where key != keep { drop(key, "another location is better supported") }
        }
        let methods = evidence.keys.filter { $0.tag.facet == "weapon" && $0.tag.id != "physical-assault" }.sorted()
        let primary = earliest(Array(methods))
        if let primary {
            for key in methods where key != primary { drop(key, "another method is better supported") }
            // Blows come with a blunt object, and before a fall ("punched him in the face and he
            // fell down the stairs"); a knife, a firearm, fire or a ligature is the method alone.
            if primary.tag.id != "blunt-object", primary.tag.id != "fall" {
                drop(TagKey(tag: TagID(facet: "weapon", id: "physical-assault"), subject: nil), "a weapon was used")
            }
        }
    }

    /// For a child victim the adult-relationship dynamics (domestic abuse, coercive control,
    /// separation) are about the adults around the child, not between child and perpetrator:
    /// they are dropped, and a perpetrator's abuse of the other parent is violence to others.
    /// Sexual abuse by someone outside the family is the exception for control and stalking:
    /// a groomer's control of the child ("told her what to wear", "checked her location") and
    /// his following her are the abuse itself.
    mutating func childVictimRelationship() {
        var adultOnly: Set<String> = ["domestic-abuse", "strain-or-separation", "financial-abuse", "carer", "stalking", "coercive-control"]
        let sexual = evidence.keys.contains { $0.tag.facet == "relationship" && $0.tag.id == "sexual-abuse" }
        let familyOrPartner: Set<String> = ["parent", "partner-of-parent", "sibling", "other-family", "partner", "ex-partner"]
        if sexual, !(bestRelation().map { familyOrPartner.contains($0) } ?? false) {
            adultOnly.subtract(["stalking", "coercive-control"])
        }
        var abuseOfOthers: [Evidence] = []
        for key in TaggingRun.sortedKeys(evidence.keys.filter { $0.tag.facet == "relationship" && adultOnly.contains($0.tag.id) }) {
            let items = evidence[key] ?? []
            if key.tag.id == "domestic-abuse" || key.tag.id == "coercive-control" { abuseOfOthers.append(contentsOf: items) }
            for item in items where keepSuppressed {
                suppressed.append(SuppressedMatch(tag: key.tag, evidence: item, reason: .thirdParty, trigger: "between the adults around a child victim"))
            }
            evidence[key] = nil
        }
        let perpetratorAbuse = evidence[TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "domestic-abuse-perpetrator"), subject: .perpetrator)] ?? []
        let others = TagKey(tag: TagID(facet: "escalation", id: "violence-to-others"), subject: nil)
        // The adults' domestic abuse is the perpetrator's violence to others only when the
        // perpetrator is one of those adults (a parent or a parent's partner); a youth or a groomer
        // outside the household had no part in it ("his mother was abused by his father").
        let householdAdult = bestRelation().map { $0 == "parent" || $0 == "partner-of-parent" } ?? false
        let sample = Array((perpetratorAbuse + (householdAdult ? abuseOfOthers : [])).sorted { $0.range.start < $1.range.start }.prefix(3))
        if !sample.isEmpty, evidence[others] == nil { evidence[others] = sample }
        // A child living with domestic abuse experiences it.
        let living = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "experiencing-domestic-abuse"), subject: .victim)
        if !abuseOfOthers.isEmpty, evidence[living] == nil { evidence[living] = Array(abuseOfOthers.sorted { $0.range.start < $1.range.start }.prefix(2)) }
        // A child physically abused or neglected by a parent figure or relative experienced
        // abuse or neglect as a child.
        let family: Set<String> = ["parent", "partner-of-parent", "sibling", "other-family"]
        if let relation = bestRelation(), family.contains(relation) {
            var abuse: [Evidence] = []
            for id in ["physical-abuse", "neglect"] { abuse.append(contentsOf: evidence[TagKey(tag: TagID(facet: "relationship", id: id), subject: nil)] ?? []) }
            let childhood = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "childhood-abuse-neglect"), subject: .victim)
            if !abuse.isEmpty, evidence[childhood] == nil { evidence[childhood] = Array(abuse.sorted { $0.range.start < $1.range.start }.prefix(2)) }
        }
    }

    /// Domestic abuse, coercive control or physical abuse between an adult victim and the
    /// perpetrator means the victim experienced domestic abuse and the perpetrator perpetrated it.
    mutating func abusiveRelationship() {
        // Domestic only between partners or family members.
        let domestic: Set<String> = ["partner", "ex-partner", "adult-child", "parent", "sibling", "other-family", "partner-of-parent"]
        guard let relation = bestRelation(), domestic.contains(relation) else { return }
        // Physical abuse alone is domestic abuse between partners; between other family members
        // (an adult child and an older parent) the review has to name it.
        let kinds = relation == "partner" || relation == "ex-partner" ? ["domestic-abuse", "coercive-control", "physical-abuse"] : ["domestic-abuse", "coercive-control"]
        var found: [Evidence] = []
        for id in kinds { found.append(contentsOf: evidence[TagKey(tag: TagID(facet: "relationship", id: id), subject: nil)] ?? []) }
        guard !found.isEmpty, people.entities[PeopleModel.victim].subject != nil else { return }
        let sample = Array(found.sorted { $0.range.start < $1.range.start }.prefix(2))
        for (id, subject) in [("experiencing-domestic-abuse", Subject.victim), ("domestic-abuse-perpetrator", Subject.perpetrator)] {
            let key = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: id), subject: subject)
            if evidence[key] == nil { evidence[key] = sample }
        }
    }

    /// A young child does not misuse drugs, hold convictions or lose a job: an adult's
    /// characteristic that attribution gave to a victim under 12 belongs to the perpetrator
    /// (the adult the clause is about), and, when the perpetrator is a parent, the child-victim
    /// tags follow.
    mutating func youngChildVictim() {
        let adultOnly: Set<String> = [
            "substance-misuse", "alcohol-misuse", "unemployment", "history-of-offending", "history-of-violence",
            "domestic-abuse-perpetrator", "financial-difficulties", "homelessness", "medication-non-compliance",
            "caring-responsibilities", "mental-health", "gang-involvement", "english-additional-language", "insecure-immigration",
        ]
        for key in TaggingRun.sortedKeys(evidence.keys.filter { $0.subject == .victim && adultOnly.contains($0.tag.id) }) {
            let moved = TagKey(tag: key.tag, subject: .perpetrator)
            evidence[moved, default: []].append(contentsOf: evidence[key] ?? [])
            evidence[key] = nil
        }
        guard people.perpetratorRelation == "parent" || people.perpetratorRelation == "partner-of-parent" else { return }
        let conversions = ["mental-health": "parental-mental-health", "alcohol-misuse": "household-substance-misuse", "substance-misuse": "household-substance-misuse"]
        for (from, to) in conversions.sorted(by: { $0.key < $1.key }) {
            guard let items = evidence[TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: from), subject: .perpetrator)] else { continue }
            let target = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: to), subject: .victim)
            for item in items where !(evidence[target] ?? []).contains(where: { $0.range == item.range }) {
                evidence[target, default: []].append(item)
            }
        }
    }

    /// An adult victim neglected, or abused by someone who is no partner, or abused in a
    /// review of an adult with care and support needs (an SAR): the victim experienced abuse or
    /// neglect as an adult, on the evidence of the relationship tag.
    mutating func adultAbuseFromRelationship() {
        let target = TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "adult-abuse-neglect"), subject: .victim)
        func relationship(_ id: String) -> [Evidence]? { evidence[TagKey(tag: TagID(facet: "relationship", id: id), subject: nil)] }
        let partner = bestRelation().map { $0 == "partner" || $0 == "ex-partner" } ?? false
        var source = relationship("neglect")
        if source == nil, !partner { source = relationship("financial-abuse") }
        if source == nil, reviewType?.id == "sar" {
            source = relationship("physical-abuse") ?? relationship("financial-abuse") ?? relationship("emotional-abuse") ?? relationship("sexual-abuse")
        }
        guard let source else { return }
        for item in source where !(evidence[target] ?? []).contains(where: { $0.range == item.range }) {
            evidence[target, default: []].append(item)
        }
    }

    /// The perpetrator's relation to the victim: stated links first, else the best-supported type.
    func bestRelation() -> String? {
        var scores = relationCounts
        if let stated = people.perpetratorRelation { scores[stated, default: 0] += 5 }
        let best = scores.filter { $0.value > 0 && Taxonomy.ids(of: "relationship-type").contains($0.key) }
            .max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        // A young child has no partner: "his mother and her partner, Mr P" around a child under
        // 13 is the mother's partner (a teenager's boyfriend may be her own).
        if best == "partner" || best == "ex-partner", let age = people.entities[PeopleModel.victim].age, age.upperBound < 13 {
            return "partner-of-parent"
        }
        return best
    }

    /// One category from explicit statements, the relationship type, ages and the review type.
    func decideCategory() -> (CategorySuggestion?, String?) {
        var scores = categoryScores
        var reasons = categoryEvidence
        let victimAge = people.entities[PeopleModel.victim].age
        let perpetratorAge = people.entities[PeopleModel.perpetrator].age
        let child = people.victimIsChild || (victimAge.map { $0.upperBound < 18 } ?? false)
        let young = victimAge.map { $0.upperBound <= 25 } ?? false
        let relation = bestRelation()
        func add(_ id: String, _ score: Double, _ why: String) {
            scores[id, default: 0] += score
            reasons[id, default: []].append(why)
        }
        let sexual = evidence.keys.contains { $0.tag.id == "sexual-abuse" || $0.tag.id == "sexual-exploitation" }
        if let relation {
            let why = "relationship type: \(relation)"
            switch relation {
            case "partner", "ex-partner":
                // A child has no partner: a partner seen around a child victim is a parent's partner.
                if child {
                    add("within-family-violence-towards-children", 3, "\(why) around a child victim: a parent's partner")
                } else {
                    add("intimate-partner-violence", 3, why)
                }
            case "adult-child", "sibling", "other-family":
                add(child ? "within-family-violence-towards-children" : "adult-family-violence", 3, why)
            case "parent", "partner-of-parent":
                add(child ? "within-family-violence-towards-children" : "adult-family-violence", 3, why)
            case "foster-carer": add(sexual ? "child-sexual-abuse" : "within-family-violence-towards-children", 3, why)
            case "acquaintance", "stranger":
                if child && sexual {
                    add("child-sexual-abuse", 3, why)
                } else {
                    add(young || child ? "youth-peer-violence" : "adult-peer-violence", 2, why)
                }
            default: break
            }
        }
        let perpetratorName = people.entities[PeopleModel.perpetrator].name?.lowercased() ?? ""
        let youngPerpetrator = perpetratorName.hasPrefix("young person") || perpetratorName.hasPrefix("young adult")
            || (perpetratorAge.map { $0.upperBound <= 25 } ?? false)
        if youngPerpetrator, (victimAge.map { $0.lowerBound >= 10 && $0.upperBound <= 25 } ?? child), !(relation.map { ["parent", "partner-of-parent", "sibling", "other-family", "foster-carer"].contains($0) } ?? false) {
            add(sexual && child ? "child-sexual-abuse" : "youth-peer-violence", 3, "young perpetrator")
        }
        if let victimAge {
            if victimAge.upperBound < 18 {
                add("within-family-violence-towards-children", 0.5, "victim aged \(victimAge)")
                add("youth-peer-violence", victimAge.lowerBound >= 10 ? 0.5 : 0, "victim aged \(victimAge)")
            } else if victimAge.upperBound <= 25, (perpetratorAge?.upperBound ?? 99) <= 25 {
                add("youth-peer-violence", 1, "victim aged \(victimAge), perpetrator aged \(perpetratorAge!)")
            }
        }
        let familyRelation = relation.map { ["partner", "ex-partner", "parent", "partner-of-parent", "sibling", "other-family", "adult-child", "foster-carer"].contains($0) } ?? false
        if child || young, !familyRelation, let cue = youngPeerGroupCue() {
            // "stabbed by three other boys", "attacked by a group of teenagers".
            add(sexual && child ? "child-sexual-abuse" : "youth-peer-violence", 3, "harmed by other young people: \(cue)")
        }
        switch reviewType?.id {
        case "dhr" where !child: add("intimate-partner-violence", 1, "review type: DHR")
        case "scr": add(sexual ? "child-sexual-abuse" : "within-family-violence-towards-children", 1, "review type: SCR/CSPR")
        case "sar" where !child: add("adult-peer-violence", 0.5, "review type: SAR")
        default: break
        }
        if child {
            // A child victim is never in an adult category, whatever a phrase said.
            for adult in ["intimate-partner-violence", "adult-family-violence", "adult-peer-violence"] { scores[adult] = nil }
        }
        let total = scores.values.reduce(0, +)
        guard let best = scores.max(by: { $0.value < $1.value || ($0.value == $1.value && Taxonomy.categoryOrder.firstIndex(of: $0.key)! > Taxonomy.categoryOrder.firstIndex(of: $1.key)!) }),
            best.value > 0
        else {
            return (nil, "no relationship type, ages, explicit statement or review type decided a category")
        }
        let confidence = min(0.95, (best.value / max(total, 1)) * min(1, best.value / 3))
        var why: [String] = []
        for reason in reasons[best.key] ?? [] where !why.contains(reason) { why.append(reason) }
        return (CategorySuggestion(id: best.key, confidence: (confidence * 100).rounded() / 100, evidence: Array(why.prefix(5))), nil)
    }
}
