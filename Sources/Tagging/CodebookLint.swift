import ReviewModel

/// One finding of ``CodebookLint``: data, like a compiler diagnostic.
public struct LintFinding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a finding is; errors make `revtag codebook lint` fail.
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// The rule id (`alcohol-misuse/3`) or tag the finding is about.
    public var rule: String
    public var message: String

    public init(severity: Severity, rule: String, message: String) {
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(rule): \(message)" }
}

/// Checks a codebook: unknown tag ids, taxonomy ids without rules, phrases that do not parse
/// or can never match, phrases claimed by two tags, phrases shadowed by another of the
/// same tag, and wildcards (`nurse*`) whose bare word no rule of the tag matches.
public enum CodebookLint {
    /// All findings, errors first.
    public static func lint(_ codebook: Codebook) -> [LintFinding] {
        var findings: [LintFinding] = []
        // Taxonomy coverage and unknown ids.
        for entry in codebook.entries where !Taxonomy.contains(entry.tag) {
            let known = Taxonomy.facets.contains { $0.facet == entry.tag.facet }
            findings.append(
                LintFinding(
                    severity: .warning, rule: entry.tag.description,
                    message: known
                        ? "'\(entry.tag.id)' is not a taxonomy id of facet '\(entry.tag.facet)' (an addition; other tools will not know it)"
                        : "facet '\(entry.tag.facet)' is not in the taxonomy (an addition)"))
        }
        for tag in Taxonomy.allTags where tag.facet != Taxonomy.reviewTypeFacet {
            guard let entry = codebook.entry(for: tag) else {
                findings.append(LintFinding(severity: .error, rule: tag.description, message: "taxonomy id has no codebook entry"))
                continue
            }
            if entry.ruleCount == 0 {
                findings.append(LintFinding(severity: .error, rule: tag.description, message: "taxonomy id has no rules"))
            }
            if entry.label.isEmpty || entry.definition.isEmpty {
                findings.append(LintFinding(severity: .warning, rule: tag.description, message: "label or definition is empty"))
            }
        }
        // Compile once for word classes; a failure is reported with its rule.
        // Phrases that do not parse are reported below; compile the rest.
        var compilable = codebook
        for index in compilable.entries.indices {
            compilable.entries[index].phrases.removeAll { if case .failure = PhraseParser.expand($0) { return true } else { return false } }
            compilable.entries[index].exclude.removeAll { if case .failure = PhraseParser.expand($0) { return true } else { return false } }
            for near in compilable.entries[index].near.indices {
                compilable.entries[index].near[near].a.removeAll { if case .failure = PhraseParser.expand($0) { return true } else { return false } }
                compilable.entries[index].near[near].b.removeAll { if case .failure = PhraseParser.expand($0) { return true } else { return false } }
            }
        }
        let matcher: CompiledMatcher
        do {
            matcher = try CompiledCodebook(codebook: compilable).matcher
        } catch {
            findings.append(LintFinding(severity: .error, rule: "codebook", message: "\(error)"))
            return findings
        }
        func normalise(_ sequence: [PhraseElement]) -> [String] {
            sequence.map { element in
                switch element {
                case .word(let word, _): "w\(matcher.classOfWord[word] ?? -1)"
                case .prefix(let prefix): "p:\(prefix)"
                case .gap(let low, let high): "g\(low),\(high)"
                }
            }
        }
        struct Rule {
            var id: String
            var entry: Int
            var phrase: String
            var sequences: [[String]]
        }
        var rules: [Rule] = []
        for (entryIndex, entry) in codebook.entries.enumerated() {
            let prefix = codebook.rulePrefix(for: entry.tag)
            let exclusions: [[String]] = entry.exclude.flatMap { phrase -> [[String]] in
                switch PhraseParser.expand(phrase) {
                case .success(let sequences): return sequences.map(normalise)
                case .failure(let error):
                    findings.append(LintFinding(severity: .error, rule: "\(prefix)/exclude", message: "'\(phrase)': \(error.message)"))
                    return []
                }
            }
            for (number, phrase) in entry.phrases.enumerated() {
                let id = "\(prefix)/\(number + 1)"
                switch PhraseParser.expand(phrase) {
                case .failure(let error):
                    findings.append(LintFinding(severity: .error, rule: id, message: "'\(phrase)': \(error.message)"))
                case .success(let sequences):
                    let normalised = sequences.map(normalise)
                    // Never matches: every variant contains an exclusion of the same tag, so every match is excluded.
                    let excluded = normalised.allSatisfy { sequence in exclusions.contains { contains(sequence, $0) } }
                    if excluded, !exclusions.isEmpty {
                        findings.append(
                            LintFinding(severity: .error, rule: id, message: "'\(phrase)' can never match: every match is excluded by the tag's own exclusions"))
                    }
                    rules.append(Rule(id: id, entry: entryIndex, phrase: phrase, sequences: normalised))
                }
            }
            for (nearIndex, near) in entry.near.enumerated() {
                let id = "\(prefix)/\(entry.phrases.count + nearIndex + 1)"
                if near.a.isEmpty || near.b.isEmpty {
                    findings.append(LintFinding(severity: .error, rule: id, message: "a proximity rule needs phrases on both sides"))
                }
                if near.within < 0 || near.within > 30 {
                    findings.append(LintFinding(severity: .error, rule: id, message: "'within' must be 0...30 words"))
                }
                for phrase in near.a + near.b {
                    if case .failure(let error) = PhraseParser.expand(phrase) {
                        findings.append(LintFinding(severity: .error, rule: id, message: "'\(phrase)': \(error.message)"))
                    }
                }
            }
        }
        // Claimed by two tags: an identical variant in two entries.
        var owners: [[String]: Int] = [:]
        var reported: Set<String> = []
        for (ruleIndex, rule) in rules.enumerated() {
            for sequence in rule.sequences {
                if let other = owners[sequence], rules[other].entry != rule.entry {
                    let first = rules[other]
                    let key = "\(first.id)|\(rule.id)"
                    if reported.insert(key).inserted {
                        let sameFacet = codebook.entries[first.entry].tag.facet == codebook.entries[rule.entry].tag.facet
                        findings.append(
                            LintFinding(
                                severity: sameFacet ? .error : .warning, rule: rule.id,
                                message: "'\(rule.phrase)' is also claimed by \(first.id) ('\(first.phrase)')"
                                    + (sameFacet ? " in the same facet" : " of another facet")))
                    }
                } else if owners[sequence] == nil {
                    owners[sequence] = ruleIndex
                }
            }
        }
        // Shadowed: every variant of a rule is a variant of an earlier rule of the same tag.
        var byEntry: [Int: [Rule]] = [:]
        for rule in rules { byEntry[rule.entry, default: []].append(rule) }
        for (_, list) in byEntry {
            for (index, rule) in list.enumerated() {
                for earlier in list[..<index] {
                    let earlierSet = Set(earlier.sequences)
                    if rule.sequences.allSatisfy({ earlierSet.contains($0) }) {
                        findings.append(
                            LintFinding(severity: .warning, rule: rule.id, message: "'\(rule.phrase)' is shadowed by \(earlier.id) ('\(earlier.phrase)'): it adds no match"))
                        break
                    }
                }
            }
        }
        // A wildcard whose bare word no rule of the tag matches: `nurse*` reaches "nurses" and
        // "nursery" but not "nurse" (by design), so "district nurse*" alone misses "district nurse".
        // Only prefixes that are themselves words of the codebook are checked ("belittl*" is not).
        for (_, list) in byEntry {
            let variants = list.flatMap(\.sequences)
            for rule in list {
                var missing: [String] = []
                for sequence in rule.sequences {
                    for (index, element) in sequence.enumerated() where element.hasPrefix("p:") {
                        let bare = String(element.dropFirst(2))
                        guard let wordClass = matcher.classOfWord[bare] else { continue }
                        var replaced = sequence
                        replaced[index] = "w\(wordClass)"
                        if !variants.contains(where: { contains(replaced, $0) }), !missing.contains(bare) {
                            missing.append(bare)
                        }
                    }
                }
                for bare in missing {
                    findings.append(
                        LintFinding(
                            severity: .warning, rule: rule.id,
                            message: "'\(rule.phrase)': '\(bare)*' does not match the bare word '\(bare)' and no rule of this tag does; add '\(bare)' if it is meant"))
                }
            }
        }
        return findings.sorted { ($0.severity == .error ? 0 : 1, $0.rule) < ($1.severity == .error ? 0 : 1, $1.rule) }
    }

    /// Whether `needle` occurs as a contiguous run inside `haystack`.
    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return true
        }
        return false
    }
}
