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

    /// The last tagging's sweep, block by block, with the changes made since (see
    /// ``TaggingRun/analyse(record:blockSentences:blockTokens:)``); nil when the next tagging
    /// must sweep every block.
    var sweep: SweepRecord?
    /// Blocks the last tagging swept (all of them when it could not resume a recorded sweep).
    public internal(set) var sweptBlocks = 0
    /// Whether the last tagging took people discovery's result from the record instead of running it.
    public internal(set) var skippedDiscovery = false

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
        var record = cache.sweep
        cache.sweep = nil
        if let snapshot = cache.snapshot, snapshot.sentenceRanges == document.sentences, snapshot.blocks == document.blocks,
            Self.equal(snapshot.text, document.text)
        {
            if let last = cache.lastResult, let current = cache.current, Self.same(current, document) {
                // Only inert edits since the last result: it holds with its ranges moved.
                let result = Self.move(last, through: cache.inertChanges, in: document)
                // The sweep record holds through the same changes: moved now as the result was, so
                // that the next sweep need not re-sweep the blocks they lie in.
                if var moved = record, moved.discoveryInert, !moved.changes.isEmpty, moved.changes == cache.inertChanges,
                    let people = TaggingRun.moved(moved.people, through: moved.changes)
                {
                    record = nil
                    Self.move(&moved, through: moved.changes, in: document)
                    moved.people = people
                    moved.changes = []
                    record = moved
                }
                cache.lastResult = result
                cache.inertChanges = []
                cache.movedResult = true
                cache.reusedBlocks = document.blocks.count
                cache.computedBlocks = 0
                cache.sweep = record
                cache.sweptBlocks = 0
                return result
            }
            run.tokens = snapshot.tokens
            run.sentences = snapshot.sentences
            run.matches = snapshot.matches
            cache.reusedBlocks = document.blocks.count
            cache.computedBlocks = 0
        } else {
            run.tokenizeAndMatch(cache: &cache)
            record = nil
        }
        let result: TaggingResult
        if let snapshot = cache.snapshot {
            // (The record is moved in, not copied: its arrays are changed in place.)
            let (tagged, next) = run.analyse(record: record.take(), blockSentences: snapshot.blockSentences, blockTokens: snapshot.blockTokens)
            result = tagged
            cache.sweep = next
            cache.sweptBlocks = run.sweptBlocks
            cache.skippedDiscovery = run.skippedDiscovery
        } else {
            result = run.analyse()
            cache.sweptBlocks = document.blocks.count
            cache.skippedDiscovery = false
        }
        cache.current = nil
        cache.lastResult = nil
        if cache.snapshot != nil {
            cache.current = document
            cache.lastResult = result
            cache.inertChanges = []
            // (Unchanged when discovery was skipped: no capitalised word and no name changed.)
            if !run.skippedDiscovery {
                var referenced: Set<UInt64> = []
                for index in 0..<run.tokens.count where run.tokens.flags[index] & Tokens.capitalised != 0 {
                    referenced.insert(run.tokens.hashes[index])
                }
                for (_, names) in run.people.names {
                    for (key, _, _) in names { referenced.formUnion(key.hashes) }
                }
                cache.referencedHashes = referenced
            }
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
        let move = InertMove(changes, in: document)
        for index in result.suggestions.indices {
            for item in result.suggestions[index].evidence.indices { move.apply(to: &result.suggestions[index].evidence[item]) }
        }
        for index in result.suppressed.indices { move.apply(to: &result.suppressed[index].evidence) }
        return result
    }

    /// A sweep record moved through inert changes, as ``move(_:through:in:)`` moves a result.
    static func move(_ record: inout SweepRecord, through changes: [TextEdit], in document: ReviewDocument) {
        let move = InertMove(changes, in: document)
        for index in record.evidence.indices { move.apply(to: &record.evidence[index]) }
        for index in record.suppressed.indices { move.apply(to: &record.suppressed[index].evidence) }
    }

    /// Words the tagger compares by value (outside the codebook's phrases, which the matcher
    /// knows): changing one of them is never inert. Every lower-case string literal of the
    /// tagging sources is here; a test fails when one is added there and not here.
    public static let taggerWords: Set<String> = [
        // Past events an age may be given for, "are"/"were" before an ethnic group, and the
        // fall that keeps physical assault (Finish.swift).
        "came", "moved", "arrived", "emigrated", "migrated", "left", "married", "joined", "started", "began", "entered",
        "settled", "returned", "retired", "qualified", "enlisted", "are", "fall",
        // Declarations for "her" or "him" (Discovery.swift), analysis words before a hypothetical
        // section's word (HypotheticalSections.swift) and appositive declarations (Discovery.swift).
        "refer", "referring", "call", "calling", "naming", "here", "throughout",
        // Reporting verbs before a relative's "he"/"she" (PronounRules.swift).
        "reported", "said", "told", "described", "explained", "stated", "disclosed", "complained", "claimed", "noticed",
        "worried", "feared", "thought", "believed",
        // Claims of an age ("told him she was 18", Finish.swift).
        "lied", "pretended", "assumed", "insisted",
        // "the death of" a name in an investigation's title (Discovery.swift).
        "death", "deaths", "killing", "murder", "homicide", "manslaughter",
        "lessons", "analysing", "addressing", "findings", "evaluation", "hereafter", "chronology", "conclusions", "finding",
        "discussion", "analysis", "analyses", "response", "analyzing", "responses", "named", "conclusion", "answering", "better",
        // Descriptive roles and agents' appositions (RoleDescriptions.swift).
        "another", "known", "possible", "potential", "likely", "repeat", "secondary", "primary", "that", "which", "while", "whilst",
        "about", "into", "towards", "around", "among", "shall", "themselves", "themself", "not", "never",
        // Workplaces that are no supported accommodation (PartnerTitles.swift).
        "employed", "job", "shift", "shifts", "worked", "working", "works",
        // Category cues and ages of other people (CategoryCues.swift, Finish.swift, Sweep.swift).
        "adolescents", "suicide", "people", "pupils", "students", "several", "persons", "household", "cousins", "males", "girls",
        "lads", "some", "men", "brothers", "siblings", "peers", "others", "women", "sisters", "teenagers", "youths", "boys", "friends",
        "newborn", "toddler", "infant", "neonate", "context", "escalation", "occasions", "occasion", "times", "pattern", "history",
        "previous", "previously", "earlier", "frequent", "frequently", "escalating", "escalated", "series", "ongoing", "years",
        "months", "weeks", "had", "often", "regularly", "increasingly", "past", "gang-involvement", "were", "was", "he", "she", "his",
        "her", "is", "members", "associates",
        // The unnamed agent of "by a man with ..." (AttributionRules.swift).
        "husband", "wife", "boyfriend", "girlfriend",
        // A gender noun before a name's declaration ("a little boy who is called Alfie in this report", GenderVotes.swift).
        "report", "little", "whom", "refer",
        // Tag ids EntryFacts.swift names (compared with no token, but literals all the same).
        "agency", "ambulance",
        "a", "accused", "acquaintance", "admitted", "adolescent", "adult", "after", "age", "aged", "agreed", "alleged",
        "also", "am", "an", "and", "april", "as", "asian", "asked", "assailant", "assaulted", "at", "attended", "august",
        "babies", "baby", "infants", "be", "became", "been", "before", "began", "being", "between", "black", "both", "boy", "british", "by",
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
        "i", "where",
        "widower", "pensioner", "widow", "grandfather", "grandmother",
        "victims", "perpetrators", "offenders", "suspects", "defendants", "attackers", "killers", "assailants",
    ]

    /// Sentences the review type is read from (``TaggingRun/detectReviewType()``).
    static let reviewTypeSentences = 60

    /// Words people discovery (and the people tables and gender votes) compares tokens with by
    /// value: every lower-case string literal of its sources (a test checks).
    public static let discoveryWords: Set<String> = [
        // Declarations for "her" or "him" and in apposition to a name (Discovery.swift).
        "refer", "referring", "call", "calling", "name", "naming", "to", "him",
        "known", "referred", "called", "also", "better", "hereafter", "named", "here", "throughout",
        "death", "deaths", "killing", "murder", "homicide", "manslaughter",
        // A gender noun before a name's declaration (GenderVotes.swift).
        "report", "little", "whom", "refer",
        // Reporting verbs before a relative's "he"/"she" (PronounRules.swift).
        "stated", "complained", "claimed", "noticed", "worried", "feared", "thought", "believed",
        // RoleDescriptions.swift.
        "another", "known", "possible", "potential", "likely", "repeat", "previous", "secondary", "primary", "that", "which", "while",
        "whilst", "when", "three", "of", "the",
        "about", "in", "on", "into", "towards", "around", "over", "between", "among", "should", "might", "must", "not", "never", "will", "shall", "herself", "himself", "themselves", "themself",
        "a", "accused", "admitted", "adult", "age", "aged", "agreed", "alleged", "also", "an", "and", "april", "as", "asian", "asked",
        "assailant", "assaulted", "at", "attended", "august", "be", "became", "been", "began", "being", "black", "boy", "british", "by",
        "called", "child", "christmas", "connection", "continued", "could", "deceased", "december", "defendant", "denied", "described",
        "description", "did", "died", "disabled", "disclosed", "divorced", "does", "drank", "easter", "eight", "eighteen", "eighty",
        "elder", "elderly", "eldest", "eleven", "ethnic", "ethnicity", "explained", "f", "february", "felt", "female", "fifteen",
        "fifty", "five", "for", "forty", "four", "fourteen", "frail", "friday", "from", "gender", "girl", "had", "has", "he", "her",
        "heritage", "his", "hit", "iir", "individual", "individuals", "initial", "initials", "involvement", "is", "january", "jnr",
        "july", "june", "junior", "killed", "killer", "late", "later", "left", "lived", "local", "m", "male", "man", "march",
        "married", "may", "met", "middle", "mixed", "monday", "month", "moved", "name", "names", "nine", "nineteen", "ninety",
        "november", "october", "of", "offender", "old", "older", "one", "only", "or", "other", "own", "parent", "partner", "patient",
        "perpetrator", "person", "phoned", "pregnant", "pseudonym", "pseudonyms", "race", "received", "referred", "refused",
        "relation", "relationship", "remained", "reported", "retired", "returned", "review", "risk", "role", "s", "said", "sar",
        "saturday", "saw", "says", "scr", "senior", "september", "seven", "seventeen", "seventy", "sex", "she", "single", "six",
        "sixteen", "sixty", "smoked", "snr", "spent", "stabbed", "started", "status", "stopped", "struck", "subject", "sunday",
        "suspect", "teenage", "ten", "the", "their", "then", "thirteen", "thirty", "this", "three", "thursday", "to", "told", "took",
        "tuesday", "twelve", "twenty", "two", "unemployed", "used", "victim", "visited", "vulnerable", "wanted", "was", "wednesday",
        "week", "went", "were", "white", "who", "whom", "widowed", "with", "woman", "would", "year", "years", "young", "younger",
        "youngest",
        // Time clauses of a subject pronoun and the words that are no initials.
        "until", "i", "where", "after", "before",
        // Predicate nouns of a name ("Rita was a 44-year-old woman who ...").
        "mother", "teenager", "children", "people", "babies", "infants", "grandmother", "baby", "lady", "gentleman", "widow", "widower", "grandfather", "pensioner", "father",
        "victims", "perpetrators", "offenders", "suspects", "defendants", "attackers", "killers", "assailants",
    ]

    /// Their hashes, with discovery's word sets.
    static let discoveryHashes: Set<UInt64> = {
        var hashes = Set(discoveryWords.map(Words2.hash))
        for set in [
            Words2.calendar, Words2.numberWords, Words2.possessives, Words2.kinModifiers, Words2.notApposition, Words2.possessivePronouns,
            Words2.generation, Words2.codeWords, Words2.passive, Words2.personContext, PronounWords.subjects,
        ] {
            hashes.formUnion(set)
        }
        hashes.formUnion([Words2.by, Words2.of, Words2.who, Words2.were, Words2.whom, Words2.review, Words2.s, Words2.her, Words2.his])
        return hashes
    }()

    /// Whether people discovery treats a token as any other word: lower case, no digits, not
    /// one of its words, no capitalised word's or name's twin.
    static func isInvisibleToDiscovery(_ tokens: Tokens, _ index: Int, referenced: Set<UInt64>) -> Bool {
        tokens.flags[index] == 0 && !discoveryHashes.contains(tokens.hashes[index]) && !referenced.contains(tokens.hashes[index])
    }

    /// Words discovery reads after a capitalised word or a name, or at a sentence's start.
    static let readAfterNames: Set<UInt64> = Words2.personContext.union(Words2.generation).union(PronounWords.subjects)

    /// Whether people discovery reads a token only next to the matches it looks for: lower case,
    /// no digits, not read after names, no capitalised word's or name's twin.
    static func isQuietForDiscovery(_ tokens: Tokens, _ index: Int, referenced: Set<UInt64>) -> Bool {
        (tokens.flags[index] == 0 || tokens.flags[index] == Tokens.digits) && !readAfterNames.contains(tokens.hashes[index])
            && !referenced.contains(tokens.hashes[index])
    }

    /// Whether the token before `index` (of a block's tokens) is a capitalised code word ("Adult", "Child").
    static func followsCodeWord(_ tokens: Tokens, _ index: Int) -> Bool {
        index == 0 || (tokens.flags[index - 1] & Tokens.capitalised != 0 && Words2.codeWords.contains(tokens.hashes[index - 1]))
    }

    /// Whether people discovery reads the words around matches of this kind (not pronouns,
    /// read as they are, nor titles, which read only the capitalised word after them).
    static func discoveryReadsAround(_ kind: PatternKind) -> Bool {
        switch kind {
        case .pronoun, .title: false
        default: discoveryReads(kind)
        }
    }

    /// Whether people discovery (or the review type) reads matches of this kind.
    static func discoveryReads(_ kind: PatternKind) -> Bool {
        switch kind {
        case .victim, .perpetrator, .child, .declare, .roleCue, .kin, .female, .male, .pronoun, .title: true
        case .tag, .exclusion, .proximity, .negationPre, .negationPost, .pseudo, .termination, .hypotheticalPre, .hypotheticalPost,
            .incident, .ethnicity:
            false
        }
    }

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
        // The sweep record follows the change when the update succeeds (put back below).
        let record = cache.sweep
        cache.sweep = nil
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

        // The one token whose bytes changed when the change lies inside a word that stays one
        // word (same tokens otherwise, same sentences in tokens), or nil.
        var sameShape = tokenDelta == 0 && sentenceDelta == 0
        if sameShape {
            for (offset, span) in spans.enumerated() {
                let old = snapshot.sentences[sentenceFrom + offset]
                if old.tokenFrom != span.tokenFrom || old.tokenTo != span.tokenTo { sameShape = false }
            }
        }
        var changedToken: Int?
        if sameShape {
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
                if oldStart <= change.start && editEnd <= oldEnd && newStart <= change.start && change.start + change.newLength <= newEnd {
                    changedToken = index
                }
            }
        }
        // Inert: one plain word became another plain word and nothing else the tagger reads
        // moved (same tokens otherwise, same matches, same sentences; no match spans the word).
        // (Table cells are read as people tables too: never inert.)
        var inert = cache.lastResult != nil && block.kind != .tableCell && matchDelta == 0
            && Array(snapshot.matches[matchFrom..<matchTo]) == blockMatches
        if inert {
            for (offset, span) in spans.enumerated() {
                let old = snapshot.sentences[sentenceFrom + offset]
                if old.matchFrom != span.matchFrom || old.matchTo != span.matchTo { inert = false }
            }
        }
        if inert, let index = changedToken {
            let absolute = tokenFrom + index
            inert = Self.isPlain(snapshot.tokens, absolute, referenced: cache.referencedHashes)
                && Self.isPlain(blockTokens, index, referenced: cache.referencedHashes)
                && !blockMatches.contains { Int($0.start) <= absolute && absolute < Int($0.end) }
        } else {
            inert = false
        }
        // Inert for people discovery (and the review type and people tables): the word is one
        // discovery treats as any other and the matches discovery reads stay (codebook phrases
        // and context cues may change: only the sweep reads them).
        var discoveryInert = false
        if let index = changedToken, block.kind != .tableCell, sentenceFrom >= Self.reviewTypeSentences,
            Self.isInvisibleToDiscovery(snapshot.tokens, tokenFrom + index, referenced: cache.referencedHashes),
            Self.isInvisibleToDiscovery(blockTokens, index, referenced: cache.referencedHashes)
        {
            discoveryInert = true
            for (offset, span) in spans.enumerated() where discoveryInert {
                let old = snapshot.sentences[sentenceFrom + offset]
                let before = snapshot.matches[old.matchFrom..<old.matchTo].filter { Self.discoveryReads(compiled.kinds[Int($0.pattern)]) }
                let after = blockMatches[(span.matchFrom - matchFrom)..<(span.matchTo - matchFrom)]
                    .filter { Self.discoveryReads(compiled.kinds[Int($0.pattern)]) }
                if before != after { discoveryInert = false }
            }
        }
        // Or: the word is one discovery only reads next to roles, kin nouns, declarations, role
        // cues and gender words, and there is none of these in its sentence or in the few words
        // before it (lookahead from an earlier match), the matches discovery reads (pronouns and
        // titles too) stay; and it is not a word read after any capitalised word or name ("Carol
        // was", "Adult A senior", a sentence opening "She"), nor a capitalised word's or name's twin.
        // A number may become another number or a word (and back): discovery reads only whether
        // a token is all digits, after a capitalised code word ("Adult 1") or around the matches
        // that rule out a quiet sentence.
        if !discoveryInert, let index = changedToken, block.kind != .tableCell, sentenceFrom >= Self.reviewTypeSentences,
            Self.isQuietForDiscovery(snapshot.tokens, tokenFrom + index, referenced: cache.referencedHashes),
            Self.isQuietForDiscovery(blockTokens, index, referenced: cache.referencedHashes),
            blockTokens.flags[index] == 0 && snapshot.tokens.flags[tokenFrom + index] == 0
                || !Self.followsCodeWord(blockTokens, index),
            let offset = spans.firstIndex(where: { $0.tokenFrom <= tokenFrom + index && tokenFrom + index < $0.tokenTo })
        {
            let absolute = tokenFrom + index
            let span = spans[offset]
            let reads = { (match: Match) in Self.discoveryReadsAround(compiled.kinds[Int(match.pattern)]) }
            let new = blockMatches[(span.matchFrom - matchFrom)..<(span.matchTo - matchFrom)]
            let old = snapshot.sentences[sentenceFrom + offset]
            let kept = { (match: Match) in Self.discoveryReads(compiled.kinds[Int(match.pattern)]) }
            var quiet = !new.contains(where: reads) && snapshot.matches[old.matchFrom..<old.matchTo].filter(kept) == new.filter(kept)
            var sentence = sentenceFrom + offset
            while quiet, sentence >= 0, sentence == sentenceFrom + offset || snapshot.sentences[sentence].tokenTo > absolute - 8 {
                let old = snapshot.sentences[sentence]
                if snapshot.matches[old.matchFrom..<old.matchTo].contains(where: reads) { quiet = false }
                sentence -= 1
            }
            discoveryInert = quiet
        }
        if var record {
            record.changes.append(change)
            record.discoveryInert = record.discoveryInert && discoveryInert
            cache.sweep = record
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
        let hypotheticalSections = compiled.hypotheticalSections
        var sectionCache: [String: Bool] = [:]
        func isHypothetical(_ block: Block) -> Bool {
            var path = block.section
            if block.kind == .heading { path.append(document.text(of: block)) }
            let key = path.joined(separator: "\u{1F}")
            if let cached = sectionCache[key] { return cached }
            let value = path.contains { hypotheticalSections.contains($0) }
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

// MARK: - Resumable sweep

/// What the sweep carries across a block boundary: the people it last named by gender, the
/// section's focus, the people (mentioned flags, ages, ethnicities, relatives created on first
/// mention), whether the victim is a child, and how explicit each recorded age was. At a block
/// boundary nothing else of ``SweepCursor`` matters (the paragraph focus and the previous
/// sentence's mentions are per block).
struct SweepCarry: Sendable {
    var lastByGender: GenderMap
    var lastPrincipal: GenderMap
    var lastAny: Int?
    var sectionFocus: Int?
    var leadIn: Int?
    var entities: [Entity]
    var relatives: RelativeTable
    var victimIsChild: Bool
    var agePriority: [Int: Int]

    /// Whether the sweep would go on from both alike (where a relative's kin noun was found is
    /// not read by the sweep or after it, and is not compared).
    func same(as other: SweepCarry) -> Bool {
        lastAny == other.lastAny && sectionFocus == other.sectionFocus && leadIn == other.leadIn && victimIsChild == other.victimIsChild
            && lastByGender == other.lastByGender && lastPrincipal == other.lastPrincipal && relatives == other.relatives
            && agePriority == other.agePriority && SweepCarry.sameEntities(entities, other.entities, kinEvidence: { _ in true })
    }

    /// Whether two entity lists are equal; `kinEvidence` decides on the kin evidence of a pair.
    static func sameEntities(_ a: [Entity], _ b: [Entity], kinEvidence: (_ index: Int) -> Bool) -> Bool {
        guard a.count == b.count else { return false }
        let shared = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
        for index in a.indices {
            if !shared {
                let x = a[index]
                let y = b[index]
                guard x.role == y.role, x.name == y.name, x.gender == y.gender, x.owner == y.owner, x.kin == y.kin,
                    x.isParent == y.isParent, x.age == y.age, x.ethnicity == y.ethnicity, x.mentioned == y.mentioned
                else { return false }
            }
            if !kinEvidence(index) { return false }
        }
        return true
    }
}

/// The sweep of the last tagging, block by block, so that the next tagging of the document
/// after an edit sweeps from the edited block only until the carried state is again what it
/// was (``SweepCarry``), and takes the outputs of the blocks after that from here, moved.
struct SweepRecord: Sendable {
    var blockCount: Int
    /// The state before the sweep: people as discovery left them, the review type, age priorities.
    var people: PeopleModel
    var reviewType: ReviewTypeDetection?
    var agePriority: [Int: Int]
    var debugScores: [Int: (Double, Double)]
    /// Per block, the carried state before it; one more entry: after the last block.
    var carries: [SweepCarry]
    /// The evidence keys (evidence refers to them by index).
    var keys: [TagKey]
    var keyIndex: [TagKey: Int32]
    /// Evidence in sweep order with its key; per block, where its evidence starts (one more entry for the end).
    var evidence: [Evidence]
    var evidenceKeys: [Int32]
    var evidenceStarts: [Int]
    var suppressed: [SuppressedMatch]
    var suppressedStarts: [Int]
    var categories: [(id: String, text: String)]
    var categoryStarts: [Int]
    var relations: [(id: String, amount: Double)]
    var relationStarts: [Int]
    /// The text changes made since (in order).
    var changes: [TextEdit] = []
    /// Whether every change since provably leaves the state before the sweep as it was.
    var discoveryInert = true

    /// The key number of a key, added when new.
    mutating func key(_ key: TagKey) -> Int32 {
        if let known = keyIndex[key] { return known }
        keys.append(key)
        keyIndex[key] = Int32(keys.count - 1)
        return Int32(keys.count - 1)
    }
}

/// The outputs of sweeping a run of blocks.
struct SweepPiece {
    var carries: [SweepCarry] = []
    var end: SweepCarry?
    var evidence: [Evidence] = []
    var evidenceSlots: [Int32] = []
    var evidenceStarts: [Int] = []
    var suppressed: [SuppressedMatch] = []
    var suppressedStarts: [Int] = []
    var categories: [(id: String, text: String)] = []
    var categoryStarts: [Int] = []
    var relations: [(id: String, amount: Double)] = []
    var relationStarts: [Int] = []
    var keys: [TagKey] = []
}

extension TaggingRun {
    /// The carried state now.
    func carry(_ cursor: SweepCursor) -> SweepCarry {
        SweepCarry(
            lastByGender: cursor.lastByGender, lastPrincipal: cursor.lastPrincipal, lastAny: cursor.lastAny, sectionFocus: cursor.sectionFocus, leadIn: cursor.leadIn,
            entities: people.entities, relatives: people.relatives, victimIsChild: people.victimIsChild, agePriority: agePriority)
    }

    /// Sweeps blocks from `first` on, from `start` (nil: the state as it is), and stops before a
    /// block after `dirtyTo` whose carried state equals `old`'s (from there the old sweep holds).
    /// Returns the outputs and the block it stopped before.
    mutating func sweepBlocks(from first: Int, start: SweepCarry?, dirtyTo: Int, blockSentences: [Int], old: SweepRecord?) -> (SweepPiece, Int) {
        var cursor = SweepCursor()
        cursor.logging = true
        if let start {
            cursor.lastByGender = start.lastByGender
            cursor.lastPrincipal = start.lastPrincipal
            cursor.lastAny = start.lastAny
            cursor.sectionFocus = start.sectionFocus
            cursor.leadIn = start.leadIn
            people.entities = start.entities
            people.relatives = start.relatives
            people.victimIsChild = start.victimIsChild
            agePriority = start.agePriority
        }
        collector = EvidenceCollector(entryCount: compiled.facts.tags.count)
        ensureCapitals()
        sweepNames = SweepNames()
        let blockKinds = document.blocks.map(\.kind)
        // The matches read through one buffer (see ``TaggingRun/sweep()``): a local copy, which
        // the sweep does not change.
        let allMatches = matches
        var sweepText = document.text
        let blockCount = document.blocks.count
        var piece = SweepPiece()
        var orderStarts: [Int] = []
        var block = first
        while block < blockCount {
            let now = carry(cursor)
            if let old, block > dirtyTo, now.same(as: old.carries[block]) { break }
            piece.carries.append(now)
            orderStarts.append(collector.items.count)
            piece.suppressedStarts.append(collector.suppressions.count)
            piece.categoryStarts.append(cursor.categoryLog.count)
            piece.relationStarts.append(cursor.relationLog.count)
            sweepText.withUTF8 { textBytes in
                allMatches.withUnsafeBufferPointer { matchBuffer in
                    for sentenceIndex in blockSentences[block]..<blockSentences[block + 1] {
                        sweepSentence(sentenceIndex, blockKinds: blockKinds, matches: matchBuffer, textBytes: textBytes, cursor: &cursor)
                    }
                }
            }
            block += 1
        }
        if block == blockCount { piece.end = carry(cursor) }
        orderStarts.append(collector.items.count)
        piece.suppressedStarts.append(collector.suppressions.count)
        piece.categoryStarts.append(cursor.categoryLog.count)
        piece.relationStarts.append(cursor.relationLog.count)
        // The evidence in the order it was added, with its slot, and the suppressed matches, with
        // their texts and positions cut in one pass (as ``flushCollectedEvidence()`` does).
        let pending = collector.items
        var offsets = pending.map(\.range.start)
        offsets.append(contentsOf: collector.suppressions.lazy.map(\.range.start))
        let positions = document.sourceMap.positions(ofText: offsets)
        var text = document.text
        text.withUTF8 { bytes in
            var next = 0
            var texts = EvidenceTexts(bytes, expected: offsets.count)
            func materialise(_ range: TextRange, _ rule: String) -> Evidence {
                let position = positions[next]
                next += 1
                return Evidence(
                    text: texts.text(range) ?? document.substring(range), range: range, rule: rule,
                    line: position.line, character: position.utf16Column)
            }
            piece.evidence = pending.map { materialise($0.range, collector.ruleID($0.rule, compiled: compiled)) }
            piece.suppressed = collector.suppressions.map { item in
                SuppressedMatch(
                    tag: compiled.facts.tags[Int(item.entry)], evidence: materialise(item.range, collector.ruleID(item.rule, compiled: compiled)), reason: item.reason,
                    trigger: item.trigger)
            }
        }
        piece.evidenceSlots = collector.order
        piece.evidenceStarts = orderStarts
        piece.keys = collector.keys
        piece.categories = cursor.categoryLog
        piece.relations = cursor.relationLog
        collector = EvidenceCollector(entryCount: 0)
        return (piece, block)
    }

    /// The results of a complete record, as a full sweep leaves them in the run.
    mutating func adopt(_ record: SweepRecord) {
        let end = record.carries[record.blockCount]
        people.entities = end.entities
        people.relatives = end.relatives
        people.victimIsChild = end.victimIsChild
        agePriority = end.agePriority
        var lists = [[Evidence]](repeating: [], count: record.keys.count)
        for index in record.evidence.indices { lists[Int(record.evidenceKeys[index])].append(record.evidence[index]) }
        evidence = [:]
        for (key, list) in zip(record.keys, lists) where !list.isEmpty { evidence[key] = list }
        suppressed = record.suppressed
        categoryScores = [:]
        categoryEvidence = [:]
        for (id, text) in record.categories {
            categoryScores[id, default: 0] += 2
            categoryEvidence[id, default: []].append(text)
        }
        relationCounts = [:]
        for (id, amount) in record.relations { relationCounts[id, default: 0] += amount }
    }

    /// A record of a sweep of every block (the state before the sweep is the run's now).
    mutating func recordedSweep(blockSentences: [Int]) -> SweepRecord {
        let before = people
        let priorities = agePriority
        let (piece, _) = sweepBlocks(from: 0, start: nil, dirtyTo: document.blocks.count, blockSentences: blockSentences, old: nil)
        sweptBlocks = document.blocks.count
        var keyIndex: [TagKey: Int32] = [:]
        for (index, key) in piece.keys.enumerated() { keyIndex[key] = Int32(index) }
        var record = SweepRecord(
            blockCount: document.blocks.count, people: before, reviewType: reviewType, agePriority: priorities, debugScores: debugScores,
            carries: piece.carries + [piece.end!], keys: piece.keys, keyIndex: keyIndex, evidence: piece.evidence,
            evidenceKeys: piece.evidenceSlots, evidenceStarts: piece.evidenceStarts, suppressed: piece.suppressed,
            suppressedStarts: piece.suppressedStarts, categories: piece.categories, categoryStarts: piece.categoryStarts,
            relations: piece.relations, relationStarts: piece.relationStarts)
        record.changes = []
        return record
    }

    /// Everything after tokenising and matching, through the sweep record of the previous
    /// tagging when it still holds: discovery is skipped when every change since was inert for
    /// it, and the sweep resumes at the first changed block and stops when its state is again
    /// the recorded one. Returns the result and the record of this tagging.
    mutating func analyse(record old: consuming SweepRecord?, blockSentences: [Int], blockTokens: [Int]) -> (TaggingResult, SweepRecord) {
        let blockCount = document.blocks.count
        if var record = old.take(), record.blockCount == blockCount, blockSentences.count == blockCount + 1 {
            var holds = false
            if record.discoveryInert, let moved = Self.moved(record.people, through: record.changes) {
                reviewType = record.reviewType
                people = moved
                agePriority = record.agePriority
                debugScores = record.debugScores
                holds = true
                skippedDiscovery = true
            } else {
                detectReviewType()
                people.victimIsChild = reviewType?.id == "scr"
                people.subjectIsPerpetrator = reviewType?.id == "iir"
                readPeopleTables()
                discoverPeople()
                holds = reviewType == record.reviewType && agePriority == record.agePriority
                    && Self.samePeople(people, record.people, through: record.changes)
            }
            if holds {
                let before = people
                // The changed blocks, from a few tokens before the first (a sentence may look a few
                // words past its end).
                var firstDirty = blockCount
                var lastDirty = -1
                for change in record.changes {
                    firstDirty = min(firstDirty, change.block)
                    lastDirty = max(lastDirty, change.block)
                }
                if firstDirty < blockCount {
                    let target = max(0, blockTokens[firstDirty] - 8)
                    while firstDirty > 0, blockTokens[firstDirty] > target { firstDirty -= 1 }
                }
                if firstDirty < blockCount {
                    let (piece, end) = sweepBlocks(
                        from: firstDirty, start: record.carries[firstDirty], dirtyTo: lastDirty, blockSentences: blockSentences, old: record)
                    Self.splice(piece, from: firstDirty, to: end, into: &record, document: document)
                    sweptBlocks = end - firstDirty
                }
                record.people = before
                record.changes = []
                record.discoveryInert = true
                adopt(record)
                return (finish(), record)
            }
            let record = recordedSweep(blockSentences: blockSentences)
            adopt(record)
            return (finish(), record)
        }
        detectReviewType()
        people.victimIsChild = reviewType?.id == "scr"
        people.subjectIsPerpetrator = reviewType?.id == "iir"
        readPeopleTables()
        discoverPeople()
        let record = recordedSweep(blockSentences: blockSentences)
        adopt(record)
        return (finish(), record)
    }

    /// A text range carried through changes (nil when one overlaps it).
    static func moved(_ range: TextRange, through changes: [TextEdit]) -> TextRange? {
        var range = range
        for change in changes {
            if range.start >= change.start + change.oldLength {
                range = TextRange(start: range.start + change.delta, end: range.end + change.delta)
            } else if range.end > change.start {
                return nil
            }
        }
        return range
    }

    /// People with their text ranges carried through changes (nil when a change overlaps one).
    static func moved(_ people: PeopleModel, through changes: [TextEdit]) -> PeopleModel? {
        guard !changes.isEmpty else { return people }
        var people = people
        if let range = people.perpetratorRelationEvidence {
            guard let moved = moved(range, through: changes) else { return nil }
            people.perpetratorRelationEvidence = moved
        }
        for index in people.entities.indices {
            guard let range = people.entities[index].kinEvidence else { continue }
            guard let moved = moved(range, through: changes) else { return nil }
            if moved != range { people.entities[index].kinEvidence = moved }
        }
        return people
    }

    /// Whether the people discovery found now are those it found before `changes`.
    static func samePeople(_ new: PeopleModel, _ old: PeopleModel, through changes: [TextEdit]) -> Bool {
        guard new.victimIsChild == old.victimIsChild, new.subjectIsPerpetrator == old.subjectIsPerpetrator,
            new.perpetratorRelation == old.perpetratorRelation, new.relatives == old.relatives, new.names.count == old.names.count
        else { return false }
        if (new.perpetratorRelationEvidence == nil) != (old.perpetratorRelationEvidence == nil) { return false }
        if let range = old.perpetratorRelationEvidence, moved(range, through: changes) != new.perpetratorRelationEvidence { return false }
        let entities = SweepCarry.sameEntities(new.entities, old.entities) { index in
            let a = new.entities[index].kinEvidence
            let b = old.entities[index].kinEvidence
            if a == nil || b == nil { return a == nil && b == nil }
            return moved(b!, through: changes) == a
        }
        guard entities else { return false }
        for (first, list) in new.names {
            guard let other = old.names[first], other.count == list.count else { return false }
            for (x, y) in zip(list, other) where x.0 != y.0 || x.1 != y.1 || x.2 != y.2 { return false }
        }
        return true
    }

    /// Puts the outputs of re-swept blocks `from..<to` in place of the record's and moves the
    /// outputs of the blocks after them (which lie after every change) by the changes' length.
    static func splice(_ piece: SweepPiece, from: Int, to: Int, into record: inout SweepRecord, document: ReviewDocument) {
        let delta = record.changes.reduce(0) { $0 + $1.delta }
        // The source lines the changes lie on (they add or remove no line break): positions
        // there are placed again.
        var lines: Set<Int> = []
        for (index, change) in record.changes.enumerated() {
            var offset = change.start
            for later in record.changes[(index + 1)...] where later.start + later.oldLength <= offset { offset += later.delta }
            lines.insert(document.sourceMap.position(ofText: offset).line)
        }
        func moved(_ evidence: inout Evidence) {
            evidence.range = TextRange(start: evidence.range.start + delta, end: evidence.range.end + delta)
            if lines.contains(evidence.line) {
                let position = document.sourceMap.position(ofText: evidence.range.start)
                evidence.line = position.line
                evidence.character = position.utf16Column
            }
        }
        record.carries.replaceSubrange(from..<to, with: piece.carries)
        if let end = piece.end { record.carries[record.blockCount] = end }
        // Evidence.
        let slots = piece.keys.map { record.key($0) }
        let evidenceFrom = record.evidenceStarts[from]
        let evidenceTo = record.evidenceStarts[to]
        record.evidence.replaceSubrange(evidenceFrom..<evidenceTo, with: piece.evidence)
        record.evidenceKeys.replaceSubrange(evidenceFrom..<evidenceTo, with: piece.evidenceSlots.lazy.map { slots[Int($0)] })
        let evidenceTail = evidenceFrom + piece.evidence.count
        if delta != 0 || !lines.isEmpty {
            for index in evidenceTail..<record.evidence.count { moved(&record.evidence[index]) }
        }
        Self.replaceStarts(&record.evidenceStarts, from: from, to: to, with: piece.evidenceStarts, base: evidenceFrom)
        // Suppressed matches.
        let suppressedFrom = record.suppressedStarts[from]
        let suppressedTo = record.suppressedStarts[to]
        record.suppressed.replaceSubrange(suppressedFrom..<suppressedTo, with: piece.suppressed)
        if delta != 0 || !lines.isEmpty {
            for index in (suppressedFrom + piece.suppressed.count)..<record.suppressed.count { moved(&record.suppressed[index].evidence) }
        }
        Self.replaceStarts(&record.suppressedStarts, from: from, to: to, with: piece.suppressedStarts, base: suppressedFrom)
        // Category and relation cues (no positions).
        let categoryFrom = record.categoryStarts[from]
        record.categories.replaceSubrange(categoryFrom..<record.categoryStarts[to], with: piece.categories)
        Self.replaceStarts(&record.categoryStarts, from: from, to: to, with: piece.categoryStarts, base: categoryFrom)
        let relationFrom = record.relationStarts[from]
        record.relations.replaceSubrange(relationFrom..<record.relationStarts[to], with: piece.relations)
        Self.replaceStarts(&record.relationStarts, from: from, to: to, with: piece.relationStarts, base: relationFrom)
    }

    /// Replaces the per-block starts of blocks `from..<to` (and moves the later ones) after the
    /// items of those blocks were replaced by a piece whose starts (relative, one more entry for
    /// its end) are `starts`, placed at `base`.
    static func replaceStarts(_ record: inout [Int], from: Int, to: Int, with starts: [Int], base: Int) {
        let oldCount = record[to] - record[from]
        let newCount = starts[starts.count - 1] - starts[0]
        record.replaceSubrange(from..<to, with: starts.dropLast().lazy.map { $0 - starts[0] + base })
        let shift = newCount - oldCount
        if shift != 0 {
            for index in (from + starts.count - 1)..<record.count { record[index] += shift }
        }
    }
}

/// Inert changes of a document's text, applied to evidence recorded before them: a range after
/// a change shifts by its length difference (none overlaps one), and a position on a changed
/// source line is placed again.
struct InertMove {
    let changes: [TextEdit]
    let document: ReviewDocument
    /// The source lines the changes lie on (inert changes add or remove no line break), each
    /// change's offset carried through the later changes into this document's text.
    let lines: Set<Int>

    init(_ changes: [TextEdit], in document: ReviewDocument) {
        self.changes = changes
        self.document = document
        var lines: Set<Int> = []
        for (index, change) in changes.enumerated() {
            var offset = change.start
            for later in changes[(index + 1)...] where later.start + later.oldLength <= offset { offset += later.delta }
            lines.insert(document.sourceMap.position(ofText: offset).line)
        }
        self.lines = lines
    }

    func apply(to evidence: inout Evidence) {
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
    }
}
