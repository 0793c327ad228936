import Foundation
import ReviewModel
import Testing
@testable import Tagging

/// The trie builder (items walked depth first, words interned per item element) against the
/// builder it replaced (every phrase expanded into its sequences, each inserted from the root),
/// kept here as the reference: the same tables on the shipped codebook and on random patterns.
@Suite struct MatcherTablesTests {
    @Test func shippedCodebookBuildsTheReferenceTables() throws {
        let patterns = sharedTagger.compiled.matcher.patterns
        #expect(patterns.count > 1000)
        let built = try MatcherTables(patterns: patterns)
        let reference = try referenceTables(patterns)
        expectSame(built, reference)
        // Some phrase expands to many sequences, some has gaps and wildcard prefixes.
        #expect(patterns.contains { (try? PhraseParser.expand($0.phrase).get().count) ?? 0 >= 100 })
        #expect(built.gapList.count > 1)
        #expect(!built.prefixIndex.isEmpty)
    }

    @Test func randomPatternSetsBuildTheReferenceTables() throws {
        var random = XorShift(state: 0x5EED_7AB1_E5)
        var failures = 0
        for _ in 0..<120 {
            var patterns = MatcherTablesTests.randomPatterns(&random, upTo: 12)
            // Now and then a phrase that does not parse.
            if random.next(8) == 0 {
                let broken = ["(abuse", "{3,1} kill", "{1,2}", "stab [a|b", "care {0,11} son", "x (|y)"][random.next(6)]
                patterns.insert(Pattern(kind: .incident, phrase: broken), at: random.next(patterns.count + 1))
            }
            let built: MatcherTables
            do {
                built = try MatcherTables(patterns: patterns)
            } catch {
                failures += 1
                // The reference fails at the same pattern with the same message.
                do {
                    _ = try referenceTables(patterns)
                    Issue.record("the reference compiled \(patterns.map(\.phrase))")
                } catch let expected as CompiledMatcher.BadPhrase {
                    #expect(error.index == expected.index && error.message == expected.message)
                }
                continue
            }
            let reference = try referenceTables(patterns)
            expectSame(built, reference)
            // Both compile to matchers that find the same matches in random texts of the words.
            let matcher = CompiledMatcher(patterns: patterns, tables: built)
            let other = CompiledMatcher(patterns: patterns, tables: reference)
            for _ in 0..<4 {
                let text = MatcherTablesTests.randomText(&random)
                let tokens = matcher.tokenize(text)
                var found: [Match] = []
                var expected: [Match] = []
                matcher.match(tokens, from: 0, to: tokens.count, into: &found)
                other.match(other.tokenize(text), from: 0, to: tokens.count, into: &expected)
                #expect(found == expected, "\(patterns.map(\.phrase)) on \(text)")
            }
        }
        // The generator makes both kinds.
        #expect(failures > 4 && failures < 40, "\(failures) pattern sets failed")
    }

    @Test func occupiedSlotsAreTheSlotsWithKeys() {
        var random = XorShift(state: 0x0CC0_5107_5EED)
        for size in [0, 1, 16, 1000] {
            let keys = (0..<size).map { _ in random.next(3) == 0 ? UInt64(random.next(1 << 30)) : UInt64.max }
            #expect(occupiedSlots(keys) == keys.indices.filter { keys[$0] != UInt64.max }.map { Int32($0) })
        }
        let shipped = MatcherLayoutTests.shipped.tables.edgeKeys
        #expect(occupiedSlots(shipped).count == shipped.count { $0 != UInt64.max })
    }

    @Test func parseFailsAsTheExpansionDid() {
        // Four groups of eleven (11^4 = 14641) expand; a fifth (161051 > 20000) does not.
        let group = "(a|b|c|d|e|f|g|h|i|j|k)"
        #expect(throws: Never.self) { try PhraseParser.parse(Array(repeating: group, count: 4).joined(separator: " ")).get() }
        let tooMany = PhraseParser.parse(Array(repeating: group, count: 5).joined(separator: " "))
        #expect(throws: PhraseSyntaxError.self) { try tooMany.get() }
        #expect((try? PhraseParser.expand(Array(repeating: group, count: 4).joined(separator: " ")).get().count) == 14641)
        for noWords in ["{1,2}", "", "  ", "-", "{0,1} {2,3}"] {
            let result = PhraseParser.parse(noWords)
            if case .failure(let error) = result { #expect(error.message == "the phrase has no words") } else { Issue.record("'\(noWords)' parsed") }
        }
        // A suffix group after a word of no letters is left out or a word: never a phrase of no words.
        #expect((try? PhraseParser.expand("-(s)?").get()) == [[.word("s", exact: false)]])
    }

    /// The byte parser of ASCII phrases against the Character parser (every phrase's path before):
    /// the same sequences or the same message, on random phrases and on broken ones.
    @Test func bytesParseAsCharacters() {
        var random = XorShift(state: 0xB17E_5EED)
        let broken = [
            "(abuse", "{3,1} kill", "{1,2}", "stab [a|b", "care {0,11} son", "x (|y)", "x ( | y)", "record( |s)", "=(s)", "(a]",
            "{ 1 , 2 } a {1,2", "a {,1,2} b", "=ex-*", "a\t(b)?\t[c\r\n|d]", "-(s)?", "ab(s|)",
        ]
        var checked = 0
        for index in 0..<600 {
            let phrase = index < broken.count ? broken[index] : MatcherTablesTests.randomPhrase(&random, depth: 0)
            let bytes = PhraseParser.parse(symbols: Array(phrase.utf8)).map(PhraseParser.expand(items:))
            let characters = PhraseParser.parse(symbols: Array(phrase)).map(PhraseParser.expand(items:))
            switch (bytes, characters) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(phrase)")
            case (.failure(let a), .failure(let b)): #expect(a.message == b.message, "\(phrase)")
            default: Issue.record("'\(phrase)': \(bytes) against \(characters)")
            }
            checked += 1
        }
        #expect(checked == 600)
        // A phrase with a non-ASCII word goes Character by Character (a combining mark after a
        // bracket is no bracket) and keeps its bytes.
        #expect((try? PhraseParser.expand("caf\u{E9} (bar)").get()) == [[.word("caf\u{E9}", exact: false)], [.word("caf\u{E9}", exact: false), .word("bar", exact: false)]])
        #expect((try? PhraseParser.expand("a (\u{301}b)").get().count) == 1)
    }

    /// The expansion of parsed items against the plain product of every item's alternatives.
    @Test func expansionIsTheProductOfTheItems() throws {
        var random = XorShift(state: 0xE8A4_D5)
        var sequences = 0
        for _ in 0..<400 {
            let phrase = MatcherTablesTests.randomPhrase(&random, depth: 0)
            guard case .success(let items) = PhraseParser.parse(phrase) else { continue }
            var product: [[PhraseElement]] = [[]]
            for item in items {
                switch item {
                case .required(let alternatives): product = product.flatMap { prefix in alternatives.map { prefix + $0 } }
                case .optional(let alternatives): product = product.flatMap { prefix in [prefix] + alternatives.map { prefix + $0 } }
                case .gap(let low, let high): product = product.map { $0 + [.gap(low, high)] }
                }
            }
            // Adjacent gaps merged, gaps at the ends dropped, sequences without words skipped.
            let expected: [[PhraseElement]] = product.compactMap { sequence in
                var merged: [PhraseElement] = []
                for element in sequence {
                    if case .gap(let low, let high) = element, case .gap(let lastLow, let lastHigh)? = merged.last {
                        merged[merged.count - 1] = .gap(lastLow + low, lastHigh + high)
                    } else if case .gap = element, merged.isEmpty {
                        continue
                    } else {
                        merged.append(element)
                    }
                }
                while case .gap? = merged.last { merged.removeLast() }
                return merged.isEmpty ? nil : merged
            }
            #expect(PhraseParser.expand(items: items) == expected, "\(phrase)")
            sequences += expected.count
        }
        #expect(sequences > 1000)
    }

    /// Words the random phrases and texts are made of: inflected forms, hyphens, exact words.
    static let phraseWords = [
        "abuse", "abused", "kill", "stab", "partner", "ex-partner", "record", "care", "carer", "the", "her", "his", "he",
        "she", "mother", "son", "police", "drink", "alcohol", "a", "to", "x",
    ]
    static let textWords = phraseWords + ["abuses", "abusing", "killed", "stabbed", "records", "cared", "caring", "alcoholic",
        "drinking", "drinks", "ex", "policing", "mothers", "y", "z", "abu", "alc"]

    /// One to `upTo` random patterns (``randomPhrase(_:depth:)``).
    static func randomPatterns(_ random: inout XorShift, upTo: Int) -> [Pattern] {
        (0..<(1 + random.next(upTo))).map { _ in Pattern(kind: .incident, phrase: randomPhrase(&random, depth: 0)) }
    }

    /// Forty random words of ``textWords``.
    static func randomText(_ random: inout XorShift) -> String {
        (0..<40).map { _ in textWords[random.next(textWords.count)] }.joined(separator: " ")
    }

    /// A random phrase of the codebook's syntax: words, `=exact`, `prefix*`, groups with `|`,
    /// optional groups, word endings, gaps.
    static func randomPhrase(_ random: inout XorShift, depth: Int) -> String {
        var parts: [String] = []
        for _ in 0..<(1 + random.next(4)) {
            let word = phraseWords[random.next(phraseWords.count)]
            switch random.next(depth < 2 ? 12 : 7) {
            case 0: parts.append("=" + word)
            case 1: parts.append(String(word.prefix(3)) + "*")
            case 2: parts.append(parts.isEmpty ? word : "{\(random.next(3)),\(2 + random.next(3))}")
            case 3: parts.append(word + ["(s)", "(ed|ing)", "(s|ing)?"][random.next(3)])
            case 4: parts.append(word + "(s)?")
            case 5: parts.append("-(s)?")
            case 6: parts.append(word)
            case 7, 8:
                let choices = (0..<(1 + random.next(3))).map { _ in randomPhrase(&random, depth: depth + 1) }
                parts.append("(" + choices.joined(separator: " | ") + ")" + (random.next(3) == 0 ? "?" : ""))
            case 9:
                let choices = (0..<(2 + random.next(2))).map { _ in randomPhrase(&random, depth: depth + 1) }
                parts.append("[" + choices.joined(separator: "|") + "]")
            case 10: parts.append("(" + randomPhrase(&random, depth: depth + 1) + ")")
            default: parts.append("(\(word) {0,1})?")
            }
        }
        return parts.joined(separator: " ")
    }

    private func expectSame(_ built: MatcherTables, _ reference: MatcherTables) {
        #expect(built.classOfWord == reference.classOfWord)
        #expect(built.prefixIndex == reference.prefixIndex)
        #expect(built.classCount == reference.classCount)
        #expect(built.rootChildren == reference.rootChildren)
        #expect(built.edgeKeys.count == reference.edgeKeys.count)
        #expect(edges(built) == edges(reference))
        #expect(built.nodes == reference.nodes)
        #expect(built.gapStart == reference.gapStart)
        #expect(built.gapList == reference.gapList)
        #expect(built.outputList == reference.outputList)
    }

    /// The edge table as a dictionary (its layout depends on the order the edges went in).
    private func edges(_ tables: MatcherTables) -> [UInt64: Int32] {
        var result: [UInt64: Int32] = [:]
        for (slot, key) in tables.edgeKeys.enumerated() where key != UInt64.max { result[key] = tables.edgeValues[slot] }
        return result
    }
}

/// The builder the depth-first one replaced, as it was: every phrase expanded into its element
/// sequences, words numbered per expanded element, each sequence inserted from the root.
private func referenceTables(_ patterns: [Pattern]) throws -> MatcherTables {
    var sequencesPerPattern: [[[PhraseElement]]] = []
    for (index, pattern) in patterns.enumerated() {
        switch PhraseParser.expand(pattern.phrase) {
        case .success(let sequences): sequencesPerPattern.append(sequences)
        case .failure(let error): throw CompiledMatcher.BadPhrase(index: index, message: error.message)
        }
    }
    var wordIDs: [String: Int] = [:]
    var words: [String] = []
    var parent: [Int] = []
    func number(_ word: String) -> Int {
        if let existing = wordIDs[word] { return existing }
        wordIDs[word] = words.count
        words.append(word)
        parent.append(words.count - 1)
        return words.count - 1
    }
    func find(_ word: Int) -> Int {
        var root = word
        while parent[root] != root { root = parent[root] }
        return root
    }
    var prefixIndex: [String: Int32] = [:]
    var inflected: Set<Int> = []
    for sequence in sequencesPerPattern.joined() {
        for element in sequence {
            switch element {
            case .word(let word, let exact):
                let wordID = number(word)
                if !exact, inflected.insert(wordID).inserted {
                    for form in Inflector.forms(of: word).dropFirst() {
                        let (rootA, rootB) = (find(wordID), find(number(form)))
                        if rootA != rootB { parent[rootB] = rootA }
                    }
                }
            case .prefix(let prefix):
                if prefixIndex[prefix] == nil { prefixIndex[prefix] = Int32(prefixIndex.count) }
            case .gap:
                break
            }
        }
    }
    var classOfRoot: [Int: Int32] = [:]
    var classOfWord: [String: Int32] = [:]
    for wordID in words.indices.sorted(by: { words[$0] < words[$1] }) {
        let root = find(wordID)
        if classOfRoot[root] == nil { classOfRoot[root] = Int32(classOfRoot.count) }
        classOfWord[words[wordID]] = classOfRoot[root]
    }
    let classCount = Int32(classOfRoot.count)
    var root = [Int32](repeating: -1, count: max(Int(classCount) + prefixIndex.count, 1))
    var edges: [UInt64: Int32] = [:]
    var gapEdges: [Int32: [CompiledMatcher.Gap]] = [:]
    var outputs: [[Int32]] = [[]]
    func newNode() -> Int32 {
        outputs.append([])
        return Int32(outputs.count - 1)
    }
    for (patternIndex, sequences) in sequencesPerPattern.enumerated() {
        for sequence in sequences {
            var node: Int32 = 0
            for element in sequence {
                let label: Int32
                switch element {
                case .word(let word, _): label = classOfWord[word]!
                case .prefix(let prefix): label = classCount + prefixIndex[prefix]!
                case .gap(let low, let high):
                    if let existing = gapEdges[node]?.first(where: { $0.min == low && $0.max == high }) {
                        node = existing.target
                    } else {
                        let target = newNode()
                        gapEdges[node, default: []].append(CompiledMatcher.Gap(min: low, max: high, target: target))
                        node = target
                    }
                    continue
                }
                if node == 0 {
                    if root[Int(label)] < 0 { root[Int(label)] = newNode() }
                    node = root[Int(label)]
                } else {
                    let key = UInt64(UInt32(node)) << 32 | UInt64(UInt32(label))
                    if let child = edges[key] {
                        node = child
                    } else {
                        let child = newNode()
                        edges[key] = child
                        node = child
                    }
                }
            }
            if !outputs[Int(node)].contains(Int32(patternIndex)) { outputs[Int(node)].append(Int32(patternIndex)) }
        }
    }
    var capacity = 16
    while capacity < edges.count * 2 + 2 { capacity <<= 1 }
    var keys = [UInt64](repeating: UInt64.max, count: capacity)
    var values = [Int32](repeating: -1, count: capacity)
    for (key, value) in edges {
        var slot = Int(truncatingIfNeeded: CompiledMatcher.mix(key)) & (capacity - 1)
        while keys[slot] != UInt64.max { slot = (slot + 1) & (capacity - 1) }
        keys[slot] = key
        values[slot] = value
    }
    var nodes = [CompiledMatcher.Node](repeating: CompiledMatcher.Node(), count: outputs.count)
    for node in gapEdges.keys { nodes[Int(node)].flags |= CompiledMatcher.nodeHasGap }
    for key in edges.keys {
        let label = Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: key))
        if label >= classCount { nodes[Int(key >> 32)].flags |= CompiledMatcher.nodeHasPrefixChild }
        nodes[Int(key >> 32)].childLabels |= CompiledMatcher.labelBit(label)
    }
    var gapStart: [Int32] = [0]
    var gapList: [CompiledMatcher.Gap] = []
    for node in 0..<outputs.count {
        gapList.append(contentsOf: gapEdges[Int32(node)] ?? [])
        gapStart.append(Int32(gapList.count))
    }
    gapList.append(CompiledMatcher.Gap(min: 0, max: -1, target: 0))
    var list: [Int32] = []
    for (node, output) in outputs.enumerated() {
        nodes[node].outputFrom = Int32(list.count)
        nodes[node].outputCount = UInt16(output.count)
        list.append(contentsOf: output)
    }
    return MatcherTables(
        classOfWord: classOfWord, prefixIndex: prefixIndex, classCount: classCount, rootChildren: root, edgeKeys: keys,
        edgeValues: values, nodes: nodes, gapStart: gapStart, gapList: gapList, outputList: list)
}

/// The byte-level inflector against the Character-level one it replaced (kept here).
@Suite struct InflectorTests {
    @Test func formsAsTheCharacterInflectorMadeThem() {
        var words = Array(sharedTagger.compiled.matcher.classOfWord.keys) + Array(Inflector.functionWords)
        var random = XorShift(state: 0x1F1E_C70B)
        let letters = Array("aeiouybcdhlrstwxzgAEYSK-1é")
        for _ in 0..<3000 { words.append(String((0..<(1 + random.next(8))).map { _ in letters[random.next(letters.count)] })) }
        var inflected = 0
        for word in words {
            let forms = Inflector.forms(of: word)
            #expect(forms == characterForms(of: word), "\(word)")
            if forms.count > 1 { inflected += 1 }
        }
        #expect(inflected > 1000)
    }

    private func characterForms(of word: String) -> [String] {
        let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
        guard word.utf8.count >= 3, word.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
            !Inflector.functionWords.contains(word)
        else {
            return [word]
        }
        var forms = [word]
        let characters = Array(word)
        let last = characters[characters.count - 1]
        let beforeLast = characters[characters.count - 2]
        let endsConsonantY = last == "y" && !vowels.contains(beforeLast)
        if word.hasSuffix("s") || word.hasSuffix("x") || word.hasSuffix("z") || word.hasSuffix("ch") || word.hasSuffix("sh") {
            forms.append(word + "es")
        } else if endsConsonantY {
            forms.append(String(word.dropLast()) + "ies")
        } else {
            forms.append(word + "s")
        }
        if word.hasSuffix("ie") {
            forms += [word + "d", String(word.dropLast(2)) + "ying"]
        } else if word.hasSuffix("ee") {
            forms += [word + "d", word + "ing"]
        } else if last == "e" {
            forms += [word + "d", String(word.dropLast()) + "ing"]
        } else if endsConsonantY {
            forms += [String(word.dropLast()) + "ied", word + "ing"]
        } else {
            let third = characters[characters.count - 3]
            let consonantVowelConsonant = !vowels.contains(last) && last != "w" && last != "x" && last != "y"
                && vowels.contains(beforeLast) && !vowels.contains(third)
            var syllables = 0
            var previousVowel = false
            for character in characters {
                let vowel = vowels.contains(character)
                if vowel, !previousVowel { syllables += 1 }
                previousVowel = vowel
            }
            if !(consonantVowelConsonant && syllables == 1) { forms += [word + "ed", word + "ing"] }
            if consonantVowelConsonant { forms += [word + String(last) + "ed", word + String(last) + "ing"] }
        }
        return forms
    }
}
