import ReviewModel

/// Suggests tags for review documents: codebook rules matched in one pass, filtered by
/// negation and hypothetical context, attributed to the victim or the perpetrator, with a
/// category, a review type and per-person demographics. Immutable and `Sendable`: build one
/// and share it across tasks.
///
/// ```swift
/// let tagger = try Tagger(codebook: try Codebook.loadDefault())
/// let result = tagger.tag(document)
/// for suggestion in result.suggestions { print(suggestion.key, suggestion.evidence.count) }
/// ```
public struct Tagger: Sendable {
    let compiled: CompiledCodebook

    /// Compiles the codebook's rules into one automaton.
    public init(codebook: Codebook) throws(CodebookError) {
        compiled = try CompiledCodebook(codebook: codebook)
    }

    /// The codebook the tagger was built from.
    public var codebook: Codebook { compiled.codebook }

    /// Tags one document.
    ///
    /// - Complexity: O(n) in the document's text plus O(w × d) per sentence for matching
    ///   (see ``CompiledMatcher``); context and attribution are linear sweeps per sentence.
    public func tag(_ document: ReviewDocument) -> TaggingResult {
        var run = TaggingRun(compiled: compiled, document: document)
        return run.run()
    }

    /// Tags one document, with or without its suppressed matches.
    ///
    /// `tag(document, includeSuppressed: false)` gives the result of ``tag(_:)`` with an empty
    /// ``TaggingResult/suppressed``: the same suggestions, category, review type and people,
    /// for less work (no text, source position or trigger is cut for a match the tagger drops,
    /// about two pieces in five). For callers that never show why a match was dropped, such as
    /// bulk re-tagging.
    public func tag(_ document: ReviewDocument, includeSuppressed: Bool) -> TaggingResult {
        var run = TaggingRun(compiled: compiled, document: document)
        run.keepSuppressed = includeSuppressed
        return run.run()
    }

    /// Tokenises `text` and runs the automaton over it (all trigger and rule patterns),
    /// returning the number of raw matches: the match-only figure of the benchmark.
    public func matchOnly(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { bytes in
            let tokens = compiled.matcher.tokenize(bytes)
            // Chunks of at most 64 words stand in for sentences.
            let ranges = stride(from: 0, to: tokens.count, by: 64).map { $0..<min(tokens.count, $0 + 64) }
            var matches: [Match] = []
            matches.reserveCapacity(tokens.count / 4)
            _ = compiled.matcher.match(tokens, ranges: ranges, into: &matches)
            return matches.count
        }
    }
}

/// Lists the sweep refills for every sentence, kept between sentences so that their storage is
/// reused. Only their capacity carries over: each sentence empties them first. (The mention and
/// target lists are the cursor's: see ``SweepCursor``.)
struct SweepScratch {
    var context = SentenceContext()
    /// The sides of proximity rules of a sentence (``TaggingRun/completeTargets(_:hasProximity:_:)``).
    var sides: [ProximitySide] = []
}

/// One side of a proximity rule matched in a sentence: the rule as (entry << 32 | near), the
/// side (0 or 1) and the token span.
struct ProximitySide {
    var key: Int64
    var side: UInt8
    var start: Int
    var end: Int
}

/// One sentence's place in the token and match arrays.
struct SentenceSpan {
    var range: TextRange
    var tokenFrom: Int
    var tokenTo: Int
    var block: Int
    var matchFrom: Int
    var matchTo: Int
    var hypotheticalSection: Bool
}

/// The state of tagging one document.
struct TaggingRun {
    let compiled: CompiledCodebook
    let document: ReviewDocument
    var tokens = Tokens()
    var sentences: [SentenceSpan] = []
    var matches: [Match] = []
    var people = PeopleModel()
    var reviewType: ReviewTypeDetection?

    // Results.
    var evidence: [TagKey: [Evidence]] = [:]
    /// Evidence as the sweep collects it (moved into `evidence` when the sweep ends).
    var collector: EvidenceCollector
    var suppressed: [SuppressedMatch] = []
    /// Whether suppressed matches are recorded (``Tagger/tag(_:includeSuppressed:)``): when
    /// false, ``suppress(_:_:_:_:)`` and the finishing steps record none, and no trigger text is
    /// cut for them. Nothing else reads them: the result differs only in `suppressed`.
    var keepSuppressed = true
    var categoryScores: [String: Double] = [:]
    var categoryEvidence: [String: [String]] = [:]
    var relationCounts: [String: Double] = [:]
    /// How explicit each entity's recorded age statement was (0 best).
    var agePriority: [Int: Int] = [:]
    /// Role scores per entity (victim, perpetrator), kept for diagnostics.
    var debugScores: [Int: (Double, Double)] = [:]
    /// Incremental tagging: blocks swept, and whether discovery's result was reused.
    var sweptBlocks = 0
    var skippedDiscovery = false
    /// Lists the sweep refills for every sentence (their storage reused, not allocated anew).
    var sweepScratch = SweepScratch()
    /// The capitalised tokens: people discovery's index, which the sweep reads names at (built
    /// by the sweep itself when discovery did not run; see ``ensureCapitals()``).
    var capitals = CapitalIndex(Tokens(), sentences: [])
    var capitalsBuilt = false
    /// The name mentions of the sentences the sweep is at: of every sentence once people discovery
    /// is done (``voteGenders(sentenceKinds:)``), else found a chunk at a time (the incremental
    /// sweep empties them when it starts).
    var sweepNames = SweepNames()

    init(compiled: CompiledCodebook, document: ReviewDocument) {
        self.compiled = compiled
        self.document = document
        collector = EvidenceCollector(entryCount: compiled.facts.tags.count)
    }

    var lexicon: Codebook.PeopleLexicon { compiled.codebook.people }

    mutating func run() -> TaggingResult {
        tokenizeAndMatch()
        var result = analyse()
        // One sweep numbered every span (``flushCollectedEvidence()``); spans added after it
        // (``makeEvidence(_:_:)``) have no numbers.
        result.evidenceNumbered = true
        return result
    }

    /// Everything after tokenising and matching (shared with incremental tagging).
    mutating func analyse() -> TaggingResult {
        detectReviewType()
        people.victimIsChild = reviewType?.id == "scr"
        people.subjectIsPerpetrator = reviewType?.id == "iir"
        readPeopleTables()
        discoverPeople()
        sweep()
        return finish()
    }

    // MARK: - Tokens, sentences, matches

    mutating func tokenizeAndMatch() {
        var text = document.text
        tokens = text.withUTF8 { compiled.matcher.tokenize($0) }
        // Once per block: whether it lies in (or is the heading of) a recommendations section.
        let blockHypothetical = compiled.hypotheticalSections.blocks(of: document)
        // Token range and block of each sentence (sentences and blocks are in text order: the
        // block is found by stepping forward, with a binary search when that fails), written
        // straight into the sentence spans; the matcher fills in their match ranges.
        var tokenIndex = 0
        var spans: [SentenceSpan] = []
        spans.reserveCapacity(document.sentences.count)
        let blockRanges = document.blocks.map(\.range)
        var blockCursor = 0
        tokens.starts.withUnsafeBufferPointer { starts in
            for range in document.sentences {
                while tokenIndex < starts.count, Int(starts[tokenIndex]) < range.start { tokenIndex += 1 }
                let from = tokenIndex
                let to = TaggingRun.firstToken(startingAtOrAfter: range.end, in: starts, from: from)
                tokenIndex = to
                var block: Int?
                while blockCursor < blockRanges.count, blockRanges[blockCursor].end <= range.start { blockCursor += 1 }
                if blockCursor < blockRanges.count, blockRanges[blockCursor].start <= range.start {
                    block = blockCursor
                } else {
                    block = document.blockIndex(containing: range.start)
                    if let block { blockCursor = block }
                }
                let sentenceBlock = block ?? 0
                spans.append(
                    SentenceSpan(
                        range: range, tokenFrom: from, tokenTo: to, block: sentenceBlock, matchFrom: 0, matchTo: 0,
                        hypotheticalSection: blockHypothetical.isEmpty ? false : blockHypothetical[sentenceBlock]))
            }
        }
        matches = compiled.matcher.match(tokens, sentences: &spans)
        sentences = spans
    }

    /// The first token at or after `from` that starts at or after `offset` (`starts.count` when
    /// none does): a gallop from `from` (a sentence holds a few dozen tokens) then a binary search
    /// of the last step whose comparisons pick the next half without a branch (as a branch, each
    /// was mispredicted about every other time).
    @inline(__always)
    static func firstToken(startingAtOrAfter offset: Int, in starts: UnsafeBufferPointer<Int32>, from: Int) -> Int {
        var low = from
        var step = 8
        var high = from
        // Invariant: every token before `low` starts before `offset`.
        while true {
            high = low + step
            if high >= starts.count {
                high = starts.count
                break
            }
            if Int(starts[high - 1]) >= offset { break }
            low = high
            step <<= 1
        }
        // The answer lies in `low...high`; each halving keeps the half it lies in, to one candidate.
        // (`start - offset` is negative, its sign bit a mask of ones, when the token starts before
        // the offset: the compiler made a branch of a conditional expression. Offsets are Int32.)
        var length = high &- low
        while length > 1 {
            let half = length &>> 1
            low &+= half & ((Int(starts[low &+ half &- 1]) &- offset) &>> 63)
            length &-= half
        }
        if length == 1 { low &+= ((Int(starts[low]) &- offset) &>> 63) & 1 }
        return low
    }

    @inline(__always)
    func kind(_ match: Match) -> PatternKind { compiled.kinds[Int(match.pattern)] }

    /// Whether token `index` is the lower-case word with this hash.
    @inline(__always)
    func isWord(_ index: Int, _ hash: UInt64) -> Bool { index >= 0 && index < tokens.count && tokens.hashes[index] == hash }

    func text(tokens from: Int, _ to: Int) -> String {
        guard to > from else { return "" }
        return document.substring(TextRange(start: Int(tokens.starts[from]), end: Int(tokens.ends[to - 1])))
    }

    func lowerWord(_ index: Int) -> String { text(tokens: index, index + 1).lowercased() }

    // MARK: - Review type

    mutating func detectReviewType() {
        if let declared = document.metadata.reviewType {
            reviewType = declared
            return
        }
        var counts: [String: (Int, String)] = [:]
        let limit = min(sentences.count, 60)
        for sentenceIndex in 0..<limit {
            let sentence = sentences[sentenceIndex]
            let weight = document.blocks.isEmpty ? 1 : (document.blocks[sentence.block].kind == .heading || sentenceIndex < 3 ? 3 : 1)
            for match in matches[sentence.matchFrom..<sentence.matchTo] {
                guard case .tag(let entry, _) = kind(match) else { continue }
                let tag = compiled.codebook.entries[Int(entry)].tag
                guard tag.facet == Taxonomy.reviewTypeFacet else { continue }
                let previous = counts[tag.id] ?? (0, text(tokens: Int(match.start), Int(match.end)))
                counts[tag.id] = (previous.0 + weight, previous.1)
            }
        }
        if let best = counts.max(by: { $0.value.0 < $1.value.0 || ($0.value.0 == $1.value.0 && $0.key > $1.key) }) {
            reviewType = ReviewTypeDetection(id: best.key, evidence: best.value.1)
        }
    }
}
