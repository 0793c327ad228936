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
    public func tag(_ document: ReviewDocument, cache: inout TaggingCache) -> TaggingResult {
        var run = TaggingRun(compiled: compiled, document: document)
        run.tokenizeAndMatch(cache: &cache)
        return run.analyse()
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
            tokenizeAndMatch()
            return
        }
        var next: [TaggingCache.BlockKey: TaggingCache.BlockEntry] = [:]
        next.reserveCapacity(document.blocks.count)
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
        cache.blocks = next
        cache.reusedBlocks = reused
        cache.computedBlocks = computed
    }
}
