import ReviewModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The context status of one target match, in the manner of NegEx/ConText.
enum ContextStatus: Sendable, Equatable {
    case affirmed
    case suppressed(SuppressedMatch.Reason, trigger: String)
}

/// A match of a codebook rule (a phrase or a proximity rule) inside one sentence.
struct TargetMatch: Sendable {
    /// Index of the codebook entry.
    var entry: Int
    /// A pattern of the rule (its id, `alcohol-misuse/3`, is `CompiledCodebook.ruleIDs[pattern]`;
    /// an index, not the string, so that building and copying targets retains nothing).
    var pattern: Int32
    /// Token range.
    var start: Int
    var end: Int
}

/// The triggers of one sentence, pruned, with the logic that decides whether a target is
/// negated or hypothetical.
///
/// Pre-triggers scope forward to the sentence end, a termination word, or their scope in
/// words; post-triggers look back at most `postScope` words. A trigger that starts before a
/// target and overlaps it ("no history of" + "history of violence") negates it; a trigger that
/// starts inside a target (or at its first word) is part of the phrase and does not.
/// Pseudo-triggers ("not only", "no longer") cancel every trigger they cover.
struct SentenceContext {
    struct Trigger {
        var start: Int
        var end: Int
        var scope: Int
        /// UTF-8 range of the trigger's text (the text is cut only when a target is suppressed).
        var textStart: Int
        var textEnd: Int
    }

    // (Scratch lists: their storage is reused from sentence to sentence, and emptying one
    // is a store, not a removal per element.)
    var negationPre = ScratchList<Trigger>()
    var negationPost = ScratchList<Trigger>()
    var hypotheticalPre = ScratchList<Trigger>()
    var hypotheticalPost = ScratchList<Trigger>()
    /// Token indexes where a termination word starts.
    var terminations = ScratchList<Int>()
    /// Semicolons, each as the index of the token after it (``addSemicolonBreaks(tokens:from:to:text:)``).
    var semicolons = ScratchList<Int>()
    /// The pseudo-triggers' token spans and the triggers no pseudo-trigger covers, with their
    /// kinds (kept only while the context is rebuilt).
    private var pseudo = ScratchList<(Int, Int)>()
    private var valid = ScratchList<(match: Match, kind: UInt8)>()
    var preScope: Int
    var postScope: Int

    /// A context with no trigger: every target is affirmed (nothing allocated).
    init() {
        preScope = 0
        postScope = 0
    }

    /// The context of one sentence. The parameters are borrowed: an initializer takes its
    /// arguments owned by default, which made every sentence retain and release the six token
    /// columns, the matches and the codebook.
    init(matches: UnsafeBufferPointer<Match>, compiled: borrowing CompiledCodebook, tokens: borrowing Tokens, sentenceStart: Int) {
        self.init()
        rebuild(matches: matches, compiled: compiled, tokens: tokens, sentenceStart: sentenceStart)
    }

    /// Makes this the context of another sentence, reusing the trigger lists' storage (the
    /// sweep keeps one context for all sentences).
    mutating func rebuild(
        matches: UnsafeBufferPointer<Match>, compiled: borrowing CompiledCodebook, tokens: borrowing Tokens, sentenceStart: Int
    ) {
        negationPre.truncate(to: 0)
        negationPost.truncate(to: 0)
        hypotheticalPre.truncate(to: 0)
        hypotheticalPost.truncate(to: 0)
        terminations.truncate(to: 0)
        semicolons.truncate(to: 0)
        // (Read from the compiled codebook: reading them through `codebook.context` copied the lexicon.)
        preScope = compiled.preScope
        postScope = compiled.postScope
        // (The sweep rebuilds the context only for a sentence with a negation or hypothetical
        // trigger: without one every target is affirmed. Each match's class is one byte,
        // ``CompiledCodebook/contextClasses``, read through the class: a local copy of the array
        // was retained and released per sentence.)
        // Plain loops over the columns (no nested function capturing `tokens`: that copied its six arrays).
        pseudo.truncate(to: 0)
        valid.truncate(to: 0)
        // One pass over the matches: pseudo-triggers, terminations, and the triggers in match order
        // ("May 2019", "Will" as a name: a case-sensitive trigger counts only in lower case or at
        // the sentence start); then the triggers a pseudo-trigger covers are dropped.
        var position = matches.startIndex
        while position < matches.endIndex {
            let match = matches[position]
            position += 1
            let kind = compiled.contextClasses[Int(match.pattern)]
            switch kind {
            case ContextClass.pseudo: pseudo.append((Int(match.start), Int(match.end)))
            case ContextClass.termination: terminations.append(Int(match.start))
            case _ where ContextClass.isTrigger(kind):
                if compiled.caseSensitiveTrigger[Int(match.pattern)], Int(match.start) != sentenceStart,
                    tokens.flags[Int(match.start)] & Tokens.capitalised != 0
                {
                    continue
                }
                valid.append((match, kind))
            default: break
            }
        }
        // The triggers no pseudo-trigger covers (compacted in place, in match order).
        if !pseudo.isEmpty {
            var kept = 0
            for index in valid.indices where !SentenceContext.covered(valid[index].match, by: pseudo) {
                valid[kept] = valid[index]
                kept += 1
            }
            valid.truncate(to: kept)
        }
        for index in valid.indices {
            let (match, kind) = valid[index]
            // Prune a trigger contained in a longer one of the same kind.
            var longer = false
            for other in valid.indices {
                let candidate = valid[other].match
                if valid[other].kind == kind, candidate != match, candidate.start <= match.start, match.end <= candidate.end,
                    (candidate.end - candidate.start) > (match.end - match.start)
                {
                    longer = true
                    break
                }
            }
            if longer { continue }
            let trigger = Trigger(
                start: Int(match.start), end: Int(match.end), scope: compiled.scopes[Int(match.pattern)],
                textStart: Int(tokens.starts[Int(match.start)]), textEnd: Int(tokens.ends[Int(match.end) - 1]))
            switch kind {
            case ContextClass.negationPre: negationPre.append(trigger)
            case ContextClass.negationPost: negationPost.append(trigger)
            case ContextClass.hypotheticalPre: hypotheticalPre.append(trigger)
            case ContextClass.hypotheticalPost: hypotheticalPost.append(trigger)
            default: break
            }
        }
        if terminations.count > 1 { terminations.sort() }
    }

    /// Whether a pseudo-trigger covers the match.
    private static func covered(_ match: Match, by pseudo: ScratchList<(Int, Int)>) -> Bool {
        pseudo.contains { $0.0 <= Int(match.start) && Int(match.end) <= $0.1 }
    }

    static func text(of match: Match, tokens: Tokens, in text: String) -> String {
        let start = Int(tokens.starts[Int(match.start)])
        let end = Int(tokens.ends[Int(match.end) - 1])
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(lower, offsetBy: end - start)
        return String(text[lower..<upper])
    }

    private func text(of trigger: Trigger, in text: String) -> String {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: trigger.textStart)
        let upper = utf8.index(lower, offsetBy: trigger.textEnd - trigger.textStart)
        return String(text[lower..<upper])
    }

    /// A trigger scope (` @N` in the codebook) from which on the trigger covers a whole
    /// statement: termination words ("who", "but") do not end it ("The definition of domestic
    /// abuse is any incident ... between those aged 16 or over who are ... partners").
    static let statementScope = 30

    /// Whether a termination word starts in tokens `from..<to`, or a semicolon stands anywhere
    /// between token `from - 1` and token `to` (right after the trigger or right before the target).
    private func terminated(from: Int, to: Int) -> Bool {
        terminations.contains { $0 >= from && $0 < to } || semicolons.contains { $0 >= from && $0 <= to }
    }

    /// Records the semicolons between the sentence's tokens `from..<to`: a semicolon ends a
    /// trigger's scope as a termination word does. Reviews list findings and events with them
    /// ("the concerns raised by his mother were not acted upon; and the neighbour dispute was
    /// managed as antisocial behaviour"), and a negation stays in its own item. Called after
    /// ``rebuild(matches:compiled:tokens:sentenceStart:)``; `text` holds the document's UTF-8
    /// bytes the tokens' offsets point into.
    mutating func addSemicolonBreaks(tokens: borrowing Tokens, from: Int, to: Int, text: UnsafeBufferPointer<UInt8>) {
        guard to - from > 1, let base = text.baseAddress else { return }
        // Most sentences have none: one memchr over the sentence's bytes decides.
        let first = Int(tokens.ends[from])
        let last = Int(tokens.starts[to - 1])
        guard first < last, memchr(base + first, 0x3B, last - first) != nil else { return }
        for index in (from + 1)..<to {
            var position = Int(tokens.ends[index - 1])
            let gapEnd = Int(tokens.starts[index])
            while position < gapEnd {
                if text[position] == 0x3B {
                    semicolons.append(index)
                    break
                }
                position += 1
            }
        }
    }

    private func preTrigger(_ triggers: ScratchList<Trigger>, target: TargetMatch) -> Trigger? {
        for trigger in triggers where trigger.start < target.start {
            if trigger.end > target.start { return trigger }  // shares words with the phrase
            let scope = trigger.scope > 0 ? trigger.scope : preScope
            if target.start - trigger.end <= scope, trigger.scope >= Self.statementScope || !terminated(from: trigger.end, to: target.start) {
                return trigger
            }
        }
        return nil
    }

    private func postTrigger(_ triggers: ScratchList<Trigger>, target: TargetMatch) -> Trigger? {
        for trigger in triggers where trigger.start >= target.end {
            let scope = trigger.scope > 0 ? trigger.scope : postScope
            if trigger.start - target.end <= scope, trigger.scope >= Self.statementScope || !terminated(from: target.end, to: trigger.start) {
                return trigger
            }
        }
        return nil
    }

    /// Whether the target is negated or hypothetical (negation wins); `text` is the document
    /// text the trigger ranges point into.
    func status(of target: TargetMatch, text: String) -> ContextStatus {
        guard let (reason, trigger) = suppression(of: target) else { return .affirmed }
        return .suppressed(reason, trigger: self.text(of: trigger, in: text))
    }

    /// The reason and the trigger that suppress the target (negation wins), or nil when it is
    /// affirmed: ``status(of:text:)`` without the text, which the sweep cuts (with
    /// ``triggerText(_:in:)``) only for a suppressed target.
    @inline(__always)
    func suppression(of target: TargetMatch) -> (SuppressedMatch.Reason, Trigger)? {
        // No trigger at all (most sentences): nothing to look through.
        if negationPre.isEmpty, negationPost.isEmpty, hypotheticalPre.isEmpty, hypotheticalPost.isEmpty { return nil }
        if let trigger = preTrigger(negationPre, target: target) ?? postTrigger(negationPost, target: target) {
            return (.negated, trigger)
        }
        if let trigger = preTrigger(hypotheticalPre, target: target) ?? postTrigger(hypotheticalPost, target: target) {
            return (.hypothetical, trigger)
        }
        return nil
    }

    /// The text of a trigger of this context.
    func triggerText(_ trigger: Trigger, in text: String) -> String { self.text(of: trigger, in: text) }
}
