import ReviewModel

/// Finds a document's title, review type, publication date and commissioning area from its
/// title and first blocks.
///
/// Review types, in the order they are tried on each text (the title first, then headings,
/// then the first paragraphs): Domestic Homicide Review / Domestic Abuse Related Death Review
/// → `dhr`; Serious Case Review, (Local) Child Safeguarding Practice Review → `scr`;
/// Safeguarding Adult(s) Review → `sar`; Independent Investigation, Mental Health Homicide
/// Review → `iir`; Offensive Weapons Homicide Review, Learning Review, Thematic Review, Lessons
/// Learned Review → `other`. Wales's Child and Adult Practice Reviews and Single Unified
/// Safeguarding Reviews, Scotland's Significant Case Reviews and Northern Ireland's Case
/// Management Reviews too; a serious or significant case review "(Adults)" or "adult" is `sar`,
/// as is one whose title names its subject "Adult ..." ("Serious Case Review: Adult B").
/// The evidence is the title, heading or sentence that names the type.
enum MetadataDetector {
    private static let reviewTypes: [(phrase: String, id: String)] = [
        ("domestic homicide review", "dhr"),
        ("domestic abuse related death review", "dhr"),
        ("domestic violence homicide review", "dhr"),
        ("local child safeguarding practice review", "scr"),
        ("child safeguarding practice review", "scr"),
        // Adult serious case reviews came before the Care Act's SARs (and Scotland's adult
        // significant case reviews are theirs): the word "adult" with the phrase makes one.
        ("adult serious case review", "sar"),
        ("serious case review (adult", "sar"),
        ("adult significant case review", "sar"),
        ("significant case review (adult", "sar"),
        ("serious case review", "scr"),
        ("significant case review", "scr"),
        ("case management review", "scr"),
        ("child practice review", "scr"),
        ("adult practice review", "sar"),
        ("single unified safeguarding review", "other"),
        ("safeguarding adults review", "sar"),
        ("safeguarding adult review", "sar"),
        ("mental health homicide review", "iir"),
        ("independent investigation into the care and treatment", "iir"),
        ("independent investigation", "iir"),
        ("independent mental health investigation", "iir"),
        ("domestic homicide and suicide review", "dhr"),
        ("offensive weapons homicide review", "other"),
        ("learning review", "other"),
        ("thematic review", "other"),
        ("lessons learned review", "other"),
        ("learning lessons review", "other"),
    ]

    private static let reviewTypeBytes: [(phrase: [UInt8], id: String)] = reviewTypes.map { (Array($0.phrase.utf8), $0.id) }

    /// ": adult " in a lower-cased title ("Serious Case Review: Adult B").
    private static let adultPseudonym: [UInt8] = Array(": adult ".utf8)

    /// Acronyms that name a type when they stand alone as a word in a title or heading.
    private static let acronyms: [(word: String, id: String)] = [
        ("dhr", "dhr"), ("scr", "scr"), ("cspr", "scr"), ("lcspr", "scr"), ("sar", "sar"),
    ]

    static func detect(_ document: inout ReviewDocument) {
        var metadata = document.metadata
        let blocks = document.blocks
        func text(_ index: Int) -> String { document.text(of: blocks[index]) }
        if metadata.title == nil || metadata.title!.isEmpty {
            if let heading = blocks.firstIndex(where: { $0.kind == .heading && ($0.level ?? 1) <= 2 }) ?? blocks.firstIndex(where: { $0.kind == .heading }), heading < 40 {
                metadata.title = text(heading)
            } else if !blocks.isEmpty {
                metadata.title = String(text(0).prefix(200))
            }
        }
        // Review type: title, then headings, then the opening paragraphs (the blocks listed,
        // their texts made one by one: the title usually decides).
        var candidateBlocks: [Int] = []
        var headings = 0
        for index in blocks.indices where blocks[index].kind == .heading {
            candidateBlocks.append(index)
            headings += 1
            if headings >= 60 { break }
        }
        let headingBlocks = candidateBlocks.count
        for index in blocks.indices.prefix(40) where blocks[index].kind != .heading {
            candidateBlocks.append(index)
        }
        let title = metadata.title
        let titles = title == nil ? 0 : 1
        let headingCount = titles + headingBlocks
        outer: for position in 0..<(titles + candidateBlocks.count) {
            let candidate = position < titles ? title! : text(candidateBlocks[position - titles])
            let lowered = ByteClass.lowercased(candidate)
            for (phrase, id) in reviewTypeBytes where ByteClass.contains(lowered, phrase) {
                // "Serious Case Review: Adult B" (the subject an adult's pseudonym) in a title.
                let adultSubject = id == "scr" && position == 0 && ByteClass.contains(lowered, adultPseudonym)
                metadata.reviewType = ReviewTypeDetection(
                    id: adultSubject ? "sar" : id, evidence: evidence(candidate, phrase: String(decoding: phrase, as: UTF8.self)))
                break outer
            }
            if position < headingCount {
                let words = Set(lowered.split { !ByteClass.isASCIILetter($0) })
                for (word, id) in acronyms where words.contains(ArraySlice(word.utf8)) {
                    metadata.reviewType = ReviewTypeDetection(id: id, evidence: evidence(candidate, phrase: word))
                    break outer
                }
            }
        }
        // Date and area: only the front matter (before the second major heading, at most 25 blocks).
        var front: [String] = []
        var majorHeadings = 0
        for block in blocks.prefix(25) {
            if block.kind == .heading, (block.level ?? 1) <= 2 {
                majorHeadings += 1
                if majorHeadings >= 3 { break }
            }
            front.append(document.text(of: block))
        }
        if let title = metadata.title { front.insert(title, at: 0) }
        metadata.publicationDate = publicationDate(front)
        metadata.area = area(front)
        document.metadata = metadata
    }

    /// The candidate itself when short, else the sentence around the phrase (at most 200 characters).
    private static func evidence(_ candidate: String, phrase: String) -> String {
        if candidate.utf8.count <= 200 { return candidate }
        let lowered = candidate.lowercased()
        guard let found = lowered.range(of: phrase) else { return String(candidate.prefix(200)) }
        let offset = lowered.distance(from: lowered.startIndex, to: found.lowerBound)
        let start = max(0, offset - 80)
        let slice = candidate.dropFirst(start).prefix(200)
        return String(slice)
    }

    private static let monthBytes = months.map { Array($0.utf8) }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]

    private static let dateKeywords = ["publish", "date", "final", "complet", "issued", "version"].map { Array($0.utf8) }

    /// "Published: 12 March 2021", "Date of publication: March 2021", or a month and year on
    /// the title page: in the first text that names a date and a date keyword, else the first
    /// text that names a date, the first date it names.
    /// (`byBytes` false reads every text with a month through the `String` word loop, for the
    /// tests that compare; true reads printable ASCII texts, nearly all, by bytes.)
    static func publicationDate(_ texts: [String], byBytes: Bool = true) -> String? {
        var fallback: String?
        for text in texts {
            // Cheap tests first: most texts name no month at all.
            let loweredBytes = ByteClass.lowercased(text)
            guard monthBytes.contains(where: { ByteClass.contains(loweredBytes, $0) }) else { continue }
            let date: String?
            if byBytes, isPrintableASCII(loweredBytes) {
                date = firstDate(ascii: Array(text.utf8), lowered: loweredBytes)
            } else {
                date = firstDate(words: text)
            }
            guard let date else { continue }
            if dateKeywords.contains(where: { ByteClass.contains(loweredBytes, $0) }) { return date }
            if fallback == nil { fallback = date }
        }
        return fallback
    }

    /// The first date a text names: a word that is a month (trimmed of `.:;`, any case)
    /// followed by a word of four characters (trimmed of `.:;)`) that is a year from 1981 to
    /// 2099, words being split at spaces and commas; with the word before it when that is a day
    /// (at most four characters whose digits make 1 to 31).
    static func firstDate(words text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," })
        for (index, word) in words.enumerated() {
            let lowered = word.lowercased().trimming(".:;")
            guard months.contains(lowered), index + 1 < words.count else { continue }
            let yearWord = words[index + 1].trimming(".:;)")
            guard yearWord.count == 4, let year = Int(yearWord), year > 1980, year < 2100 else { continue }
            let date = "\(word.trimming(".:;")) \(yearWord)"
            if index > 0, let day = Int(words[index - 1].filter(\.isNumber)), day >= 1, day <= 31, words[index - 1].count <= 4 {
                return "\(words[index - 1]) \(date)"
            }
            return date
        }
        return nil
    }

    /// Whether every byte is printable ASCII (so that each is a `Character` of its own).
    static func isPrintableASCII(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// ``firstDate(words:)`` of a printable ASCII text (`text`, and `lowered` its bytes
    /// lower-cased), by bytes: each byte is a `Character`, and `Int` reads four characters as
    /// a year from 1981 to 2099 only when they are four digits. Builds no string per word.
    static func firstDate(ascii text: [UInt8], lowered: [UInt8]) -> String? {
        // The words' ranges: runs between spaces and commas.
        var words: [Range<Int>] = []
        var start = -1
        for index in 0...lowered.count {
            let separator = index == lowered.count || lowered[index] == 0x20 || lowered[index] == 0x2C
            if separator {
                if start >= 0 { words.append(start..<index) }
                start = -1
            } else if start < 0 {
                start = index
            }
        }
        /// The word without leading and trailing bytes of `set`.
        func trimmed(_ word: Range<Int>, _ set: StaticString) -> Range<Int> {
            func isTrimmed(_ byte: UInt8) -> Bool {
                set.withUTF8Buffer { $0.contains(byte) }
            }
            var lower = word.lowerBound
            var upper = word.upperBound
            while lower < upper, isTrimmed(lowered[lower]) { lower += 1 }
            while upper > lower, isTrimmed(lowered[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        for index in 0..<max(0, words.count - 1) {
            let month = trimmed(words[index], ".:;")
            guard monthBytes.contains(where: { $0.elementsEqual(lowered[month]) }) else { continue }
            let year = trimmed(words[index + 1], ".:;)")
            guard year.count == 4, lowered[year].allSatisfy(ByteClass.isDigit) else { continue }
            let value = lowered[year].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard value > 1980, value < 2100 else { continue }
            var date = Array(text[month])
            date.append(0x20)
            date.append(contentsOf: text[year])
            if index > 0 {
                let before = words[index - 1]
                let digits = text[before].filter(ByteClass.isDigit)
                if before.count <= 4, !digits.isEmpty {
                    let day = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                    if day >= 1, day <= 31 { date = Array(text[before]) + [0x20] + date }
                }
            }
            return String(decoding: date, as: UTF8.self)
        }
        return nil
    }

    private static let bodies = [
        "community safety partnership", "safeguarding adults board", "safeguarding adult board",
        "safeguarding children partnership", "safeguarding children board", "safeguarding children's partnership",
        "safeguarding partnership", "safeguarding board", "safer communities partnership", "integrated care board",
        "nhs england", "health board", "borough council", "county council", "city council", "district council",
    ]

    /// The UTF-8 bytes of ``bodies``, made once.
    private static let bodyBytes = bodies.map { Array($0.utf8) }

    /// Words one of which every name in ``bodies`` holds: a text with none of them names no body.
    private static let bodyKindBytes = ["partnership", "board", "council", "nhs"].map { Array($0.utf8) }

    /// The commissioning partnership or board: the capitalised words before a body's name
    /// ("Northshire Community Safety Partnership").
    static func area(_ texts: [String]) -> String? {
        // Only texts naming some kind of body are searched for each body's name.
        let candidates = texts.compactMap { text -> (String, [UInt8])? in
            let lowered = ByteClass.lowercased(text)
            return bodyKindBytes.contains(where: { ByteClass.contains(lowered, $0) }) ? (text, lowered) : nil
        }
        let texts = candidates.map(\.0)
        let loweredTexts = candidates.map(\.1)
        for (body, bodyBytes) in zip(bodies, bodyBytes) {
            for (text, lowered) in zip(texts, loweredTexts) {
                guard let byteOffset = ByteClass.find(bodyBytes, in: lowered) else { continue }
                // Character offsets (the body's name is ASCII, so its length is the same in both).
                let offset = String(decoding: lowered[..<byteOffset], as: UTF8.self).count
                let length = body.count
                let before = text.prefix(offset)
                let name = text.dropFirst(offset).prefix(length)
                var words: [Substring] = []
                for word in before.split(separator: " ").reversed() {
                    let first = word.first!
                    if first.isUppercase || (word == "and" || word == "&" || word == "of") && !words.isEmpty {
                        words.insert(word, at: 0)
                        if words.count >= 5 { break }
                    } else {
                        break
                    }
                }
                while let first = words.first, first == "and" || first == "&" || first == "of" || first == "The" || first == "the" {
                    words.removeFirst()
                }
                let result = (words.map(String.init) + [String(name)]).joined(separator: " ")
                return result.trimming(" ,.:;")
            }
        }
        return nil
    }
}

extension StringProtocol {
    /// The string without leading and trailing characters from `set`.
    func trimming(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
