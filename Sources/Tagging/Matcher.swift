import ReviewModel

/// What a compiled pattern stands for.
enum PatternKind: Hashable, Sendable {
    /// Rule `rule` (1-based) of codebook entry `entry`.
    case tag(entry: Int32, rule: Int32)
    /// An exclusion phrase of codebook entry `entry`.
    case exclusion(entry: Int32)
    /// Side `side` (0 = a, 1 = b) of proximity rule `near` of entry `entry`.
    case proximity(entry: Int32, near: Int32, side: UInt8)
    case negationPre
    case negationPost
    case pseudo
    case termination
    case hypotheticalPre
    case hypotheticalPost
    case incident
    case victim
    case perpetrator
    case child
    case declare
    /// A role cue: `victim` or not, `after` the name or before it.
    case roleCue(victim: Bool, after: Bool)
    /// A kinship noun (index into the people lexicon's kin list).
    case kin(Int32)
    case female
    case male
    /// A personal pronoun of the gender; `possessive` for his/her.
    case pronoun(Gender, possessive: Bool)
    /// A title (Mr, Mrs, Ms, Miss, Dr).
    case title(Gender?)
    case ethnicity(Ethnicity)
}

/// A compiled pattern: its kind and the phrase it came from (for explanations and lint).
struct Pattern: Sendable, Hashable {
    var kind: PatternKind
    var phrase: String
}

/// One match of a pattern over tokens `start..<end`.
struct Match: Sendable, Hashable {
    var pattern: Int32
    var start: Int32
    var end: Int32
}

/// All codebook phrases compiled once into one word-level automaton: a trie over word-class
/// ids (with bounded-gap edges) walked from every word of a sentence, in the manner of
/// flashtext but reporting every overlapping match, plus a vocabulary hash that maps each
/// word of the text to its class in one probe. Immutable and `Sendable`: one instance is
/// shared by all threads.
///
/// - Complexity: building is O(total phrase length × inflections). Tokenising is O(n) in
///   text bytes (one FNV-1a hash and one probe per word, plus a probe of the wildcard-prefix
///   table for the rare words whose first two bytes start some `prefix*`). Matching a
///   sentence of `w` words is O(w × d) where `d` is the depth the trie actually follows
///   (a word that starts no phrase costs one array read), with gaps multiplying only the
///   paths that reach them; there is no per-rule scan.
struct CompiledMatcher: Sendable {
    let patterns: [Pattern]
    private let vocabulary: Vocabulary
    private let prefixVocabulary: Vocabulary
    /// Distinct wildcard-prefix lengths, longest first.
    private let prefixLengths: [Int]
    /// Per hashed head (a word's first ``prefixHeadLength`` bytes, see ``prefixHeadSlot(_:)``):
    /// bit `n` set when some wildcard prefix of `n` bytes (1...63) starts with such a head, bit 0
    /// when one longer than 63 does. A word is looked up only at the prefix lengths its head has.
    private let prefixStarts: [UInt64]
    /// How many leading bytes make a head: 3, or the shortest prefix's length when shorter.
    private let prefixHeadLength: Int

    @inline(__always)
    static func prefixHeadSlot(_ head: UInt64) -> Int { Int(truncatingIfNeeded: (head &* 0x9E37_79B9_7F4A_7C15) >> 52) }
    /// Number of word classes; prefix labels are `classCount + prefix index`.
    private let classCount: Int32
    /// The edges below the root's children, packed: open addressing over
    /// ``WalkLayout/edgeKey(node:label:)``, each entry the key with the child in its top bits
    /// (``WalkLayout``: the nodes numbered breadth first, the root's child of label `l` is `l + 1`).
    private let edges: [UInt64]
    private let edgeMask: Int
    private let edgeShift: Int
    /// Per node, what the walk reads at it (one record: one base address for the walk to keep).
    private let nodes: [Node]
    static let nodeHasGap: UInt8 = 1
    // (Whether a node has children is its filter's being non-zero: there is no flag for it.)
    /// Some child's label is a wildcard prefix (a word's prefix class is read only then).
    static let nodeHasPrefixChild: UInt8 = 4

    /// A trie node as the walk reads it.
    struct Node: Sendable, Equatable {
        /// A 64-bit filter of the children's labels (``labelBit(_:)``): most probes of a node with
        /// the next word's label find no edge, and the filter answers without the table.
        var childLabels: UInt64 = 0
        /// The node's outputs: `outputList[outputFrom..<outputFrom + outputCount]`.
        var outputFrom: Int32 = 0
        var outputCount: UInt16 = 0
        /// ``nodeHasGap`` and ``nodeHasPrefixChild`` bits.
        var flags: UInt8 = 0
    }

    /// The label's bit in a node's ``Node/childLabels`` filter: its low six bits. Labels are
    /// numbered in the alphabetical order of their words, so a node's children spread over the
    /// bits as well as under a hash, and the test is one bit test (x86-64's `bt` takes the bit
    /// number modulo 64 itself).
    @inline(__always)
    static func labelBit(_ label: Int32) -> UInt64 {
        1 &<< UInt64(UInt32(bitPattern: label) & 63)
    }
    /// Gap edges per node in CSR form (non-empty only for nodes flagged ``nodeHasGap``).
    private let gapStart: [Int32]
    private let gapList: [Gap]
    /// Outputs of all nodes, node by node (see ``Node/outputFrom``).
    private let outputList: [Int32]
    /// Surface word → class, for lint and tests.
    let classOfWord: [String: Int32]

    struct Gap: Sendable, Hashable {
        var min: Int
        var max: Int
        var target: Int32
    }

    /// A pattern whose phrase failed to parse.
    struct BadPhrase: Error, Sendable {
        var index: Int
        var message: String
    }

    /// Compiles the patterns. Throws the first phrase that does not parse.
    init(patterns: [Pattern]) throws(BadPhrase) {
        let tables = try MatcherTables(patterns: patterns)
        guard WalkLayout.fits(tables) else {
            throw BadPhrase(index: patterns.count - 1, message: "the phrases make more than 16 million trie nodes or 65,534 word classes: split the codebook")
        }
        self.init(patterns: patterns, tables: tables)
    }

    /// A matcher over tables built for `patterns` (tests compare builders through the tables).
    init(patterns: [Pattern], tables: MatcherTables) {
        self.patterns = patterns
        classOfWord = tables.classOfWord
        classCount = tables.classCount
        vocabulary = Vocabulary(tables.classOfWord.map { ($0.key, $0.value) })
        prefixVocabulary = Vocabulary(tables.prefixIndex.map { ($0.key, tables.classCount + $0.value) })
        prefixLengths = Set(tables.prefixIndex.keys.map { $0.utf8.count }).sorted(by: >)
        let headLength = min(3, prefixLengths.last ?? 3)
        prefixHeadLength = headLength
        var starts = [UInt64](repeating: 0, count: 4096)
        for prefix in tables.prefixIndex.keys {
            let bytes = Array(prefix.utf8)
            let head = Vocabulary.chunk(bytes, from: 0) & Vocabulary.byteMask(headLength)
            starts[CompiledMatcher.prefixHeadSlot(head)] |= bytes.count <= 63 ? 1 << UInt64(bytes.count) : 1
        }
        prefixStarts = starts
        let layout = WalkLayout(tables)
        edges = layout.edges
        edgeMask = layout.edges.count - 1
        edgeShift = layout.edgeShift
        nodes = layout.nodes
        gapStart = layout.gapStart
        gapList = layout.gapList
        outputList = layout.outputList
    }

    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var x = key &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    /// The class of a lower-case word (tests and lint), or -1.
    func wordClass(_ word: String) -> Int32 { vocabulary.lookup(word) }

    /// Tokenises UTF-8 text into words with their classes.
    ///
    /// - Complexity: O(n) in bytes.
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) -> Tokens { tokenize(bytes, windows: true) }

    /// ``tokenize(_:)`` with or without the 64-byte windows of ``scan`` (`windows: false` is the
    /// 8-byte and byte loops alone: the reference the windows are tested against).
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, windows: Bool) -> Tokens {
        vocabulary.withLookup { words in
            prefixVocabulary.withLookup { prefixes in
                prefixStarts.withUnsafeBufferPointer { starts in
                    tokenize(bytes, words: words, prefixes: prefixes, prefixStarts: starts.baseAddress!, windows: windows)
                }
            }
        }
    }

    private func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, words: Vocabulary.Lookup, prefixes: Vocabulary.Lookup,
        prefixStarts: UnsafePointer<UInt64>, windows: Bool
    ) -> Tokens {
        guard bytes.baseAddress != nil, !bytes.isEmpty else { return Tokens() }
        // Columns are written in place: first with room for a word every 4 bytes (ordinary
        // prose has one every 6), and only if a text has more, again with room for the most
        // there can be (a word and a separator every 2 bytes).
        if let tokens = tokenize(
            bytes, capacity: bytes.count / 4 + 16, words: words, prefixes: prefixes, prefixStarts: prefixStarts, windows: windows)
        {
            return tokens
        }
        return tokenize(
            bytes, capacity: (bytes.count + 1) / 2, words: words, prefixes: prefixes, prefixStarts: prefixStarts, windows: windows)!
    }

    /// Tokenises into columns of `capacity` tokens; nil when the text has more words.
    private func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, capacity: Int, words: Vocabulary.Lookup, prefixes: Vocabulary.Lookup,
        prefixStarts: UnsafePointer<UInt64>, windows: Bool
    ) -> Tokens? {
        var count: Int?
        var ends: [Int32] = []
        var classes: [Int32] = []
        var prefixClasses: [Int32] = []
        var flags: [UInt8] = []
        var hashes: [UInt64] = []
        var lowerCase = GrowingWordSet(capacity: min(bytes.count / 64 + 16, 4096))
        let starts = [Int32](unsafeUninitializedCapacity: capacity) { startsBuffer, startsCount in
            ends = [Int32](unsafeUninitializedCapacity: capacity) { endsBuffer, endsCount in
                classes = [Int32](unsafeUninitializedCapacity: capacity) { classesBuffer, classesCount in
                    prefixClasses = [Int32](unsafeUninitializedCapacity: capacity) { prefixBuffer, prefixCount in
                        flags = [UInt8](unsafeUninitializedCapacity: capacity) { flagsBuffer, flagsCount in
                            hashes = [UInt64](unsafeUninitializedCapacity: capacity) { hashesBuffer, hashesCount in
                                count = scan(
                                    bytes, capacity: capacity, words: words, prefixes: prefixes, prefixStarts: prefixStarts,
                                    starts: startsBuffer.baseAddress!, ends: endsBuffer.baseAddress!,
                                    classes: classesBuffer.baseAddress!, prefixClasses: prefixBuffer.baseAddress!,
                                    flags: flagsBuffer.baseAddress!, hashes: hashesBuffer.baseAddress!, lowerCase: &lowerCase,
                                    windows: windows)
                                hashesCount = count ?? 0
                            }
                            flagsCount = count ?? 0
                        }
                        prefixCount = count ?? 0
                    }
                    classesCount = count ?? 0
                }
                endsCount = count ?? 0
            }
            startsCount = count ?? 0
        }
        guard count != nil else { return nil }
        var tokens = Tokens()
        tokens.starts = starts
        tokens.ends = ends
        tokens.classes = classes
        tokens.prefixes = prefixClasses
        tokens.flags = flags
        tokens.hashes = hashes
        tokens.lowerCaseHashes = lowerCase
        return tokens
    }

    /// The tokenizer's loop: writes each word's columns; returns the number of words, or nil
    /// when there are more than `capacity`.
    private func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, capacity: Int, words: Vocabulary.Lookup, prefixes: Vocabulary.Lookup,
        prefixStarts: UnsafePointer<UInt64>, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>,
        classes: UnsafeMutablePointer<Int32>, prefixClasses: UnsafeMutablePointer<Int32>, flags flagColumn: UnsafeMutablePointer<UInt8>,
        hashes: UnsafeMutablePointer<UInt64>, lowerCase: inout GrowingWordSet, windows: Bool
    ) -> Int? {
        let base = bytes.baseAddress!
        var count = 0
        let end = bytes.count
        // Offsets fit in Int32 and no index arithmetic below can overflow (indices stay within
        // `0...end`), so the loop uses wrapping arithmetic: no overflow checks per byte and word.
        precondition(end <= Int(Int32.max), "text longer than 2 GiB")
        var index = 0
        let lookups = WordLookups(
            words: words, prefixes: prefixes, prefixStarts: prefixStarts, prefixLengths: prefixLengths,
            minPrefix: prefixLengths.last ?? Int.max, headMask: Vocabulary.byteMask(prefixHeadLength))
        let table = ByteClass.table
        // A direct-mapped cache of this text's short words keyed by their raw bytes (case kept:
        // the flags depend on it), holding every column but the offsets: a frequent word ("the",
        // "her", "was") costs one probe, no hashing, no flags and no vocabulary lookups.
        let cacheBits = end >= 1 << 14 ? CompiledMatcher.wordCacheBits : 6
        let cacheShift = UInt64(64 &- cacheBits)
        let cache = UnsafeMutablePointer<WordCacheEntry>.allocate(capacity: 1 << cacheBits)
        cache.initialize(repeating: WordCacheEntry.empty, count: 1 << cacheBits)
        defer { cache.deallocate() }
        // The same for words of 9 to 15 bytes, keyed by both chunks.
        let longCacheBits = cacheBits &- 1
        let longCacheShift = UInt64(64 &- longCacheBits)
        let longCache = UnsafeMutablePointer<LongWordCacheEntry>.allocate(capacity: 1 << longCacheBits)
        longCache.initialize(repeating: LongWordCacheEntry(key2: 0, entry: WordCacheEntry.empty), count: 1 << longCacheBits)
        defer { longCache.deallocate() }
        /// Writes one word's columns (the caller checks the capacity first).
        @inline(__always)
        func append(_ start: Int, _ length: Int, _ hash: UInt64, _ wordClass: Int32, _ prefixClass: Int32, _ flags: UInt8) {
            starts[count] = Int32(truncatingIfNeeded: start)
            ends[count] = Int32(truncatingIfNeeded: start &+ length)
            classes[count] = wordClass
            prefixClasses[count] = prefixClass
            flagColumn[count] = flags
            hashes[count] = hash
            count &+= 1
        }
        /// ``append`` of a word the caches did not answer: its hash joins `lowerCase` when it has
        /// no capital (a word the caches answer was added when it was first read).
        @inline(__always)
        func appendNew(_ start: Int, _ length: Int, _ hash: UInt64, _ wordClass: Int32, _ prefixClass: Int32, _ flags: UInt8) {
            if flags & Tokens.capitalised == 0 { lowerCase.insert(hash) }
            append(start, length, hash, wordClass, prefixClass, flags)
        }
        // Windows are read while 72 bytes remain: a word found in the window's 64 bytes may be
        // loaded 8 bytes at once from its start.
        let windowEnd = windows ? end &- 72 : -1
        while index < end {
            // Fast path, 64 bytes at once: a mask of the window's ASCII letters and digits gives
            // every word it holds that ends before the window's end and its first non-ASCII
            // byte (which may belong to a word: non-ASCII bytes are read by the loops below).
            // Such a word is pure ASCII, so it splits, hashes and classifies exactly as those
            // loops would; a frequent one costs a cache probe and the column writes.
            if index <= windowEnd {
                let window = base + index
                let (wordBits, highBits) = SWAR.windowMasks(window)
                let limit = highBits.trailingZeroBitCount
                var starts = wordBits & ~(wordBits &<< 1)
                // A word's end: its first non-word byte, which must lie before `limit`.
                var stops = ~wordBits & (wordBits &<< 1) & (limit >= 64 ? UInt64.max : (1 &<< UInt64(truncatingIfNeeded: limit)) &- 1)
                while stops != 0 {
                    let wordStart = index &+ starts.trailingZeroBitCount
                    let wordLength = index &+ stops.trailingZeroBitCount &- wordStart
                    starts &= starts &- 1
                    stops &= stops &- 1
                    if count == capacity { return nil }
                    let chunk = UnsafeRawPointer(base + wordStart).loadUnaligned(as: UInt64.self)
                    if wordLength <= 8 {
                        // (The mask of the word's bytes by one shift: `byteMask` tests for 8.)
                        let raw = chunk & (UInt64.max &>> UInt64(truncatingIfNeeded: (8 &- wordLength) &<< 3))
                        let slot = Int(truncatingIfNeeded: (raw &* Vocabulary.multiplier) &>> cacheShift)
                        if cache[slot].key == raw {
                            append(wordStart, wordLength, cache[slot].hash, cache[slot].wordClass, cache[slot].prefixClass, cache[slot].flags)
                            continue
                        }
                        let entry = WindowWords.short(raw, length: wordLength, base, start: wordStart, end: end, lookups: lookups)
                        cache[slot] = entry
                        appendNew(wordStart, wordLength, entry.hash, entry.wordClass, entry.prefixClass, entry.flags)
                    } else if wordLength < 16 {
                        let raw2 = UnsafeRawPointer(base + (wordStart &+ 8)).loadUnaligned(as: UInt64.self)
                            & (UInt64.max &>> UInt64(truncatingIfNeeded: (16 &- wordLength) &<< 3))
                        let slot = Int(truncatingIfNeeded: ((chunk ^ (raw2 &* 0xC2B2_AE3D_27D4_EB4F)) &* Vocabulary.multiplier) &>> longCacheShift)
                        if longCache[slot].entry.key == chunk, longCache[slot].key2 == raw2 {
                            let entry = longCache[slot].entry
                            append(wordStart, wordLength, entry.hash, entry.wordClass, entry.prefixClass, entry.flags)
                            continue
                        }
                        let entry = WindowWords.medium(chunk, raw2, length: wordLength, base, start: wordStart, end: end, lookups: lookups)
                        longCache[slot] = LongWordCacheEntry(key2: raw2, entry: entry)
                        appendNew(wordStart, wordLength, entry.hash, entry.wordClass, entry.prefixClass, entry.flags)
                    } else {
                        let entry = WindowWords.long(base, start: wordStart, length: wordLength, end: end, table: table, lookups: lookups)
                        appendNew(wordStart, wordLength, entry.hash, entry.wordClass, entry.prefixClass, entry.flags)
                    }
                }
                // On from the first word not read (it runs on past the window or into a non-ASCII
                // byte) or else from the first non-ASCII byte or the window's end: only separators
                // lie before it, so it is a token boundary.
                let next = min(starts.trailingZeroBitCount, limit)
                if next > 0 {
                    index &+= next
                    continue
                }
                // A word at the window's start that the window cannot read: the loops below.
            }
            let start: Int
            let length: Int
            var flags: UInt8
            let hash: UInt64
            let first: UInt64
            // The cache slot and key of a word the fast path read (-1: a word the cache does not hold).
            var cacheSlot = -1
            var cacheKey: UInt64 = 0
            var longCacheSlot = -1
            var longCacheKey2: UInt64 = 0
            // Fast path, 8 bytes at once (SWAR): a run of ASCII separators is skipped in one step,
            // and an ASCII word shorter than 8 bytes that ends at an ASCII byte is measured,
            // classified and hashed from one load, and the next word found in the same load.
            // Anything else (non-ASCII bytes, longer words, the last 7 bytes of the text) takes
            // the byte loop (``slowToken(_:_:_:_:)``), which splits alike.
            if index &+ 8 <= end {
                let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let (word, digitLanes, folded) = SWAR.wordLanes(chunk)
                let interesting = word | (chunk & SWAR.highBits)
                if interesting & 0xFF == 0 {
                    // ASCII separators up to the next word or non-ASCII byte.
                    index &+= interesting == 0 ? 8 : interesting.trailingZeroBitCount &>> 3
                    continue
                }
                // The bit offset of the first lane that is no ASCII letter or digit (64: none).
                let stopBits = (~word & SWAR.highBits).trailingZeroBitCount & ~7
                if word & 0x80 != 0, stopBits < 64, (chunk &>> UInt64(truncatingIfNeeded: stopBits)) & 0x80 == 0 {
                    start = index
                    length = stopBits &>> 3
                    let mask = (UInt64(1) &<< UInt64(truncatingIfNeeded: stopBits)) &- 1
                    // The next word (or non-ASCII byte) when it starts inside this chunk.
                    let rest = (interesting &>> UInt64(truncatingIfNeeded: stopBits)) &>> 8
                    index &+= rest == 0 ? 8 : length &+ 1 &+ (rest.trailingZeroBitCount &>> 3)
                    let raw = chunk & mask
                    let slot = Int(truncatingIfNeeded: (raw &* Vocabulary.multiplier) &>> cacheShift)
                    if cache[slot].key == raw {
                        if count == capacity { return nil }
                        append(start, length, cache[slot].hash, cache[slot].wordClass, cache[slot].prefixClass, cache[slot].flags)
                        continue
                    }
                    cacheSlot = slot
                    cacheKey = raw
                    let firstByte = UInt8(truncatingIfNeeded: chunk)
                    flags = firstByte &- 0x41 < 26 ? Tokens.capitalised : 0
                    if digitLanes & mask == mask & SWAR.highBits { flags |= Tokens.digits }
                    if length == 1 { flags |= (flags & Tokens.capitalised) &<< 2 }
                    // Folding sets bit 5, which lower-cases an ASCII letter and leaves a digit as it is.
                    first = folded & mask
                    hash = Vocabulary.finish(Vocabulary.mix(Vocabulary.seed(length: length), first))
                } else if word == SWAR.highBits, index &+ 16 <= end,
                    case let second = UnsafeRawPointer(base + (index &+ 8)).loadUnaligned(as: UInt64.self),
                    case let (word2, digitLanes2, folded2) = SWAR.wordLanes(second),
                    case let stopBits2 = (~word2 & SWAR.highBits).trailingZeroBitCount & ~7,
                    stopBits2 < 64, (second &>> UInt64(truncatingIfNeeded: stopBits2)) & 0x80 == 0
                {
                    // An ASCII word of 8 to 15 bytes: the same from two loads.
                    start = index
                    length = 8 &+ stopBits2 &>> 3
                    let interesting2 = word2 | (second & SWAR.highBits)
                    let rest = (interesting2 &>> UInt64(truncatingIfNeeded: stopBits2)) &>> 8
                    index &+= rest == 0 ? 16 : length &+ 1 &+ (rest.trailingZeroBitCount &>> 3)
                    if stopBits2 == 0 {
                        // Eight bytes: the cache holds it too.
                        let slot = Int(truncatingIfNeeded: (chunk &* Vocabulary.multiplier) &>> cacheShift)
                        if cache[slot].key == chunk {
                            if count == capacity { return nil }
                            append(start, length, cache[slot].hash, cache[slot].wordClass, cache[slot].prefixClass, cache[slot].flags)
                            continue
                        }
                        cacheSlot = slot
                        cacheKey = chunk
                    }
                    let mask2 = (UInt64(1) &<< UInt64(truncatingIfNeeded: stopBits2)) &- 1
                    if stopBits2 != 0 {
                        // Nine to fifteen bytes: the long-word cache, keyed by both chunks.
                        let raw2 = second & mask2
                        let slot = Int(truncatingIfNeeded: ((chunk ^ (raw2 &* 0xC2B2_AE3D_27D4_EB4F)) &* Vocabulary.multiplier) &>> longCacheShift)
                        if longCache[slot].entry.key == chunk, longCache[slot].key2 == raw2 {
                            if count == capacity { return nil }
                            let entry = longCache[slot].entry
                            append(start, length, entry.hash, entry.wordClass, entry.prefixClass, entry.flags)
                            continue
                        }
                        longCacheSlot = slot
                        cacheKey = chunk
                        longCacheKey2 = raw2
                    }
                    let firstByte = UInt8(truncatingIfNeeded: chunk)
                    flags = firstByte &- 0x41 < 26 ? Tokens.capitalised : 0
                    if digitLanes == SWAR.highBits, digitLanes2 & mask2 == mask2 & SWAR.highBits { flags |= Tokens.digits }
                    first = folded
                    var state = Vocabulary.mix(Vocabulary.seed(length: length), first)
                    if stopBits2 != 0 { state = Vocabulary.mix(state, folded2 & mask2) }
                    hash = Vocabulary.finish(state)
                } else {
                    let word = CompiledMatcher.slowWord(base, index, end, table)
                    index = word.next
                    if word.length == 0 { continue }
                    (start, length, flags, hash, first) = (word.start, word.length, word.flags, word.hash, word.first)
                }
            } else {
                let word = CompiledMatcher.slowWord(base, index, end, table)
                index = word.next
                if word.length == 0 { continue }
                (start, length, flags, hash, first) = (word.start, word.length, word.flags, word.hash, word.first)
            }
            // The lookups, out of line: the loop keeps fewer values live for the cached words.
            let (wordClass, prefixClass) = lookups.classes(base, start: start, length: length, hash: hash, first: first, end: end)
            if cacheSlot >= 0 {
                cache[cacheSlot] = WordCacheEntry(key: cacheKey, hash: hash, wordClass: wordClass, prefixClass: prefixClass, flags: flags)
            } else if longCacheSlot >= 0 {
                longCache[longCacheSlot] = LongWordCacheEntry(
                    key2: longCacheKey2,
                    entry: WordCacheEntry(key: cacheKey, hash: hash, wordClass: wordClass, prefixClass: prefixClass, flags: flags))
            }
            if count == capacity { return nil }
            appendNew(start, length, hash, wordClass, prefixClass, flags)
        }
        return count
    }

    /// The columns of an ASCII word found in a window of ``scan``, computed when the word caches
    /// do not hold it: the hash and flags as the 8-byte path and the byte loop compute them.
    private enum WindowWords {
        /// A word of 1 to 8 bytes (`raw`: its bytes as written, zero-padded).
        @inline(never)
        static func short(
            _ raw: UInt64, length: Int, _ base: UnsafePointer<UInt8>, start: Int, end: Int, lookups: WordLookups
        ) -> WordCacheEntry {
            let mask = Vocabulary.byteMask(length)
            let (_, digitLanes, folded) = SWAR.wordLanes(raw)
            var flags: UInt8 = UInt8(truncatingIfNeeded: raw) &- 0x41 < 26 ? Tokens.capitalised : 0
            if digitLanes & mask == mask & SWAR.highBits { flags |= Tokens.digits }
            if length == 1 { flags |= (flags & Tokens.capitalised) &<< 2 }
            let first = folded & mask
            let hash = Vocabulary.finish(Vocabulary.mix(Vocabulary.seed(length: length), first))
            let (wordClass, prefixClass) = lookups.classes(base, start: start, length: length, hash: hash, first: first, end: end)
            return WordCacheEntry(key: raw, hash: hash, wordClass: wordClass, prefixClass: prefixClass, flags: flags)
        }

        /// A word of 9 to 15 bytes (`chunk`: its first 8 bytes, `raw2`: the rest, zero-padded).
        @inline(never)
        static func medium(
            _ chunk: UInt64, _ raw2: UInt64, length: Int, _ base: UnsafePointer<UInt8>, start: Int, end: Int, lookups: WordLookups
        ) -> WordCacheEntry {
            let mask2 = Vocabulary.byteMask(length &- 8)
            let (_, digitLanes, folded) = SWAR.wordLanes(chunk)
            let (_, digitLanes2, folded2) = SWAR.wordLanes(raw2)
            var flags: UInt8 = UInt8(truncatingIfNeeded: chunk) &- 0x41 < 26 ? Tokens.capitalised : 0
            if digitLanes == SWAR.highBits, digitLanes2 & mask2 == mask2 & SWAR.highBits { flags |= Tokens.digits }
            let hash = Vocabulary.finish(Vocabulary.mix(Vocabulary.mix(Vocabulary.seed(length: length), folded), folded2 & mask2))
            let (wordClass, prefixClass) = lookups.classes(base, start: start, length: length, hash: hash, first: folded, end: end)
            return WordCacheEntry(key: chunk, hash: hash, wordClass: wordClass, prefixClass: prefixClass, flags: flags)
        }

        /// A word of 16 bytes or more: read by the byte loop, which splits it alike.
        @inline(never)
        static func long(
            _ base: UnsafePointer<UInt8>, start: Int, length: Int, end: Int, table: UnsafePointer<UInt8>, lookups: WordLookups
        ) -> WordCacheEntry {
            let word = CompiledMatcher.slowWord(base, start, end, table)
            assert(word.start == start && word.length == length, "the byte loop splits a window's word alike")
            let (wordClass, prefixClass) = lookups.classes(base, start: start, length: length, hash: word.hash, first: word.first, end: end)
            return WordCacheEntry(key: 0, hash: word.hash, wordClass: wordClass, prefixClass: prefixClass, flags: word.flags)
        }
    }

    /// log2 of the word cache's slots for a text of 16 KB or more (4096 slots of 32 bytes: with 2048,
    /// a long review's distinct short words collided often enough to be read again).
    static let wordCacheBits = 12

    /// A word of up to 8 bytes as the text spells it (its bytes as one integer, 0 for an empty
    /// entry: no word byte is 0) and its columns, cached while one text is tokenised.
    private struct WordCacheEntry {
        var key: UInt64 = 0
        var hash: UInt64 = 0
        var wordClass: Int32 = -1
        var prefixClass: Int32 = -1
        var flags: UInt8 = 0

        /// An empty entry (key 0) with every field zero: a cache is filled with zero stores alone
        /// (the default entry's -1 classes cost more stores per slot). An empty entry's other
        /// fields are never read: no word's key is 0.
        static let empty = WordCacheEntry(key: 0, hash: 0, wordClass: 0, prefixClass: 0, flags: 0)
    }

    /// A word of 9 to 15 bytes as the text spells it (its first 8 bytes in `entry.key`, 0 for
    /// an empty entry, and the rest in `key2`) and its columns.
    private struct LongWordCacheEntry {
        var key2: UInt64 = 0
        var entry = WordCacheEntry()
    }

    /// The tables a word's classes are looked up in while one text is tokenised.
    private struct WordLookups {
        let words: Vocabulary.Lookup
        let prefixes: Vocabulary.Lookup
        let prefixStarts: UnsafePointer<UInt64>
        /// Distinct wildcard-prefix lengths, longest first.
        let prefixLengths: [Int]
        /// The shortest prefix length (`Int.max` when there is none).
        let minPrefix: Int
        let headMask: UInt64

        /// The word's vocabulary class and the class of its longest wildcard prefix (each -1
        /// when none). Not inlined: the tokenizer's loop reads most words from its cache.
        @inline(never)
        func classes(
            _ base: UnsafePointer<UInt8>, start: Int, length: Int, hash: UInt64, first: UInt64, end: Int
        ) -> (word: Int32, prefix: Int32) {
            let wordClass = words.find(hash: hash, first: first, base: base, start: start, length: length)
            var prefixClass: Int32 = -1
            if length > minPrefix {
                // The prefix lengths below the word's length that some prefix with its head has.
                let candidates = prefixStarts[CompiledMatcher.prefixHeadSlot(first & headMask)]
                if candidates & 1 != 0 {
                    // A prefix longer than 63 bytes shares the head: try every length.
                    prefixClass = longestPrefixClass(base, start: start, length: length, first: first, end: end)
                } else {
                    // Longest first, as the lengths are listed.
                    var remaining = length >= 64 ? candidates : candidates & ((1 &<< UInt64(length)) &- 1)
                    while remaining != 0 {
                        let prefixLength = 63 &- remaining.leadingZeroBitCount
                        remaining &= ~(1 &<< UInt64(prefixLength))
                        let (prefixHash, prefixFirst) = Vocabulary.hashPrefix(
                            base, start: start, length: prefixLength, first: first, end: end)
                        let found = prefixes.find(hash: prefixHash, first: prefixFirst, base: base, start: start, length: prefixLength)
                        if found >= 0 {
                            prefixClass = found
                            break
                        }
                    }
                }
            }
            return (wordClass, prefixClass)
        }

        /// The class of the longest wildcard prefix of the word, trying every prefix length (the
        /// rare case of a head shared with a prefix longer than 63 bytes), or -1.
        private func longestPrefixClass(_ base: UnsafePointer<UInt8>, start: Int, length: Int, first: UInt64, end: Int) -> Int32 {
            for prefixLength in prefixLengths where prefixLength < length {
                let (prefixHash, prefixFirst) = Vocabulary.hashPrefix(base, start: start, length: prefixLength, first: first, end: end)
                let found = prefixes.find(hash: prefixHash, first: prefixFirst, base: base, start: start, length: prefixLength)
                if found >= 0 { return found }
            }
            return -1
        }
    }

    /// ``slowToken(_:_:_:_:)`` and, for a word, its hash and first lower-cased chunk.
    @inline(__always)
    private static func slowWord(
        _ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
    ) -> (start: Int, length: Int, flags: UInt8, hash: UInt64, first: UInt64, next: Int) {
        let word = slowToken(base, index, end, table)
        if word.length == 0 { return (word.start, 0, 0, 0, 0, word.next) }
        let (hash, first) = Vocabulary.hashWord(base, start: word.start, length: word.length, end: end)
        return (word.start, word.length, word.flags, hash, first, word.next)
    }

    /// The byte loop of the tokenizer: from `index`, one separator (length 0) or one word (its
    /// start, length and shape flags), and the index after it. Not inlined: the fast path in
    /// ``scan`` reads most words, and the loop keeps its index in a register.
    @inline(never)
    private static func slowToken(
        _ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
    ) -> (start: Int, length: Int, flags: UInt8, next: Int) {
        var byteClass = table[Int(base[index])]
        if byteClass & ByteClass.word == 0 { return (index, 0, 0, index &+ 1) }
        if byteClass & ByteClass.special != 0 {
            let separator = ByteClass.separatorLength(base, index, end)
            if separator > 0 { return (index, 0, 0, index &+ separator) }
        }
        let start = index
        var index = index &+ 1
        // Bit arithmetic: upper (2) >> 1 is capitalised (1), digit (4) >> 1 is digits (2).
        var flags: UInt8 = (byteClass & ByteClass.upper) &>> 1
        var digits = byteClass
        while true {
            // The common bytes (ASCII letters and digits, non-ASCII bytes that cannot
            // start a separator) with one test each; a separator lead byte below.
            while index < end {
                byteClass = table[Int(base[index])]
                if byteClass & ByteClass.plain == 0 { break }
                digits &= byteClass
                index &+= 1
            }
            if index < end, byteClass & ByteClass.word != 0, ByteClass.separatorLength(base, index, end) == 0 {
                digits &= byteClass
                index &+= 1
                continue
            }
            break
        }
        let length = index &- start
        flags |= (digits & ByteClass.digit) &>> 1
        if length == 1 { flags |= (flags & Tokens.capitalised) &<< 2 }
        return (start, length, flags, index)
    }

    /// Tokenises a string.
    func tokenize(_ text: String) -> Tokens {
        var copy = text
        return copy.withUTF8 { tokenize($0) }
    }

    /// Tokenises a string with or without the 64-byte windows (tests compare the two).
    func tokenize(_ text: String, windows: Bool) -> Tokens {
        var copy = text
        return copy.withUTF8 { tokenize($0, windows: windows) }
    }

    /// Unsafe views of the trie for one matching call.
    private struct Walker {
        let edges: UnsafePointer<UInt64>
        let edgeMask: Int
        let edgeShift: Int
        let nodes: UnsafePointer<Node>
        let outputList: UnsafePointer<Int32>
        let gapStart: UnsafePointer<Int32>
        let gapList: UnsafePointer<Gap>
        let classes: UnsafePointer<Int32>
        let prefixes: UnsafePointer<Int32>

        /// The edge of `node` labelled `label` in the table, or -1 (asked past the node's filter).
        /// A label of -1 (a word without a class or prefix class) finds none: its key's label
        /// bits are 0xFFFF, which no label has (``WalkLayout/fits(_:)``).
        @inline(__always)
        func edge(of node: Int32, label: Int32) -> Int32 {
            let key = WalkLayout.edgeKey(node: node, label: label)
            var slot = WalkLayout.edgeSlot(key, shift: edgeShift)
            while true {
                let stored = edges[slot]
                if stored & WalkLayout.keyMask == key { return Int32(truncatingIfNeeded: stored &>> (WalkLayout.labelBits + WalkLayout.nodeBits)) }
                if stored == UInt64.max { return -1 }
                slot = (slot &+ 1) & edgeMask
            }
        }
    }

    /// Appends every match inside tokens `from..<to` (one sentence) to `matches`.
    ///
    /// - Complexity: O(w × d) for `w` words and followed depth `d`.
    func match(_ tokens: Tokens, from: Int, to: Int, into matches: inout [Match]) {
        guard from < to else { return }
        var sink = MatchSink(capacity: 64)
        defer { sink.deallocate() }
        withWalker(tokens) { walker in walkRange(walker, from: from, to: to, into: &sink) }
        sink.move(into: &matches)
    }

    /// Matches each token range (the sentences of a document, in order), appending the matches
    /// of each range to `matches` sorted by (start, end); returns the end index in `matches`
    /// of each range's matches. The trie's tables are bound once for all ranges.
    func match(_ tokens: Tokens, ranges: [Range<Int>], into matches: inout [Match]) -> [Int] {
        var ends: [Int] = []
        ends.reserveCapacity(ranges.count)
        let offset = matches.count
        var sink = MatchSink(capacity: tokens.count / 2 + 16)
        defer { sink.deallocate() }
        withWalker(tokens) { walker in
            for range in ranges {
                sortedMatches(walker, from: range.lowerBound, to: range.upperBound, into: &sink)
                ends.append(offset + sink.count)
            }
        }
        sink.move(into: &matches)
        return ends
    }

    /// The matches of the sentences' token ranges, in the order of ``match(_:ranges:into:)``,
    /// setting each sentence's `matchFrom` and `matchTo` (no arrays of ranges and ends in between).
    func match(_ tokens: Tokens, sentences: inout [SentenceSpan]) -> [Match] {
        // (A quarter of the tokens was too few on generated reviews: the buffer grew while matching.)
        var sink = MatchSink(capacity: tokens.count / 2 + 16)
        defer { sink.deallocate() }
        sentences.withUnsafeMutableBufferPointer { sentences in
            withWalker(tokens) { walker in
                for index in sentences.indices {
                    let first = sink.count
                    sortedMatches(walker, from: sentences[index].tokenFrom, to: sentences[index].tokenTo, into: &sink)
                    sentences[index].matchFrom = first
                    sentences[index].matchTo = sink.count
                }
            }
        }
        return sink.array()
    }

    /// Appends the matches inside tokens `from..<to` sorted by (start, end).
    @inline(__always)
    private func sortedMatches(_ walker: Walker, from: Int, to: Int, into sink: inout MatchSink) {
        let first = sink.count
        guard from < to else { return }
        walkRange(walker, from: from, to: to, into: &sink)
        if sink.count - first > 1 {
            var part = UnsafeMutableBufferPointer(start: sink.base + first, count: sink.count - first)
            // The walk reports a sentence's matches mostly in order already: checked first
            // (the sort is stable, so an ordered part would come out as it is).
            var index = 1
            while index < part.count, (part[index].start, part[index].end) >= (part[index - 1].start, part[index - 1].end) { index += 1 }
            if index < part.count { part.sort { ($0.start, $0.end) < ($1.start, $1.end) } }
        }
    }

    /// The matches a walk appends, in an unsafe buffer that doubles when full (an array's append
    /// checked its uniqueness and capacity per match); moved into the caller's array at the end.
    private struct MatchSink {
        private(set) var base: UnsafeMutablePointer<Match>
        private(set) var count = 0
        private var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            base = .allocate(capacity: self.capacity)
        }

        @inline(__always)
        mutating func append(_ match: Match) {
            if count == capacity { grow() }
            (base + count).initialize(to: match)
            count &+= 1
        }

        @inline(never)
        private mutating func grow() {
            let larger = UnsafeMutablePointer<Match>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }

        /// Appends the matches to `matches` (the sink stays allocated until ``deallocate()``).
        func move(into matches: inout [Match]) {
            if matches.isEmpty {
                matches = array()
            } else {
                matches.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
            }
        }

        /// The matches as a new array, copied in one block (appending them to an array copied
        /// them one by one); the sink stays allocated until ``deallocate()``.
        func array() -> [Match] {
            [Match](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let target = buffer.baseAddress { target.initialize(from: base, count: count) }
                initialized = count
            }
        }

        func deallocate() { base.deallocate() }
    }

    /// Inlined into the callers' loops over sentences (a call per sentence cost a frame and the
    /// reloading of the walker's pointers).
    @inline(__always)
    private func walkRange(_ walker: Walker, from: Int, to: Int, into matches: inout MatchSink) {
        var index = from
        while index < to {
            // The root's child of label `l` is node `l + 1` (``WalkLayout``: an empty node when
            // no phrase starts with the label, and for a word without a class, -1, the root's
            // record, empty as well: visited with no test of the class first).
            let child = visit(walker, walker.classes[index] &+ 1, index + 1, index, to, &matches)
            if child >= 0 { walk(walker, child, index + 2, index, to, &matches) }
            let prefixClass = walker.prefixes[index]
            if prefixClass >= 0 {
                let child = visit(walker, prefixClass &+ 1, index + 1, index, to, &matches)
                if child >= 0 { walk(walker, child, index + 2, index, to, &matches) }
            }
            index += 1
        }
    }

    /// Runs `body` with unsafe views of the trie and of the tokens' classes.
    private func withWalker(_ tokens: Tokens, _ body: (Walker) -> Void) {
        edges.withUnsafeBufferPointer { edges in
            nodes.withUnsafeBufferPointer { nodes in
                outputList.withUnsafeBufferPointer { list in
                    gapStart.withUnsafeBufferPointer { gapStarts in
                        gapList.withUnsafeBufferPointer { gapItems in
                            tokens.classes.withUnsafeBufferPointer { classes in
                                tokens.prefixes.withUnsafeBufferPointer { prefixes in
                                    let empty: [Int32] = [0]
                                    empty.withUnsafeBufferPointer { fallback in
                                        body(
                                            Walker(
                                                edges: edges.baseAddress!, edgeMask: edgeMask, edgeShift: edgeShift,
                                                nodes: nodes.baseAddress!,
                                                outputList: list.baseAddress ?? fallback.baseAddress!,
                                                gapStart: gapStarts.baseAddress!,
                                                gapList: gapItems.baseAddress!,
                                                classes: classes.baseAddress ?? fallback.baseAddress!,
                                                prefixes: prefixes.baseAddress ?? fallback.baseAddress!))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One node of a walk and, through ``visit(_:_:_:_:_:_:)``, the nodes below it. A node whose
    /// one way on is its word child (no wildcard-prefix child, no gap) goes on in the loop: one call
    /// per walk, not per level.
    @inline(never)
    private func walk(_ walker: Walker, _ node: Int32, _ next: Int, _ start: Int, _ end: Int, _ matches: inout MatchSink) {
        var node = node
        var next = next
        while true {
            let child = visit(walker, node, next, start, end, &matches)
            if child < 0 { return }
            node = child
            next += 1
        }
    }

    /// Reports the node's outputs and walks on to its children. Inlined into the loop over a
    /// sentence's words: most walks stop at the first node (a word that starts phrases but
    /// not with the next word), so only a found child costs a call.
    ///
    /// Returns the word child to walk on from (its caller does, at `next + 1`) when that is all
    /// there is left to do at the node, else -1 once the node's walks are done.
    @inline(__always)
    private func visit(_ walker: Walker, _ node: Int32, _ next: Int, _ start: Int, _ end: Int, _ matches: inout MatchSink) -> Int32 {
        let info = walker.nodes[Int(node)]
        if info.outputCount != 0 {
            let outputFrom = Int(info.outputFrom)
            for slot in outputFrom..<outputFrom &+ Int(info.outputCount) {
                matches.append(Match(pattern: walker.outputList[slot], start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: next)))
            }
        }
        let flags = info.flags
        if next < end {
            // (A node without children has an empty filter; a word without a class, -1, tests
            // bit 63 and finds no edge: ``Walker/edge(of:label:)``.)
            let wordClass = walker.classes[next]
            var child: Int32 = -1
            if info.childLabels & CompiledMatcher.labelBit(wordClass) != 0 {
                child = walker.edge(of: node, label: wordClass)
            }
            // Nothing after the word child's walk: the caller walks on from it.
            if flags & (CompiledMatcher.nodeHasPrefixChild | CompiledMatcher.nodeHasGap) == 0 { return child }
            if child >= 0 { walk(walker, child, next + 1, start, end, &matches) }
            // (Only a node with a wildcard-prefix child reads the next word's prefix class.)
            if flags & CompiledMatcher.nodeHasPrefixChild != 0 {
                let prefixClass = walker.prefixes[next]
                if info.childLabels & CompiledMatcher.labelBit(prefixClass) != 0 {
                    let child = walker.edge(of: node, label: prefixClass)
                    if child >= 0 { walk(walker, child, next + 1, start, end, &matches) }
                }
            }
        }
        if flags & CompiledMatcher.nodeHasGap != 0 {
            for slot in Int(walker.gapStart[Int(node)])..<Int(walker.gapStart[Int(node) + 1]) {
                let gap = walker.gapList[slot]
                let target = walker.nodes[Int(gap.target)]
                // The positions `next + min ... next + max` inside the range, in order.
                let from = next &+ gap.min
                let last = Swift.min(next &+ gap.max, end &- 1)
                if target.flags & CompiledMatcher.nodeHasPrefixChild != 0 {
                    walkGap(walker, target, gap.target, from, last, start, end, prefixes: true, &matches)
                } else {
                    walkGap(walker, target, gap.target, from, last, start, end, prefixes: false, &matches)
                }
            }
        }
        return -1
    }

    /// The walks on from a gap's target at positions `from...last`; inlined twice with `prefixes`
    /// fixed (a target without a wildcard-prefix child reads no prefix classes, with no test per
    /// position). The bounds are small: no overflow checks.
    @inline(__always)
    private func walkGap(
        _ walker: Walker, _ target: Node, _ targetID: Int32, _ from: Int, _ last: Int, _ start: Int, _ end: Int, prefixes: Bool,
        _ matches: inout MatchSink
    ) {
        var position = from
        while position <= last {
            let wordClass = walker.classes[position]
            if target.childLabels & CompiledMatcher.labelBit(wordClass) != 0 {
                let child = walker.edge(of: targetID, label: wordClass)
                if child >= 0 { walk(walker, child, position &+ 1, start, end, &matches) }
            }
            if prefixes {
                let prefixClass = walker.prefixes[position]
                if target.childLabels & CompiledMatcher.labelBit(prefixClass) != 0 {
                    let child = walker.edge(of: targetID, label: prefixClass)
                    if child >= 0 { walk(walker, child, position &+ 1, start, end, &matches) }
                }
            }
            position &+= 1
        }
    }
}
