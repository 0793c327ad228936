import Foundation
import ReviewModel

// Added by the language server (owner: lsp) for keystroke-rate re-tagging. It reuses the
// internal pipeline of `TaggingRun`; `Tests/LanguageServerTests` checks that the result
// equals `Tagger.tag(_:)` on real documents and after edits.

/// Tokens and rule matches of a document's blocks, kept between taggings of successive
/// versions of one document so that only blocks whose text changed are tokenised and matched
/// again. Discovery of people, context and attribution still run over the whole document, so
/// the result is exactly that of ``Tagger/tag(_:)``, except after edits that provably change
/// nothing the tagger reads (see ``Tagger/update(_:from:to:change:)``): then the last result is
/// moved along with the text.
public struct TaggingCache: Sendable {
    struct BlockEntry: Sendable {
        /// Tokens with offsets relative to the block's start.
        var tokens: Tokens
        /// Sentence ranges relative to the block's start.
        var sentences: [TextRange]
        /// Per sentence: its token range (relative) and its matches (token indexes relative).
        var sentenceTokens: [Range<Int>]
        var sentenceMatches: [[Match]]
    }

    /// A block's text, hashed once (FNV-1a over its bytes) so that lookups do not hash
    /// (and Unicode-normalise) the whole string.
    struct BlockKey: Hashable, Sendable {
        var hash: UInt64
        var bytes: [UInt8]

        init(_ bytes: ArraySlice<UInt8>) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            self.hash = hash
            self.bytes = Array(bytes)
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (lhs: BlockKey, rhs: BlockKey) -> Bool { lhs.hash == rhs.hash && lhs.bytes == rhs.bytes }
    }

    var blocks: [BlockKey: BlockEntry] = [:]

    /// The whole-document arrays of the last tagging, with the document they belong to, so
    /// that an edit inside one block (``Tagger/update(_:from:to:change:)``) replaces that block's part
    /// and shifts the rest instead of rebuilding them from every block.
    struct Snapshot: Sendable {
        var text: [UInt8]
        var blocks: [Block]
        var sentenceRanges: [TextRange]
        var tokens: Tokens
        var sentences: [SentenceSpan]
        var matches: [Match]
        /// Per block, its first token; one more entry for the end.
        var blockTokens: [Int]
        /// Per block, its first sentence; one more entry for the end.
        var blockSentences: [Int]
    }

    var snapshot: Snapshot?

    /// The document the cache was last tagged on or moved onto (kept, so that its storage
    /// identifies it: a document parsed afresh is never taken for it).
    var current: ReviewDocument?
    /// The result of tagging the snapshot's document before `inertChanges`, while every change
    /// since was inert; nil otherwise.
    var lastResult: TaggingResult?
    /// Inert changes of the snapshot's text since `lastResult`, in order.
    var inertChanges: [TextEdit] = []
    /// Hashes the last full tagging compared words against besides the codebook's and the
    /// tagger's own words: every capitalised word of the document and every word of a name.
    var referencedHashes: Set<UInt64> = []
    /// Whether the last tagging moved the previous result instead of running the tagger.
    public internal(set) var movedResult = false
    /// Blocks taken from the cache by the last tagging.
    public internal(set) var reusedBlocks = 0
    /// Blocks tokenised and matched by the last tagging.
    public internal(set) var computedBlocks = 0

    /// An empty cache.
    public init() {}
}

extension Tagger {
    /// Tags a document like ``tag(_:)``, reusing the tokens and matches of blocks whose text
    /// is in `cache` (from the previous version) and leaving in `cache` those of this version.
    ///
    /// When the cache was moved onto this very document with ``update(_:from:to:change:)``, its
    /// whole-document token and match arrays are used as they are.
    public func tag(_ document: ReviewDocument, cache: inout TaggingCache) -> TaggingResult {
        var run = TaggingRun(compiled: compiled, document: document)
        cache.movedResult = false
        if let snapshot = cache.snapshot, snapshot.sentenceRanges == document.sentences, snapshot.blocks == document.blocks,
            Self.equal(snapshot.text, document.text)
        {
            if let last = cache.lastResult, let current = cache.current, Self.same(current, document) {
                // Only inert edits since the last result: it holds with its ranges moved.
                let result = Self.move(last, through: cache.inertChanges, in: document)
                cache.lastResult = result
                cache.inertChanges = []
                cache.movedResult = true
                cache.reusedBlocks = document.blocks.count
                cache.computedBlocks = 0
                return result
            }
            run.tokens = snapshot.tokens
            run.sentences = snapshot.sentences
            run.matches = snapshot.matches
            cache.reusedBlocks = document.blocks.count
            cache.computedBlocks = 0
        } else {
            run.tokenizeAndMatch(cache: &cache)
        }
        let result = run.analyse()
        cache.current = nil
        cache.lastResult = nil
        if cache.snapshot != nil {
            cache.current = document
            cache.lastResult = result
            cache.inertChanges = []
            var referenced: Set<UInt64> = []
            for index in 0..<run.tokens.count where run.tokens.flags[index] & Tokens.capitalised != 0 {
                referenced.insert(run.tokens.hashes[index])
            }
            for (_, names) in run.people.names {
                for (key, _, _) in names { referenced.formUnion(key.hashes) }
            }
            cache.referencedHashes = referenced
        }
        return result
    }

    /// Whether two documents are one value (or copies of it): the same text and source storage.
    static func same(_ a: ReviewDocument, _ b: ReviewDocument) -> Bool {
        let text = a.text.utf8.withContiguousStorageIfAvailable { x in
            b.text.utf8.withContiguousStorageIfAvailable { y in x.baseAddress == y.baseAddress && x.count == y.count } ?? false
        } ?? false
        let source = a.sourceMap.lines.bytes.withUnsafeBufferPointer { x in
            b.sourceMap.lines.bytes.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress && x.count == y.count }
        }
        return text && source && a.metadata == b.metadata && a.blocks.count == b.blocks.count && a.sentences.count == b.sentences.count
            && a.sourceMap.segments.count == b.sourceMap.segments.count
    }

    /// Whether a document's text is these bytes (compared as memory, not as a string).
    static func equal(_ bytes: [UInt8], _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.count == utf8.count && (buffer.count == 0 || memcmp(buffer.baseAddress!, utf8.baseAddress!, buffer.count) == 0)
            }
        }
    }

    /// A result moved through inert changes: evidence after each change shifts by its length
    /// difference (none overlaps one), and positions on the changed source lines are placed again.
    static func move(_ result: TaggingResult, through changes: [TextEdit], in document: ReviewDocument) -> TaggingResult {
        guard !changes.isEmpty else { return result }
        var result = result
        var lines: Set<Int> = []
        func moved(_ evidence: Evidence) -> Evidence {
            var evidence = evidence
            var shifted = false
            for change in changes where evidence.range.start >= change.start + change.oldLength {
                evidence.range = TextRange(start: evidence.range.start + change.delta, end: evidence.range.end + change.delta)
                shifted = true
            }
            if shifted, lines.contains(evidence.line) {
                let position = document.sourceMap.position(ofText: evidence.range.start)
                evidence.line = position.line
                evidence.character = position.utf16Column
            }
            return evidence
        }
        // The source lines the changes lie on (inert changes add or remove no line break), each
        // change's offset carried through the later changes into this document's text.
        for (index, change) in changes.enumerated() {
            var offset = change.start
            for later in changes[(index + 1)...] where later.start + later.oldLength <= offset { offset += later.delta }
            lines.insert(document.sourceMap.position(ofText: offset).line)
        }
        for index in result.suggestions.indices {
            result.suggestions[index].evidence = result.suggestions[index].evidence.map(moved)
        }
        for index in result.suppressed.indices {
            result.suppressed[index].evidence = moved(result.suppressed[index].evidence)
        }
        return result
    }

    /// Words the tagger compares by value (outside the codebook's phrases, which the matcher
    /// knows): changing one of them is never inert. Every lower-case string literal of the
    /// tagging sources is here; a test fails when one is added there and not here.
    public static let taggerWords: Set<String> = [
        // Category cues and ages of other people (CategoryCues.swift, Finish.swift, Sweep.swift).
        "adolescents", "suicide", "people", "pupils", "students", "several", "persons", "household", "cousins", "males", "girls",
        "lads", "some", "men", "brothers", "siblings", "peers", "others", "women", "sisters", "teenagers", "youths", "boys", "friends",
        "newborn", "toddler", "infant", "neonate", "context", "escalation", "occasions", "occasion", "times", "pattern", "history",
        "previous", "previously", "earlier", "frequent", "frequently", "escalating", "escalated", "series", "ongoing", "years",
        "months", "weeks", "had", "often", "regularly", "increasingly", "past", "gang-involvement", "were", "was", "he", "she", "his",
        "her", "is", "members", "associates",
        "a", "accused", "acquaintance", "admitted", "adolescent", "adult", "after", "age", "aged", "agreed", "alleged",
        "also", "am", "an", "and", "april", "as", "asian", "asked", "assailant", "assaulted", "at", "attended", "august",
        "babies", "baby", "be", "became", "been", "before", "began", "being", "between", "black", "boy", "british", "by",
        "called", "carer", "child", "children", "couple", "gentleman", "lady", "homicide", "outcome", "neglect", "christmas", "client", "connection", "continued", "could", "daughters",
        "day", "days", "death", "deceased", "december", "defendant", "denied", "described", "description", "dhr", "did",
        "died", "disabled", "disclosed", "divorced", "does", "dr", "drank", "early", "easter", "eight", "eighteen",
        "eighties", "eighty", "elder", "elderly", "eldest", "eleven", "escalation", "ethnic", "ethnicity", "explained", "f",
        "family", "father", "february", "felt", "female", "fifteen", "fifties", "fifty", "five", "for", "forties", "forty",
        "four", "fourteen", "frail", "friday", "from", "future", "gender", "girl", "had", "has", "he", "her", "heritage",
        "hers", "herself", "him", "himself", "his", "hit", "homelessness", "hour", "hours", "iir", "in", "incident",
        "individual", "individuals", "infant", "initial", "initials", "involvement", "is", "january", "jnr", "july", "june",
        "junior", "kg", "killed", "killer", "late", "later", "left", "lived", "local", "location", "m", "male", "man",
        "march", "married", "may", "met", "metres", "mid", "middle", "might", "miles", "minutes", "miss", "mixed", "monday",
        "month", "months", "mother", "moved", "mr", "mrs", "ms", "murdered", "must", "mx", "name", "names", "nine",
        "nineteen", "nineties", "ninety", "november", "o", "october", "of", "offender", "old", "older", "on", "one", "only",
        "or", "other", "out", "over", "own", "parent", "partner", "patient", "per", "percent", "perpetrator", "person",
        "phoned", "pm", "pounds", "pregnant", "pseudonym", "pseudonyms", "race", "received", "referred", "refused",
        "relation", "relationship", "relative", "remained", "reported", "resident", "retired", "returned", "review", "risk",
        "role", "s", "said", "sar", "saturday", "saw", "says", "scr", "senior", "september", "service", "seven",
        "seventeen", "seventies", "seventy", "sex", "she", "should", "sibling", "since", "single", "six", "sixteen",
        "sixties", "sixty", "smoked", "snr", "sons", "spent", "stabbed", "stalking", "started", "status", "stopped",
        "stranger", "struck", "subject", "sunday", "suspect", "teenage", "teenager", "teens", "ten", "than", "the", "their",
        "then", "thirteen", "thirties", "thirty", "this", "three", "thursday", "till", "time", "times", "to", "told",
        "took", "tuesday", "twelve", "twenties", "twenty", "two", "under", "unemployed", "unemployment", "units", "until",
        "used", "victim", "visited", "vulnerable", "wanted", "was", "weapon", "wednesday", "week", "weeks", "went", "were",
        "when", "white", "who", "whom", "widowed", "will", "with", "witness", "woman", "would", "year", "years", "young",
        "younger", "youngest",
    ]

    /// Their hashes, with the tagger's word sets (which hold the same words).
    static let taggerHashes: Set<UInt64> = {
        var hashes = Set(taggerWords.map(Words2.hash))
        for set in [
            Words2.calendar, Words2.possessives, Words2.possessivePronouns, Words2.generation, Words2.codeWords, Words2.passive,
            Words2.personContext,
        ] {
            hashes.formUnion(set)
        }
        hashes.formUnion([Words2.by, Words2.s, Words2.her, Words2.his])
        return hashes
    }()

    /// Whether a token is a word the tagger treats as any other outside codebook phrases:
    /// lower case, no digits, not one of its own words, no capitalised word's or name's twin.
    /// (Codebook words are read only through the matcher, whose matches the caller compares.)
    /// Changing one such word into another changes no decision of the tagger.
    static func isPlain(_ tokens: Tokens, _ index: Int, referenced: Set<UInt64>) -> Bool {
        tokens.flags[index] == 0 && !taggerHashes.contains(tokens.hashes[index]) && !referenced.contains(tokens.hashes[index])
    }

    /// Moves `cache` from `previous` onto `document`, which differs from it by `change`
    /// inside one block (``ReviewDocument/patched(by:source:)``): that block is tokenised and
    /// matched again and the tokens, sentences and matches after it shift. Returns false
    /// (leaving the next tagging to the block-by-block path) when the cache does not hold the
    /// text before the change.
    ///
    /// When the change is inert (one word the tagger treats as any other became another such
    /// word, and no phrase match spans it) the next ``tag(_:cache:)`` of `document` returns
    /// the previous result with its ranges moved, which is what tagging would give.
    ///
    /// - Complexity: O(b) for the changed block plus O(n) shifting of the arrays after it.
    @discardableResult
    public func update(_ cache: inout TaggingCache, from previous: ReviewDocument, to document: ReviewDocument, change: TextEdit) -> Bool {
        guard var snapshot = cache.snapshot else { return false }
        cache.movedResult = false
        cache.snapshot = nil  // unique references: the arrays below are changed in place
        // A result carries over only from the very document the change was made to.
        if let current = cache.current, Self.same(current, previous) {} else {
            cache.lastResult = nil
            cache.inertChanges = []
        }
        cache.current = nil
        let blockIndex = change.block
        guard snapshot.blocks.count == document.blocks.count, blockIndex < document.blocks.count,
            snapshot.text.count + change.delta == document.text.utf8.count,
            snapshot.blockSentences[blockIndex] == change.firstSentence,
            snapshot.blockSentences[blockIndex + 1] - snapshot.blockSentences[blockIndex] == change.oldSentenceCount,
            snapshot.blockSentences[blockIndex + 1] > snapshot.blockSentences[blockIndex]
        else { return false }
        let block = document.blocks[blockIndex]
        // The block keeps its kind and section (so whether it lies in a hypothetical section).
        let old = snapshot.blocks[blockIndex]
        guard old.kind == block.kind, old.level == block.level, old.section == block.section,
            old.range.start == block.range.start, old.range.end + change.delta == block.range.end
        else { return false }
        let start = block.range.start
        let delta = change.delta
        // The text, blocks and sentence ranges of the new document.
        // The block's old bytes (the text is changed in place below; no copy of the whole).
        let oldBlock = Array(snapshot.text[block.range.start..<(block.range.end - change.delta)])
        snapshot.text.replaceSubrange(change.start..<(change.start + change.oldLength), with: document.text.utf8[
            document.text.utf8.index(document.text.utf8.startIndex, offsetBy: change.start)..<document.text.utf8.index(
                document.text.utf8.startIndex, offsetBy: change.start + change.newLength)])
        guard Self.equal(snapshot.text, document.text) else {
            cache.lastResult = nil
            return false
        }
        snapshot.blocks = document.blocks
        snapshot.sentenceRanges = document.sentences
        let blockSentenceRanges = document.sentences[change.firstSentence..<(change.firstSentence + change.newSentenceCount)]
        guard blockSentenceRanges.allSatisfy({ $0.start >= start && $0.end <= block.range.end }) else { return false }

        // The block's tokens and matches, sentence by sentence (as tokenizeAndMatch(cache:) does).
        let blockTokens = snapshot.text[start..<block.range.end].withUnsafeBufferPointer { compiled.matcher.tokenize($0) }
        let tokenFrom = snapshot.blockTokens[blockIndex]
        let tokenTo = snapshot.blockTokens[blockIndex + 1]
        let sentenceFrom = snapshot.blockSentences[blockIndex]
        let sentenceTo = snapshot.blockSentences[blockIndex + 1]
        let matchFrom = snapshot.sentences[sentenceFrom].matchFrom
        let matchTo = snapshot.sentences[sentenceTo - 1].matchTo
        let hypothetical = snapshot.sentences[sentenceFrom].hypotheticalSection
        var spans: [SentenceSpan] = []
        var blockMatches: [Match] = []
        var tokenIndex = 0
        for range in blockSentenceRanges {
            let relativeStart = range.start - start
            let relativeEnd = range.end - start
            while tokenIndex < blockTokens.count, Int(blockTokens.starts[tokenIndex]) < relativeStart { tokenIndex += 1 }
            let from = tokenIndex
            var to = from
            while to < blockTokens.count, Int(blockTokens.starts[to]) < relativeEnd { to += 1 }
            tokenIndex = to
            var found: [Match] = []
            compiled.matcher.match(blockTokens, from: from, to: to, into: &found)
            found.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            let first = matchFrom + blockMatches.count
            let base = Int32(tokenFrom)
            blockMatches.append(contentsOf: found.lazy.map { Match(pattern: $0.pattern, start: $0.start + base, end: $0.end + base) })
            spans.append(
                SentenceSpan(
                    range: range, tokenFrom: tokenFrom + from, tokenTo: tokenFrom + to, block: blockIndex, matchFrom: first,
                    matchTo: matchFrom + blockMatches.count, hypotheticalSection: hypothetical))
        }
        let tokenDelta = blockTokens.count - (tokenTo - tokenFrom)
        let matchDelta = blockMatches.count - (matchTo - matchFrom)
        let sentenceDelta = spans.count - (sentenceTo - sentenceFrom)

        // Inert: one plain word became another plain word and nothing else the tagger reads
        // moved (same tokens otherwise, same matches, same sentences; no match spans the word).
        // (Table cells are read as people tables too: never inert.)
        var inert = cache.lastResult != nil && block.kind != .tableCell && tokenDelta == 0 && matchDelta == 0 && sentenceDelta == 0
            && Array(snapshot.matches[matchFrom..<matchTo]) == blockMatches
        if inert {
            for (offset, span) in spans.enumerated() {
                let old = snapshot.sentences[sentenceFrom + offset]
                if old.tokenFrom != span.tokenFrom || old.tokenTo != span.tokenTo || old.matchFrom != span.matchFrom
                    || old.matchTo != span.matchTo
                {
                    inert = false
                }
            }
        }
        if inert {
            // The tokens whose bytes changed (only those touching the change can have).
            var changed: [Int] = []
            let editEnd = change.start + change.oldLength
            for index in 0..<blockTokens.count {
                let oldStart = Int(snapshot.tokens.starts[tokenFrom + index])
                let oldEnd = Int(snapshot.tokens.ends[tokenFrom + index])
                if oldEnd < change.start || oldStart > editEnd { continue }
                let newStart = Int(blockTokens.starts[index]) + start
                let newEnd = Int(blockTokens.ends[index]) + start
                if oldStart != newStart || !oldBlock[(oldStart - start)..<(oldEnd - start)].elementsEqual(snapshot.text[newStart..<newEnd]) {
                    changed.append(index)
                }
            }
            if changed.count == 1, let index = changed.first {
                let absolute = tokenFrom + index
                let oldStart = Int(snapshot.tokens.starts[absolute])
                let oldEnd = Int(snapshot.tokens.ends[absolute])
                let newStart = Int(blockTokens.starts[index]) + start
                let newEnd = Int(blockTokens.ends[index]) + start
                inert = oldStart <= change.start && editEnd <= oldEnd && newStart <= change.start
                    && change.start + change.newLength <= newEnd
                    && Self.isPlain(snapshot.tokens, absolute, referenced: cache.referencedHashes)
                    && Self.isPlain(blockTokens, index, referenced: cache.referencedHashes)
                    && !blockMatches.contains { Int($0.start) <= absolute && absolute < Int($0.end) }
            } else {
                inert = false
            }
        }
        if inert {
            cache.inertChanges.append(change)
        } else {
            cache.lastResult = nil
            cache.inertChanges = []
        }

        // Tokens: the block's replaced, the later ones moved by the text delta.
        let shift = Int32(start)
        snapshot.tokens.starts.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.starts.lazy.map { $0 + shift })
        snapshot.tokens.ends.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.ends.lazy.map { $0 + shift })
        snapshot.tokens.classes.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.classes)
        snapshot.tokens.prefixes.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.prefixes)
        snapshot.tokens.flags.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.flags)
        snapshot.tokens.hashes.replaceSubrange(tokenFrom..<tokenTo, with: blockTokens.hashes)
        if delta != 0 {
            let textShift = Int32(delta)
            let tail = (tokenFrom + blockTokens.count)..<snapshot.tokens.count
            snapshot.tokens.starts.withUnsafeMutableBufferPointer { buffer in for index in tail { buffer[index] += textShift } }
            snapshot.tokens.ends.withUnsafeMutableBufferPointer { buffer in for index in tail { buffer[index] += textShift } }
        }
        // Matches: the block's replaced, the later ones moved by the token delta.
        snapshot.matches.replaceSubrange(matchFrom..<matchTo, with: blockMatches)
        if tokenDelta != 0 {
            let tokenShift = Int32(tokenDelta)
            let tail = (matchFrom + blockMatches.count)..<snapshot.matches.count
            snapshot.matches.withUnsafeMutableBufferPointer { buffer in
                for index in tail {
                    buffer[index].start += tokenShift
                    buffer[index].end += tokenShift
                }
            }
        }
        // Sentences: the block's replaced, the later ones moved in text, tokens and matches.
        snapshot.sentences.replaceSubrange(sentenceFrom..<sentenceTo, with: spans)
        let tail = (sentenceFrom + spans.count)..<snapshot.sentences.count
        snapshot.sentences.withUnsafeMutableBufferPointer { buffer in
            for index in tail {
                buffer[index].range = TextRange(start: buffer[index].range.start + delta, end: buffer[index].range.end + delta)
                buffer[index].tokenFrom += tokenDelta
                buffer[index].tokenTo += tokenDelta
                buffer[index].matchFrom += matchDelta
                buffer[index].matchTo += matchDelta
            }
        }
        for index in (blockIndex + 1)..<snapshot.blockTokens.count {
            snapshot.blockTokens[index] += tokenDelta
            snapshot.blockSentences[index] += sentenceDelta
        }
        cache.snapshot = snapshot
        cache.current = document
        return true
    }
}

extension TaggingRun {
    /// ``tokenizeAndMatch()`` block by block through the cache.
    mutating func tokenizeAndMatch(cache: inout TaggingCache) {
        let text = Array(document.text.utf8)
        let hypotheticalWords = compiled.codebook.context.hypotheticalSections.map { $0.lowercased() }
        var sectionCache: [String: Bool] = [:]
        func isHypothetical(_ block: Block) -> Bool {
            var path = block.section
            if block.kind == .heading { path.append(document.text(of: block)) }
            let key = path.joined(separator: "\u{1F}")
            if let cached = sectionCache[key] { return cached }
            let lower = path.map { $0.lowercased() }
            let value = lower.contains { heading in hypotheticalWords.contains { heading.contains($0) } }
            sectionCache[key] = value
            return value
        }
        // Sentences grouped by block (every sentence lies inside one block).
        var sentencesByBlock = [[TextRange]](repeating: [], count: document.blocks.count)
        var orphanSentences = false
        for range in document.sentences {
            if let block = document.blockIndex(containing: range.start) {
                sentencesByBlock[block].append(range)
            } else {
                orphanSentences = true
            }
        }
        guard !orphanSentences, !document.blocks.isEmpty else {
            cache.snapshot = nil
            tokenizeAndMatch()
            return
        }
        var next: [TaggingCache.BlockKey: TaggingCache.BlockEntry] = [:]
        next.reserveCapacity(document.blocks.count)
        var blockTokens: [Int] = []
        var blockSentences: [Int] = []
        blockTokens.reserveCapacity(document.blocks.count + 1)
        blockSentences.reserveCapacity(document.blocks.count + 1)
        var reused = 0
        var computed = 0
        tokens.reserve(text.count / 5 + 16)
        matches.reserveCapacity(text.count / 20)
        for (blockIndex, block) in document.blocks.enumerated() {
            let start = block.range.start
            let key = TaggingCache.BlockKey(text[start..<block.range.end])
            let relativeSentences = sentencesByBlock[blockIndex].map { TextRange(start: $0.start - start, end: $0.end - start) }
            var entry: TaggingCache.BlockEntry
            if let cached = next[key] ?? cache.blocks[key], cached.sentences == relativeSentences {
                entry = cached
                reused += 1
            } else {
                let blockTokens = text[start..<block.range.end].withUnsafeBufferPointer { compiled.matcher.tokenize($0) }
                var sentenceTokens: [Range<Int>] = []
                var sentenceMatches: [[Match]] = []
                var tokenIndex = 0
                for range in relativeSentences {
                    while tokenIndex < blockTokens.count, Int(blockTokens.starts[tokenIndex]) < range.start { tokenIndex += 1 }
                    let from = tokenIndex
                    var to = from
                    while to < blockTokens.count, Int(blockTokens.starts[to]) < range.end { to += 1 }
                    tokenIndex = to
                    var found: [Match] = []
                    compiled.matcher.match(blockTokens, from: from, to: to, into: &found)
                    found.sort { ($0.start, $0.end) < ($1.start, $1.end) }
                    sentenceTokens.append(from..<to)
                    sentenceMatches.append(found)
                }
                entry = TaggingCache.BlockEntry(
                    tokens: blockTokens, sentences: relativeSentences, sentenceTokens: sentenceTokens, sentenceMatches: sentenceMatches)
                computed += 1
            }
            next[key] = entry
            blockTokens.append(tokens.count)
            blockSentences.append(sentences.count)
            // Append the block's tokens and matches, shifted to document offsets and indexes.
            let tokenBase = tokens.count
            let shift = Int32(start)
            tokens.starts.append(contentsOf: entry.tokens.starts.lazy.map { $0 + shift })
            tokens.ends.append(contentsOf: entry.tokens.ends.lazy.map { $0 + shift })
            tokens.classes.append(contentsOf: entry.tokens.classes)
            tokens.prefixes.append(contentsOf: entry.tokens.prefixes)
            tokens.flags.append(contentsOf: entry.tokens.flags)
            tokens.hashes.append(contentsOf: entry.tokens.hashes)
            let hypothetical = isHypothetical(block)
            let base = Int32(tokenBase)
            for (sentence, range) in entry.sentences.enumerated() {
                let matchFrom = matches.count
                matches.append(
                    contentsOf: entry.sentenceMatches[sentence].lazy.map { Match(pattern: $0.pattern, start: $0.start + base, end: $0.end + base) })
                let tokenRange = entry.sentenceTokens[sentence]
                sentences.append(
                    SentenceSpan(
                        range: TextRange(start: range.start + start, end: range.end + start), tokenFrom: tokenBase + tokenRange.lowerBound,
                        tokenTo: tokenBase + tokenRange.upperBound, block: blockIndex, matchFrom: matchFrom, matchTo: matches.count,
                        hypotheticalSection: hypothetical))
            }
        }
        blockTokens.append(tokens.count)
        blockSentences.append(sentences.count)
        cache.blocks = next
        cache.snapshot = TaggingCache.Snapshot(
            text: text, blocks: document.blocks, sentenceRanges: document.sentences, tokens: tokens, sentences: sentences,
            matches: matches, blockTokens: blockTokens, blockSentences: blockSentences)
        cache.reusedBlocks = reused
        cache.computedBlocks = computed
    }
}
