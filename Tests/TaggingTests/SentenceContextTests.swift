import TestSupport
import Testing

@testable import Tagging

/// ``SentenceContext/rebuild(matches:compiled:tokens:sentenceStart:)`` (one pass over the
/// matches, then the triggers a pseudo-trigger covers dropped) against the two passes it
/// replaces (pseudo-triggers and terminations first, then every trigger checked against them), on
/// random sentences of the shipped codebook's context patterns.
@Suite struct SentenceContextTests {
    typealias Fields = [[Int]]

    /// The triggers and terminations of a context, as plain numbers.
    static func fields(_ context: SentenceContext) -> Fields {
        func list(_ triggers: some Collection<SentenceContext.Trigger>, _ tag: Int) -> Fields {
            triggers.map { [tag, $0.start, $0.end, $0.scope, $0.textStart, $0.textEnd] }
        }
        return list(context.negationPre, 1) + list(context.negationPost, 2) + list(context.hypotheticalPre, 3)
            + list(context.hypotheticalPost, 4) + context.terminations.map { [5, $0] } + [[6, context.preScope, context.postScope]]
    }

    /// The two-pass build (the code before the one-pass rebuild), kept here as the reference.
    static func reference(_ matches: [Match], compiled: CompiledCodebook, tokens: Tokens, sentenceStart: Int) -> Fields {
        var pseudo: [(Int, Int)] = []
        var terminations: [Int] = []
        for match in matches {
            switch compiled.contextClasses[Int(match.pattern)] {
            case ContextClass.pseudo: pseudo.append((Int(match.start), Int(match.end)))
            case ContextClass.termination: terminations.append(Int(match.start))
            default: break
            }
        }
        var valid: [(match: Match, kind: UInt8)] = []
        for match in matches {
            let kind = compiled.contextClasses[Int(match.pattern)]
            guard ContextClass.isTrigger(kind) else { continue }
            if compiled.caseSensitiveTrigger[Int(match.pattern)], Int(match.start) != sentenceStart,
                tokens.flags[Int(match.start)] & Tokens.capitalised != 0
            {
                continue
            }
            if pseudo.contains(where: { $0.0 <= Int(match.start) && Int(match.end) <= $0.1 }) { continue }
            valid.append((match, kind))
        }
        var lists: [UInt8: Fields] = [:]
        for (match, kind) in valid {
            let longer = valid.contains { other in
                other.kind == kind && other.match != match && other.match.start <= match.start && match.end <= other.match.end
                    && (other.match.end - other.match.start) > (match.end - match.start)
            }
            if longer { continue }
            lists[kind, default: []].append([
                Int(kind), Int(match.start), Int(match.end), compiled.scopes[Int(match.pattern)],
                Int(tokens.starts[Int(match.start)]), Int(tokens.ends[Int(match.end) - 1]),
            ])
        }
        let order = [ContextClass.negationPre, ContextClass.negationPost, ContextClass.hypotheticalPre, ContextClass.hypotheticalPost]
        return order.flatMap { lists[$0] ?? [] } + terminations.sorted().map { [5, $0] } + [[6, compiled.preScope, compiled.postScope]]
    }

    @Test func onePassRebuildEqualsTheTwoPassBuild() {
        let compiled = sharedTagger.compiled
        // The patterns of each context class, and some of no class.
        var byClass: [UInt8: [Int32]] = [:]
        for pattern in compiled.contextClasses.indices {
            byClass[compiled.contextClasses[pattern], default: []].append(Int32(pattern))
        }
        let caseSensitive = compiled.caseSensitiveTrigger.indices.filter { compiled.caseSensitiveTrigger[$0] }.map(Int32.init)
        #expect(byClass.count == 7)
        #expect(!caseSensitive.isEmpty)
        var numbers = SeededGenerator(seed: 23)
        var context = SentenceContext()
        var mismatches = 0
        var triggers = 0
        var covered = 0
        for _ in 0..<3000 {
            // A sentence of 2 to 40 tokens at a random offset, some of them capitalised.
            let length = 2 + numbers.below(39)
            let offset = numbers.below(5) * 7
            var tokens = Tokens()
            for index in 0..<offset + length {
                tokens.starts.append(Int32(index * 6))
                tokens.ends.append(Int32(index * 6 + 1 + numbers.below(5)))
                tokens.flags.append(numbers.below(3) == 0 ? Tokens.capitalised : 0)
            }
            // Matches of short spans over few starts, so that pseudo-triggers cover triggers and
            // triggers nest in longer ones of their kind.
            var matches: [Match] = []
            for _ in 0..<numbers.below(25) {
                // A case-sensitive trigger, a pattern of each class (1 to 6), or of none.
                let pick = numbers.below(9)
                let list = pick == 0 ? caseSensitive : byClass[UInt8(pick <= 6 ? pick : 0)] ?? []
                let start = offset + numbers.below(length)
                let end = min(offset + length, start + 1 + numbers.below(4))
                matches.append(Match(pattern: list[numbers.below(list.count)], start: Int32(start), end: Int32(end)))
            }
            let expected = SentenceContextTests.reference(matches, compiled: compiled, tokens: tokens, sentenceStart: offset)
            // One context for all rounds, as the sweep keeps one (its lists' storage reused).
            matches.withUnsafeBufferPointer { buffer in
                context.rebuild(matches: buffer, compiled: compiled, tokens: tokens, sentenceStart: offset)
            }
            if SentenceContextTests.fields(context) != expected { mismatches += 1 }
            let kept = expected.filter { (1...4).contains($0[0]) }.count
            let candidates = matches.filter { ContextClass.isTrigger(compiled.contextClasses[Int($0.pattern)]) }.count
            triggers += kept
            if kept < candidates { covered += 1 }
        }
        #expect(mismatches == 0)
        // The random sentences keep many triggers and drop some (covered, nested or capitalised).
        #expect(triggers > 3000)
        #expect(covered > 300)
    }
}
