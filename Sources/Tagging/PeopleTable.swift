import ReviewModel

/// The columns of a table that lists the people of a review ("| Pseudonym | Relationship to
/// victim | Age | Ethnicity |").
struct PeopleTableColumns: Equatable {
    var name: Int
    var role: Int?
    var age: Int?
    var ethnicity: Int?
    var gender: Int?
    /// Whose relative the role column's kin nouns name when a cell does not say
    /// ("Relationship to the victim", "Relationship to Nadia"): the header's words after "to".
    var relativeTo: [UInt64] = []

    /// Recognises the header row: a name column and a role column, or a name column and at
    /// least two of age, ethnicity and gender. `headers` are the header cells' lower-case words.
    static func recognise(_ headers: [Int: [String]]) -> PeopleTableColumns? {
        var name: Int?
        var role: Int?
        var age: Int?
        var ethnicity: Int?
        var gender: Int?
        var relativeTo: [UInt64] = []
        for (column, words) in headers.sorted(by: { $0.key < $1.key }) {
            let set = Set(words)
            if name == nil, !set.isDisjoint(with: nameWords) || words.starts(with: ["referred", "to", "as"]) || words == ["who"] {
                name = column
            } else if role == nil, !set.isDisjoint(with: roleWords) {
                role = column
                if let to = words.firstIndex(of: "to") {
                    relativeTo = words[(to + 1)...].filter { $0 != "the" }.map { Vocabulary.hash(Array($0.utf8)) }
                }
            } else if age == nil, set.contains("age") || set.contains("aged") {
                age = column
            } else if ethnicity == nil, !set.isDisjoint(with: ["ethnicity", "ethnic", "heritage", "race"]) {
                ethnicity = column
            } else if gender == nil, set.contains("gender") || set.contains("sex") {
                gender = column
            }
        }
        guard let name else { return nil }
        let facts = [age, ethnicity, gender].compactMap { $0 }.count
        guard role != nil || facts >= 2 else { return nil }
        return PeopleTableColumns(name: name, role: role, age: age, ethnicity: ethnicity, gender: gender, relativeTo: relativeTo)
    }

    static let nameWords: Set<String> = ["pseudonym", "pseudonyms", "name", "names", "initial", "initials", "person", "individual", "individuals"]
    static let roleWords: Set<String> = ["relationship", "relation", "role", "connection", "description", "status", "involvement"]
}

/// Role words of a role cell: the cell names the victim or the perpetrator when a segment
/// starts with one of them ("Victim", "Former partner; perpetrator", "The deceased").
private enum TableWords {
    static func hash(_ word: String) -> UInt64 { Vocabulary.hash(Array(word.utf8)) }
    static let victim: WordSet = WordSet(["victim", "deceased", "subject", "child"].map(hash))
    static let perpetrator: WordSet = WordSet(["perpetrator", "offender", "defendant", "accused", "suspect", "assailant", "killer"].map(hash))
    static let lead: WordSet = WordSet(["the", "alleged", "also", "and"].map(hash))
    static let skip: WordSet = WordSet(["the", "this", "alleged"].map(hash))
    static let adultAtRisk: [UInt64] = ["adult", "at", "risk"].map(hash)
    static let review = hash("review")
    static let s = hash("s")
    static let of = hash("of")
    static let female: Set<String> = ["female", "f", "woman", "girl"]
    static let male: Set<String> = ["male", "m", "man", "boy"]
    static let groups: [String: Ethnicity] = ["white": .white, "black": .black, "asian": .asian, "mixed": .mixed, "other": .other]
    static let nameWords: WordSet = WordSet(PeopleTableColumns.nameWords.map(hash))
    static let who = hash("who")
    static let referred = hash("referred")
    static let to = hash("to")
    static let `as` = hash("as")
}

/// Per block, the tokens and matches of its sentences (table cells only): a dictionary keyed by
/// block index, as an array.
struct BlockSpans {
    private var spans: [(tokenFrom: Int, tokenTo: Int, matchFrom: Int, matchTo: Int)]

    init(blockCount: Int) { spans = Array(repeating: (-1, -1, -1, -1), count: blockCount) }

    subscript(_ block: Int) -> (tokenFrom: Int, tokenTo: Int, matchFrom: Int, matchTo: Int)? {
        get { spans[block].tokenFrom < 0 ? nil : spans[block] }
        set { spans[block] = newValue ?? (-1, -1, -1, -1) }
    }
}

extension TaggingRun {
    /// Tables that list the people of the review: each row's pseudonym becomes a person, with
    /// the role (victim, perpetrator, or whose relative), age, ethnicity and gender its cells state.
    mutating func readPeopleTables() {
        let blocks = document.blocks
        guard blocks.contains(where: { $0.kind == .tableCell }) else { return }
        // Each block's tokens and matches, from its sentences.
        var blockSpans = BlockSpans(blockCount: blocks.count)
        for sentence in sentences where blocks[sentence.block].kind == .tableCell {
            if let span = blockSpans[sentence.block] {
                blockSpans[sentence.block] = (span.tokenFrom, sentence.tokenTo, span.matchFrom, sentence.matchTo)
            } else {
                blockSpans[sentence.block] = (sentence.tokenFrom, sentence.tokenTo, sentence.matchFrom, sentence.matchTo)
            }
        }
        var index = 0
        while index < blocks.count {
            guard blocks[index].kind == .tableCell else {
                index += 1
                continue
            }
            var end = index
            while end < blocks.count, blocks[end].kind == .tableCell { end += 1 }
            readPeopleTable(cells: Array(index..<end), spans: blockSpans)
            index = end
        }
    }

    /// One table (its cell blocks in order).
    private mutating func readPeopleTable(cells: [Int], spans: BlockSpans) {
        let blocks = document.blocks
        // Most tables list no people (a chronology: "Date", "Agency", "Contact"): a header without
        // a word a name column needs is passed over before rows and header words are built.
        var firstRow = Int.max
        for cell in cells {
            if let row = blocks[cell].row, blocks[cell].column != nil, row < firstRow { firstRow = row }
        }
        guard firstRow < Int.max,
            cells.contains(where: { cell in
                guard blocks[cell].row == firstRow, blocks[cell].column != nil, let span = spans[cell] else { return false }
                return mayNameColumn(span.tokenFrom, span.tokenTo)
            })
        else { return }
        var rows: [Int: [Int: Int]] = [:]  // row → column → block
        for cell in cells {
            guard let row = blocks[cell].row, let column = blocks[cell].column else { continue }
            rows[row, default: [:]][column] = cell
        }
        guard let headerRow = rows.keys.min(), rows.count >= 2 else { return }
        var headers: [Int: [String]] = [:]
        for (column, cell) in rows[headerRow] ?? [:] {
            guard let span = spans[cell] else { continue }
            headers[column] = (span.tokenFrom..<span.tokenTo).map { lowerWord($0) }
        }
        guard let columns = PeopleTableColumns.recognise(headers) else { return }
        // First pass: names and roles; second pass: relatives (their owners may be later rows).
        var entries: [(entity: Int, row: [Int: Int])] = []
        for rowIndex in rows.keys.sorted() where rowIndex != headerRow {
            guard let row = rows[rowIndex], let nameCell = row[columns.name], let span = spans[nameCell] else { continue }
            // The pseudonym: the first run of capitalised words, codes and initials ("Mr W", "Adult A").
            var from = span.tokenFrom
            while from < span.tokenTo, !isCapitalised(from) { from += 1 }
            var to = from
            while to < span.tokenTo, to < from + 3, tokens.flags[to] & (Tokens.capitalised | Tokens.digits) != 0 { to += 1 }
            guard to > from else { continue }
            // "Marta's sister": a relative of the name, not the named person (whose age and
            // ethnicity the row would otherwise overwrite).
            if to < span.tokenTo, isWord(to, TableWords.s) { continue }
            let key = nameKey(from, to)
            let display = text(tokens: from, to)
            var role: Entity.Role = .other
            if let roleCell = row[columns.role ?? -1], let roleSpan = spans[roleCell] {
                role = tableRole(roleSpan.tokenFrom, roleSpan.tokenTo)
            }
            let entity: Int
            switch role {
            case .victim, .perpetrator:
                entity = role == .victim ? PeopleModel.victim : PeopleModel.perpetrator
                if let existing = people.entityIndex(for: key), existing != entity { continue }
                people.register(name: key, display: display, entity: entity)
            case .other:
                if let existing = people.entityIndex(for: key) {
                    entity = existing
                } else {
                    people.entities.append(Entity(role: .other, name: display))
                    entity = people.entities.count - 1
                    people.register(name: key, display: display, entity: entity)
                }
            }
            people.entities[entity].mentioned = true
            // A title gives the gender ("Ms H").
            for match in matches[span.matchFrom..<span.matchTo] {
                if case .title(let gender?) = kind(match), Int(match.start) == from, people.entities[entity].gender == nil {
                    people.entities[entity].gender = gender
                }
            }
            if let cell = row[columns.age ?? -1], let age = tableAge(document.text(of: blocks[cell])) {
                people.entities[entity].age = age
                agePriority[entity] = -1
            }
            if let cell = row[columns.ethnicity ?? -1], let cellSpan = spans[cell], people.entities[entity].ethnicity == nil {
                people.entities[entity].ethnicity = tableEthnicity(cellSpan.tokenFrom, cellSpan.tokenTo, cellSpan.matchFrom, cellSpan.matchTo)
            }
            if let cell = row[columns.gender ?? -1] {
                let words = Set(document.text(of: blocks[cell]).lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
                if !words.isDisjoint(with: TableWords.female) { people.entities[entity].gender = .female }
                if !words.isDisjoint(with: TableWords.male) { people.entities[entity].gender = .male }
            }
            entries.append((entity, row))
        }
        guard let roleColumn = columns.role else { return }
        let defaultOwner: Int? = columns.relativeTo.isEmpty ? PeopleModel.victim : ownerEntity(columns.relativeTo)
        for (entity, row) in entries {
            guard let cell = row[roleColumn], let span = spans[cell] else { continue }
            for match in matches[span.matchFrom..<span.matchTo] {
                guard case .kin(let kinIndex) = kind(match) else { continue }
                let kin = Int(kinIndex)
                // "Nadia's mother", "Sister of Mr W", else the header's person.
                var owner = defaultOwner
                let start = Int(match.start)
                let end = Int(match.end)
                if start - 1 >= span.tokenFrom, isWord(start - 1, TableWords.s),
                    let name = earlierName(endingAt: start - 1, sentence: SentenceSpan(
                        range: TextRange(start: 0, end: 0), tokenFrom: span.tokenFrom, tokenTo: span.tokenTo, block: 0,
                        matchFrom: span.matchFrom, matchTo: span.matchTo, hypotheticalSection: false))
                {
                    owner = name
                } else if end < span.tokenTo, isWord(end, TableWords.of) {
                    var probe = end + 1
                    while probe < span.tokenTo, TableWords.skip.contains(tokens.hashes[probe]) { probe += 1 }
                    if probe < span.tokenTo, let name = lookupName(at: probe, limit: span.tokenTo) {
                        owner = name.entity
                    } else if probe < span.tokenTo, TableWords.victim.contains(tokens.hashes[probe]) {
                        owner = PeopleModel.victim
                    } else if probe < span.tokenTo, TableWords.perpetrator.contains(tokens.hashes[probe]) {
                        owner = PeopleModel.perpetrator
                    }
                }
                guard let owner, owner != entity else { continue }
                let entry = compiled.kins[kin]
                let range = textRange(start, end)
                if entity == PeopleModel.perpetrator, owner == PeopleModel.victim {
                    if people.perpetratorRelation == nil {
                        people.perpetratorRelation = entry.relation
                        people.perpetratorRelationEvidence = range
                    }
                } else if entity == PeopleModel.victim, owner == PeopleModel.perpetrator {
                    if people.perpetratorRelation == nil {
                        people.perpetratorRelation = inverseRelation(entry.relation)
                        people.perpetratorRelationEvidence = range
                    }
                } else {
                    attachKin(entity, kin: kin, owner: owner, range: range)
                }
                if people.entities[entity].gender == nil { people.entities[entity].gender = entry.gender }
                break
            }
        }
    }

    /// Whether a header cell's words may be those of a name column (see
    /// ``PeopleTableColumns/recognise(_:)``): a name word, "referred to as" at its start, or "who"
    /// alone. Compared by word hash (those words lower-case as ASCII, so the hash of the token
    /// is the hash of its lower-cased text).
    private func mayNameColumn(_ from: Int, _ to: Int) -> Bool {
        if to - from == 1, tokens.hashes[from] == TableWords.who { return true }
        if to - from >= 3, tokens.hashes[from] == TableWords.referred, tokens.hashes[from + 1] == TableWords.to, tokens.hashes[from + 2] == TableWords.as {
            return true
        }
        let nameWords = TableWords.nameWords
        for index in from..<to where nameWords.contains(tokens.hashes[index]) { return true }
        return false
    }

    /// The role a role cell states: a segment (between commas, semicolons, slashes or
    /// brackets) that starts, after "the", "alleged" or "also", with a victim or perpetrator
    /// word not followed by "'s" or "of" ("Victim", "Former partner; perpetrator", "Subject of
    /// the review", not "Victim's mother" or "Child of Ms K").
    private func tableRole(_ from: Int, _ to: Int) -> Entity.Role {
        var segments: [[UInt64]] = [[]]
        for index in from..<to {
            if index > from {
                let gap = document.substring(TextRange(start: Int(tokens.ends[index - 1]), end: Int(tokens.starts[index])))
                if gap.contains(where: { $0 == ";" || $0 == "," || $0 == "/" || $0 == "(" }) { segments.append([]) }
            }
            segments[segments.count - 1].append(tokens.hashes[index])
        }
        for var words in segments {
            while let first = words.first, TableWords.lead.contains(first) { words.removeFirst() }
            guard let first = words.first else { continue }
            if words.starts(with: TableWords.adultAtRisk) { return .victim }
            let next = words.count > 1 ? words[1] : nil
            if next == TableWords.s { continue }
            if next == TableWords.of, !words.contains(TableWords.review) { continue }
            if TableWords.victim.contains(first) { return .victim }
            if TableWords.perpetrator.contains(first) { return .perpetrator }
        }
        return .other
    }

    /// An age cell: "34", "30-35", "30 to 35", "40s", "34 years".
    private func tableAge(_ text: String) -> Age? {
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.filter { $0 <= 110 }
        guard let first = numbers.first else { return nil }
        let lower = text.lowercased()
        if lower.contains("month") || lower.contains("week") { return .years(0) }
        if numbers.count >= 2, numbers[1] > first, lower.contains("-") || lower.contains("–") || lower.contains(" to ") {
            return .range(first, numbers[1])
        }
        if lower.contains("\(first)s"), first % 10 == 0 { return .range(first, first + 9) }
        return .years(first)
    }

    /// An ethnicity cell: a codebook ethnicity phrase, else a census group word at its start
    /// ("White Other (Albanian)", "Black British").
    private func tableEthnicity(_ from: Int, _ to: Int, _ matchFrom: Int, _ matchTo: Int) -> Ethnicity? {
        for match in matches[matchFrom..<matchTo] {
            if case .ethnicity(let group) = kind(match) { return group }
        }
        guard from < to else { return nil }
        return TableWords.groups[lowerWord(from)]
    }

    /// The entity a header's "relationship to X" names.
    private func ownerEntity(_ words: [UInt64]) -> Int? {
        guard let first = words.first else { return nil }
        if TableWords.victim.contains(first) { return PeopleModel.victim }
        if TableWords.perpetrator.contains(first) { return PeopleModel.perpetrator }
        return people.entityIndex(for: NameKey(hashes: words))
    }
}
