import ReviewModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names given again in brackets right after a name: "Young Person L (YP-L)", "Adult H
/// ("Hilda")", "Child K ('Kacper')". Reviews declare a short form this way and use only it
/// afterwards, so the bracketed form names the same person.
extension TaggingRun {
    /// Binds bare initials used as names ("K is arrested", "K's grandmother said ...") to the one
    /// person named with a single word that starts with that letter ("referred to in this report as
    /// Kai ... referred to by the initials K and T"). An initial counts as a name when it is
    /// followed at least twice by a word people do things with (``Words2/personContext``) and is
    /// not the last word of a longer name ("Mr K", "Child K": one space after a capitalised word);
    /// it is linked only when exactly one person's single-word name has that initial and no
    /// longer registered name ends with it. "A" and "I" are words, not initials. Runs before
    /// roles are scored, so the initial's sentences count for its person.
    mutating func linkInitialAliases(capitals: CapitalIndex) {
        var uses: [UInt64: (count: Int, first: Int)] = [:]
        let personContext = Words2.personContext
        for position in capitals.positions {
            let index = Int(position)
            guard tokens.flags[index] & Tokens.singleCapital != 0, tokens.flags[index] & Tokens.digits == 0, index + 1 < tokens.count else { continue }
            let hash = tokens.hashes[index]
            guard hash != Words2.letterA, hash != Words2.letterI, personContext.contains(tokens.hashes[index + 1]) else { continue }
            // Not the end of "Mr K" or "Child K".
            if index > 0, isCapitalised(index - 1), Int(tokens.starts[index]) - Int(tokens.ends[index - 1]) == 1 { continue }
            uses[hash, default: (0, index)].count += 1
        }
        // (An initial already known only as itself, a person of its own with no role ("by the
        // initials K and T" declares one; "her son, K," makes it a relative), is merged into its
        // owner below.)
        let initials = uses.filter { initial in
            guard initial.value.count >= 2 else { return false }
            guard let existing = people.entityIndex(for: NameKey(hashes: [initial.key])) else { return true }
            return existing > PeopleModel.perpetrator && people.entities[existing].role == .other && people.entities[existing].name?.utf8.count == 1
        }
        guard !initials.isEmpty else { return }
        // The people with a one-word name, by its initial's hash; and the initials that end longer names.
        var owners: [UInt64: Set<Int>] = [:]
        var endings: Set<UInt64> = []
        for (_, list) in people.names {
            for (key, entity, display) in list {
                if key.hashes.count > 1, let last = key.hashes.last { endings.insert(last) }
                guard key.hashes.count == 1, display.utf8.count >= 2, let first = display.unicodeScalars.first, first.properties.isUppercase else { continue }
                owners[Vocabulary.hash(Array(String(first).lowercased().utf8)), default: []].insert(entity)
            }
        }
        for (hash, use) in initials.sorted(by: { $0.value.first < $1.value.first }) where !endings.contains(hash) {
            // (Not a person whose own name is the initial: "K" merged into itself would lose it.)
            guard let candidates = owners[hash]?.filter({ people.entities[$0].name?.utf8.count != 1 }), candidates.count == 1,
                let entity = candidates.first
            else { continue }
            if let existing = people.entityIndex(for: NameKey(hashes: [hash])) {
                guard existing != entity else { continue }
                // "her husband, referred to as D" and a people-table row "Daughter": relatives of
                // two kinds are two people, not a name and its initial.
                if let kin = people.entities[existing].kin, let other = people.entities[entity].kin,
                    compiled.kins[kin].relation != compiled.kins[other].relation
                {
                    continue
                }
                people.reassignNames(of: existing, to: entity)
                people.entities[existing].name = nil
            } else {
                people.register(name: NameKey(hashes: [hash]), display: text(tokens: use.first, use.first + 1), entity: entity)
            }
        }
    }

    /// Binds each bracketed alias to the person of the known name just before the bracket. An
    /// alias already known as another person without a role or kinship (a code word seen
    /// alone, "Adult H" in the title) is merged into that person. Runs after the declarations
    /// are read and before roles are scored, so the alias's sentences count for its person.
    mutating func linkParentheticalAliases() {
        // The brackets, found by memchr (many bytes a step: a byte loop over the text cost as
        // much as a tenth of tagging).
        var opens: [Int] = []
        var source = document.text
        source.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count, let hit = memchr(base + offset, 0x28, bytes.count - offset) {
                let found = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                opens.append(found)
                offset = found + 1
            }
        }
        guard !opens.isEmpty, tokens.count > 1 else { return }
        for open in opens {
            // The first token after the bracket, and the name ending just before it.
            let after = firstToken(startingAtOrAfter: open)
            guard after > 0, after < tokens.count, gapIsOnly(from: after - 1, allowing: AliasBytes.opening, mustContain: 0x28, onlyBeforeMark: false) else { continue }
            var aliasEnd = after
            while aliasEnd < tokens.count, aliasEnd - after < 3, isCapitalised(aliasEnd),
                tokens.flags[aliasEnd] & Tokens.digits == 0
            {
                aliasEnd += 1
                if gapIsOnly(from: aliasEnd - 1, allowing: AliasBytes.closing, mustContain: 0x29, onlyBeforeMark: true) { break }
            }
            guard aliasEnd > after, gapIsOnly(from: aliasEnd - 1, allowing: AliasBytes.closing, mustContain: 0x29, onlyBeforeMark: true) else { continue }
            guard let entity = nameEnding(at: after) else { continue }
            let key = nameKey(after, aliasEnd)
            guard let existing = people.entityIndex(for: key) else {
                people.register(name: key, display: text(tokens: after, aliasEnd), entity: entity)
                continue
            }
            guard existing != entity else { continue }
            // Keep the victim's or perpetrator's slot, else the person seen first.
            let (kept, merged) = existing <= PeopleModel.perpetrator || (entity > PeopleModel.perpetrator && existing < entity) ? (existing, entity) : (entity, existing)
            guard merged > PeopleModel.perpetrator, people.entities[merged].role == .other, people.entities[merged].kin == nil,
                kept <= PeopleModel.perpetrator || (people.entities[kept].role == .other && people.entities[kept].kin == nil)
            else { continue }
            people.reassignNames(of: merged, to: kept)
            if people.entities[kept].name == nil { people.entities[kept].name = people.entities[merged].name }
            if people.entities[kept].gender == nil { people.entities[kept].gender = people.entities[merged].gender }
            if people.entities[kept].age == nil { people.entities[kept].age = people.entities[merged].age }
            if people.entities[kept].ethnicity == nil { people.entities[kept].ethnicity = people.entities[merged].ethnicity }
            people.entities[merged].name = nil
        }
    }

    /// The first token whose start is at or after byte `offset` (binary search).
    private func firstToken(startingAtOrAfter offset: Int) -> Int {
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if Int(tokens.starts[middle]) < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether the bytes between token `index` and the next hold `mustContain` and only
    /// `allowing` bytes (with `onlyBeforeMark`, only up to `mustContain`: after a closing
    /// bracket any punctuation may follow).
    private func gapIsOnly(from index: Int, allowing: Set<UInt8>, mustContain: UInt8, onlyBeforeMark: Bool) -> Bool {
        guard index >= 0, index + 1 < tokens.count else {
            // After the last token: the text's end must follow with the closing bracket.
            guard index >= 0, index == tokens.count - 1 else { return false }
            let rest = document.text.utf8.dropFirst(Int(tokens.ends[index]))
            return rest.contains(mustContain) && rest.prefix(while: { allowing.contains($0) }).contains(mustContain)
        }
        let utf8 = document.text.utf8
        let gap = utf8[utf8.index(utf8.startIndex, offsetBy: Int(tokens.ends[index]))..<utf8.index(utf8.startIndex, offsetBy: Int(tokens.starts[index + 1]))]
        guard gap.contains(mustContain) else { return false }
        let checked = onlyBeforeMark ? gap.prefix(while: { $0 != mustContain }) : gap[...]
        return checked.allSatisfy { allowing.contains($0) }
    }

    /// The entity of a known name whose last token is `end - 1` (up to four words long).
    private func nameEnding(at end: Int) -> Int? {
        var start = end - 1
        while start >= 0, start >= end - 4 {
            if isCapitalised(start), let found = lookupName(at: start, limit: end), found.end == end { return found.entity }
            start -= 1
        }
        return nil
    }
}

/// Bytes allowed around a bracketed alias: blanks and quotation marks (straight, or the UTF-8
/// bytes of curly ones).
enum AliasBytes {
    static let quotes: Set<UInt8> = [0x22, 0x27, 0xE2, 0x80, 0x98, 0x99, 0x9C, 0x9D]
    /// Between the name and the alias: a blank, the bracket, quotation marks.
    static let opening: Set<UInt8> = quotes.union([0x20, 0x09, 0x0A, 0x28, 0xC2, 0xA0])
    /// Between the alias and the closing bracket: quotation marks only.
    static let closing: Set<UInt8> = quotes.union([0x29])
}
