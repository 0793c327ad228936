import ReviewModel

// Added by the language server (owner: lsp) for keystroke-rate re-tagging. It reuses the
// internal pipeline of `TaggingRun`; `Tests/LanguageServerTests` checks that the result
// equals `Tagger.tag(_:)` on real documents and after edits.

/// Tokens and rule matches of a document's blocks, kept between taggings of successive
/// versions of one document so that only blocks whose text changed are tokenised and matched
/// again. Discovery of people, context and attribution still run over the whole document, so
/// the result is exactly that of ``Tagger/tag(_:)``.
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
    /// that an edit inside one block (``Tagger/update(_:for:in:)``) replaces that block's part
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
    /// When the cache was moved onto this very document with ``update(_:for:in:)``, its
    /// whole-document token and match arrays are used as they are.
    public func tag(_ document: ReviewDocument, cache: inout TaggingCache) -> TaggingResult {
        var run = TaggingRun(compiled: compiled, document: document)
        if let snapshot = cache.snapshot, snapshot.sentenceRanges == document.sentences, snapshot.blocks == document.blocks,
            snapshot.text.elementsEqual(document.text.utf8)
        {
            run.tokens = snapshot.tokens
            run.sentences = snapshot.sentences
            run.matches = snapshot.matches
            cache.reusedBlocks = document.blocks.count
            cache.computedBlocks = 0
        } else {
            run.tokenizeAndMatch(cache: &cache)
        }
        run.detectReviewType()
        run.people.victimIsChild = run.reviewType?.id == "scr"
        run.people.subjectIsPerpetrator = run.reviewType?.id == "iir"
        run.discoverPeople()
        run.sweep()
        return run.finish()
    }

    /// Moves `cache` from the document it last tagged onto `document`, which differs from it
    /// by `change` inside one block: that block is tokenised and matched again and the tokens,
    /// sentences and matches after it shift. Returns false (leaving the cache to the
    /// block-by-block path) when the cache does not hold the document before the change.
    ///
    /// - Complexity: O(b) for the changed block plus O(n) shifting of the arrays after it.
    @discardableResult
    public func update(_ cache: inout TaggingCache, for change: TextEdit, in document: ReviewDocument) -> Bool {
        guard var snapshot = cache.snapshot else { return false }
        cache.snapshot = nil  // unique references: the arrays below are changed in place
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
        snapshot.text.replaceSubrange(change.start..<(change.start + change.oldLength), with: document.text.utf8[
            document.text.utf8.index(document.text.utf8.startIndex, offsetBy: change.start)..<document.text.utf8.index(
                document.text.utf8.startIndex, offsetBy: change.start + change.newLength)])
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
