import ReviewModel
import TestSupport
import Testing

@testable import Tagging

/// The sweep's fast paths against the plain ones they replace: the per-sentence duplicate check
/// of evidence (``EvidenceCollector``) against a set of (key, range) pairs, and the insertion
/// sort of a sentence's lists (``MutableCollection/sortShortList(by:)``) against the standard
/// stable sort.
@Suite struct SweepFastPathTests {
    /// Sentences of 0 to 80 pieces (past the point where the check switches from comparing the
    /// sentence's pieces one by one to a hash set), over few keys and spans so that many repeat:
    /// a piece is new exactly when its (key, range) pair is new in its sentence.
    @Test func duplicateCheckPerSentenceMatchesASetOfPairs() {
        var collector = EvidenceCollector(entryCount: 4)
        var numbers = SeededGenerator(seed: 7)
        var mismatches = 0
        var repeats = 0
        var longest = 0
        for _ in 0..<400 {
            collector.beginSentence()
            var seen = Set<[Int]>()
            let pieces = numbers.below(81)
            longest = max(longest, pieces)
            for _ in 0..<pieces {
                let slot = numbers.below(6)
                let start = numbers.below(12) * 3
                let range = TextRange(start: start, end: start + 1 + numbers.below(3))
                let isNew = seen.insert([slot, range.start, range.end]).inserted
                if !isNew { repeats += 1 }
                let inserted = collector.insert(slot: slot, range: range)
                if inserted != isNew { mismatches += 1 }
                if inserted { collector.append(PendingEvidence(range: range, rule: 0, slot: Int32(slot))) }
            }
        }
        #expect(mismatches == 0)
        #expect(repeats > 1000)
        #expect(longest > EvidenceCollector.scanLimit * 2)
        // Every piece appended is in the list, with its key number, in the order appended.
        #expect(collector.order == collector.items.map(\.slot))
    }

    /// Target and mention lists of 0 to 40 spans (past the length where the standard sort takes
    /// over) with many equal starts and ends: the span sort gives the stable sort's order by
    /// (start, longer first), equal spans in their first order.
    @Test func spanSortIsTheStableSortByStartThenLength() {
        var numbers = SeededGenerator(seed: 23)
        var moved = 0
        for round in 0..<600 {
            let count = round % 41
            let targets = (0..<count).map { index in
                let start = numbers.below(8)
                return TargetMatch(entry: index, pattern: 0, start: start, end: start + 1 + numbers.below(3))
            }
            let expected = targets.sorted { ($0.start, -$0.end, $0.entry) < ($1.start, -$1.end, $1.entry) }.map(\.entry)
            var sorted = targets
            sorted.withUnsafeMutableBufferPointer { $0.sortBySpan() }
            #expect(sorted.map(\.entry) == expected, "targets: list of \(count)")
            if sorted.map(\.entry) != targets.map(\.entry) { moved += 1 }
            // Mentions, told apart by their entity.
            var mentions = targets.map { Mention(start: $0.start, end: $0.end, entity: $0.entry, kind: .role) }
            mentions.withUnsafeMutableBufferPointer { $0.sortBySpan() }
            #expect(mentions.map { $0.entity ?? -1 } == expected, "mentions: list of \(count)")
        }
        #expect(moved > 500)
    }

    /// Lists of 0 to 40 elements with many equal keys (past the length where the standard sort
    /// takes over): the same order as the standard stable sort, equal keys in their first order.
    @Test func shortListSortIsTheStableSort() {
        var numbers = SeededGenerator(seed: 11)
        for round in 0..<600 {
            let count = round % 41
            let list = (0..<count).map { index in (key: numbers.below(6), index: index) }
            var sorted = list
            sorted.sortShortList { $0.key < $1.key }
            let expected = list.sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
            #expect(sorted.map(\.index) == expected.map(\.index), "list of \(count)")
            // Through a buffer, as the sweep sorts its mention and target lists.
            var buffered = list
            buffered.withUnsafeMutableBufferPointer { $0.sortShortList { $0.key < $1.key } }
            #expect(buffered.map(\.index) == expected.map(\.index), "buffer of \(count)")
        }
    }

    /// The sweep's one word per pattern (``SweepCode``) read back as the pattern kind it stands
    /// for: a target's entry, the ``SweepBits`` and the mention (role, kin noun, pronoun with its
    /// gender and possessive), for every pattern of the shipped codebook and for every kind.
    @Test func sweepCodeSaysWhatThePatternKindSays() {
        let compiled = sharedTagger.compiled
        var kinds = compiled.kinds
        kinds += [
            .tag(entry: 0, rule: 1), .tag(entry: 70_000, rule: 3), .exclusion(entry: 5), .proximity(entry: 2, near: 1, side: 1),
            .negationPre, .negationPost, .pseudo, .termination, .hypotheticalPre, .hypotheticalPost, .incident, .victim,
            .perpetrator, .child, .declare, .roleCue(victim: true, after: false), .kin(3), .female, .male,
            .pronoun(.male, possessive: true), .pronoun(.male, possessive: false), .pronoun(.female, possessive: true),
            .pronoun(.female, possessive: false), .title(.female), .title(nil),
        ] + Ethnicity.allCases.map { .ethnicity($0) }
        var mismatches: [PatternKind] = []
        var seen: Set<String> = []
        for (index, kind) in kinds.enumerated() {
            let code = index < compiled.kinds.count ? compiled.sweepCodes[index] : SweepCode.of(kind)
            if case .tag(let entry, _) = kind {
                if code != entry { mismatches.append(kind) }
                seen.insert("target")
                continue
            }
            guard code < 0 else {
                mismatches.append(kind)
                continue
            }
            let facts = ~code
            let mention: String?
            switch (facts >> 8) & 7 {
            case SweepCode.none: mention = nil
            case SweepCode.victim: mention = "victim"
            case SweepCode.perpetrator: mention = "perpetrator"
            case SweepCode.child: mention = "child"
            case SweepCode.kin: mention = "kin"
            case SweepCode.pronoun:
                mention = "pronoun \(facts & SweepCode.male != 0 ? Gender.male : .female) \(facts & SweepCode.possessive != 0)"
            default: mention = "?"
            }
            let expected: String?
            switch kind {
            case .victim: expected = "victim"
            case .perpetrator: expected = "perpetrator"
            case .child: expected = "child"
            case .kin: expected = "kin"
            case .pronoun(let gender, let possessive): expected = "pronoun \(gender) \(possessive)"
            default: expected = nil
            }
            if mention != expected || UInt8(truncatingIfNeeded: facts) != SweepBits.of(kind) || facts >> 13 != 0 { mismatches.append(kind) }
            seen.insert(mention ?? "none")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // Every outcome came up: a target, no mention, the four mentions and the four pronouns.
        #expect(compiled.kinds.count > 3000)
        #expect(seen.count == 10, "\(seen.sorted())")
    }
}
