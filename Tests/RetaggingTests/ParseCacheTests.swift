import AnnotationStore
import Foundation
@testable import Retagging
import ReviewModel
import ReviewParsing
import Synchronization
import Tagging
import TestSupport
import Testing

/// The parse cache: a codebook change re-tags without parsing, damaged entries are parsed
/// again and replaced, a new parser version starts afresh, and results never differ.
@Suite struct ParseCacheTests {
    /// A few documents of several formats with the phrases the test codebooks look for.
    static func fill(_ space: Workspace) throws {
        let filler = String(repeating: "The family were seen at home and the review panel met twice. ", count: 30)
        for index in 0..<4 {
            try space.write("note-\(index).txt", "Report \(index). A police officer visited the flat. \(filler)\nThe surgery closed.\n")
        }
        try space.write(
            "review.html",
            "<html><head><title>Domestic Homicide Review</title></head><body><h1>Chronology</h1>"
                + "<p>The constable spoke to the general practitioner &amp; the surgery.</p><ul><li>\(filler)</li></ul></body></html>\n")
        try space.write("review.md", "# Findings\n\nThe police officer met the general practitioner.\n\n- \(filler)\n")
        try space.write("review.xml", "<?xml version=\"1.0\"?><review><title>Review</title><p>A constable at the surgery.</p></review>\n")
    }

    static let documentCount = 7

    func cacheDirectory(_ space: Workspace) -> String { space.root.appendingPathComponent("store.sqlite.parse-cache").path }

    func run(_ space: Workspace, _ yaml: String, cache: Bool = true, parserVersion: String? = nil, force: Bool = false, dryRun: Bool = false)
        throws -> RetagReport
    {
        var engine = try Codebooks.engine(yaml)
        if let parserVersion { engine.parserVersion = parserVersion }
        var options = space.options(dryRun: dryRun, force: force)
        options.parseCacheDirectory = cache ? cacheDirectory(space) : nil
        return try Retagger(store: space.store, engine: engine).run(options)
    }

    /// The standard engine's cache of a workspace (a new instance: it reads the packs afresh).
    func standardCache(_ space: Workspace) throws -> ParseCache {
        ParseCache(directory: cacheDirectory(space), parserVersion: try #require(Codebooks.engine(Codebooks.v1).parserVersion))
    }

    /// The documents the standard cache has an entry of.
    func names(_ space: Workspace) throws -> Set<String> { Set(try standardCache(space).packs.latestEntries().keys) }

    /// Every file in the cache's version folders (packs, unless a test put others there).
    func entries(_ space: Workspace) -> [String] {
        let directory = cacheDirectory(space)
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? []).map { directory + "/" + folder + "/" + $0 }
        }.sorted()
    }

    @Test func aCodebookChangeLoadsEveryDocumentInsteadOfParsingIt() throws {
        let space = try Workspace()
        try Self.fill(space)
        let first = try run(space, Codebooks.v1)
        let firstCache = try #require(first.parseCache)
        #expect(firstCache.parsed == Self.documentCount)
        #expect(firstCache.hits == 0)
        #expect(firstCache.written == Self.documentCount)
        #expect(firstCache.bytesWritten > 0)
        #expect(try names(space).count == Self.documentCount)
        #expect(entries(space).count == 1)  // one pack

        let second = try run(space, Codebooks.v2)
        let cache = try #require(second.parseCache)
        #expect(second.counts.processed == Self.documentCount)
        #expect(cache.hits == Self.documentCount)
        #expect(cache.parsed == 0)
        #expect(cache.written == 0)
        #expect(second.cpu.parse == 0)
        #expect(second.cpu.cacheLoad > 0)
        #expect(second.rendered(.text).contains("parse cache: \(Self.documentCount) loaded, 0 parsed"))

        // A changed document is parsed again and its entry replaced; the others still load.
        try space.write("review.md", "# Findings\n\nThe constable met the general practitioner at the surgery.\n")
        let changed = try run(space, Codebooks.v1)
        #expect(changed.parseCache?.hits == Self.documentCount - 1)
        #expect(changed.parseCache?.parsed == 1)
        #expect(changed.parseCache?.written == 1)
        #expect(try names(space).count == Self.documentCount)
        // The first pack (6 of its 7 entries live, but small) was merged into this run's.
        #expect(entries(space).count == 1)

        // Unchanged documents and codebook: nothing is read, the cache is not consulted.
        let unchanged = try run(space, Codebooks.v1)
        #expect(unchanged.counts.unchanged == Self.documentCount)
        #expect(unchanged.parseCache?.hits == 0)
        #expect(unchanged.parseCache?.parsed == 0)
    }

    /// Runs with and without the cache, and with a warm cache, store the same suggestions
    /// and report the same changes.
    @Test func resultsAreTheSameWithAndWithoutTheCache() throws {
        var stored: [[[StoredSuggestion]]] = []
        var reports: [RetagReport] = []
        for mode in ["no cache", "cold cache", "warm cache"] {
            let space = try Workspace()
            try Self.fill(space)
            if mode == "warm cache" {
                // Warm the cache from another store, so that this store's runs both load.
                let other = try AnnotationStore(path: space.root.appendingPathComponent("other.sqlite").path)
                var options = space.options()
                options.parseCacheDirectory = cacheDirectory(space)
                _ = try Retagger(store: other, engine: Codebooks.engine(Codebooks.v1)).run(options)
            }
            let useCache = mode != "no cache"
            _ = try run(space, Codebooks.v1, cache: useCache)
            var report = try run(space, Codebooks.v2, cache: useCache)
            if mode == "warm cache" { #expect(report.parseCache?.parsed == 0) }
            if mode == "cold cache" { #expect(report.parseCache?.hits == Self.documentCount) }
            report.seconds = 0
            report.cpu = RetagStageTimes()
            report.parseCache = nil
            reports.append(report)
            let names = try RetagInput.collect(paths: ["corpus"], base: space.root.path).map(\.name)
            #expect(names.count == Self.documentCount)
            stored.append(try space.latestSuggestionsWithoutIDs(names))
        }
        #expect(stored[0].contains { !$0.isEmpty })
        #expect(stored[1] == stored[0])
        #expect(stored[2] == stored[0])
        #expect(!reports[0].tagChanges.isEmpty)
        #expect(reports[1] == reports[0])
        #expect(reports[2] == reports[0])
    }

    /// A damaged entry, a pack cut off inside its last entry (a killed run) and a file that
    /// is not a pack are never trusted: those documents are parsed and new entries appended;
    /// the foreign file is left alone.
    @Test func damagedEntriesAreParsedAgainAndReplaced() throws {
        let space = try Workspace()
        try Self.fill(space)
        _ = try run(space, Codebooks.v1)
        let cache = try standardCache(space)
        let latest = cache.packs.latestEntries()
        #expect(latest.count == Self.documentCount)
        let pack = try #require(Set(latest.values.map(\.path)).first)
        #expect(Set(latest.values.map(\.path)) == [pack])
        // The last entry of the pack, cut in half; a byte inside another one's payload flipped
        // (only the checksum notices).
        let ordered = latest.sorted { $0.value.offset < $1.value.offset }
        let (cut, cutEntry) = try #require(ordered.last)
        let (flipped, flippedEntry) = ordered[1]
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pack)))
        #expect(bytes.count == cutEntry.offset + cutEntry.length)
        bytes[flippedEntry.offset + flippedEntry.length - 40] ^= 0x20
        try Data(bytes[0..<(cutEntry.offset + cutEntry.length / 2)]).write(to: URL(fileURLWithPath: pack))
        // A file named like a pack that is not one.
        let foreign = cache.folder + "/p-0000000000000000-1-1-1.rvpk"
        try Data("not a pack".utf8).write(to: URL(fileURLWithPath: foreign))

        let report = try run(space, Codebooks.v2)
        let counts = try #require(report.parseCache)
        #expect(counts.invalid == 1)
        #expect(counts.parsed == 2)
        #expect(counts.hits == Self.documentCount - 2)
        #expect(counts.written == 2)
        #expect(report.counts.failed == 0)
        #expect(report.counts.processed == Self.documentCount)
        #expect(FileManager.default.fileExists(atPath: foreign))
        let replaced = try standardCache(space).packs.latestEntries()
        for name in [cut, flipped] { #expect(replaced[name]?.path != pack, "\(name)") }

        // Rewritten entries load again, and give the parsed documents.
        let again = try run(space, Codebooks.v1)
        #expect(again.parseCache?.hits == Self.documentCount)
        let reloaded = try standardCache(space)
        for name in [cut, flipped] {
            let input = try [UInt8](Data(contentsOf: space.root.appendingPathComponent(name)))
            guard case .hit(let loaded) = reloaded.load(name: name, contentHash: ContentHash.xxh64(input), input: input) else {
                Issue.record("\(name): no entry after the rewrite")
                continue
            }
            expectSameDocument(loaded, try DocumentReader().read(bytes: input, name: name), name)
            // The entry of other bytes (same name) is a miss, not a wrong document.
            var other = input
            other[0] ^= 0x01
            guard case .miss = reloaded.load(name: name, contentHash: ContentHash.xxh64(other), input: other) else {
                Issue.record("\(name): an entry was used for other bytes")
                continue
            }
        }
    }

    /// An entry keeps the SHA-256 of the document's text, so that a run that loads the
    /// document records the same content hash without hashing the text again; a damaged
    /// text hash makes the entry unusable (the checksum covers it), never a wrong hash.
    @Test func entriesKeepTheTextHashTheStoreRecords() throws {
        func hashes(_ space: Workspace) throws -> [String: String?] {
            Dictionary(uniqueKeysWithValues: try space.store.documents().map { ($0.path, $0.contentHash) })
        }
        let space = try Workspace()
        try Self.fill(space)
        _ = try run(space, Codebooks.v1)
        let parsedHashes = try hashes(space)
        #expect(parsedHashes.count == Self.documentCount)
        let cache = ParseCache(directory: cacheDirectory(space), parserVersion: try #require(Codebooks.engine(Codebooks.v1).parserVersion))
        let names = try RetagInput.collect(paths: ["corpus"], base: space.root.path).map(\.name)
        for name in names {
            let input = try [UInt8](Data(contentsOf: space.root.appendingPathComponent(name)))
            let loaded = cache.loadWithTextHash(name: name, contentHash: ContentHash.xxh64(input), input: input)
            guard case .hit(let document) = loaded.lookup else {
                Issue.record("\(name): no entry")
                continue
            }
            #expect(loaded.textHash == AnnotationStore.contentHash(of: document.text), "\(name)")
            #expect(loaded.textHash == AnnotationStore.contentHash(of: try DocumentReader().read(bytes: input, name: name).text), "\(name)")
        }
        // Loaded from the cache: the store records the same hashes.
        let report = try run(space, Codebooks.v2)
        #expect(report.parseCache?.hits == Self.documentCount)
        #expect(try hashes(space) == parsedHashes)
        #expect(try space.store.documents().allSatisfy { $0.contentHash?.utf8.count == 64 })

        // One hex digit of the recorded text hash changed (the header's last 64 bytes before
        // the payload): the checksum notices, the document is parsed, the entry rewritten.
        let name = "corpus/review.html"
        let entry = try #require(try standardCache(space).packs.latestEntries()[name])
        let path = entry.path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let hashStart = entry.offset + 28 + name.utf8.count + 16
        #expect(bytes[hashStart..<(hashStart + 64)].allSatisfy { $0 < 0x80 })
        bytes[hashStart] = bytes[hashStart] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let input = try [UInt8](Data(contentsOf: space.root.appendingPathComponent(name)))
        guard case .invalid(let reason) = try standardCache(space).load(name: name, contentHash: ContentHash.xxh64(input), input: input) else {
            Issue.record("a damaged text hash was trusted")
            return
        }
        #expect(reason.contains("checksum"))
        let again = try run(space, Codebooks.v1)
        #expect(again.parseCache?.invalid == 1)
        #expect(again.parseCache?.written == 1)
        #expect(try hashes(space) == parsedHashes)
    }

    /// A new parser version ignores the old entries, parses everything and deletes them.
    @Test func aNewParserVersionInvalidatesEverything() throws {
        let space = try Workspace()
        try Self.fill(space)
        _ = try run(space, Codebooks.v1, parserVersion: "parser A")
        let old = entries(space)
        #expect(old.count == 1)  // one pack

        let report = try run(space, Codebooks.v2, parserVersion: "parser B")
        #expect(report.parseCache?.hits == 0)
        #expect(report.parseCache?.parsed == Self.documentCount)
        let new = entries(space)
        #expect(new.count == 1)
        #expect(ParseCache(directory: cacheDirectory(space), parserVersion: "parser B").packs.latestEntries().count == Self.documentCount)
        #expect(Set(new).isDisjoint(with: old))
        #expect(old.allSatisfy { !FileManager.default.fileExists(atPath: $0) })

        // An engine that names no parser version uses no cache at all.
        var engine = try Codebooks.engine(Codebooks.v1)
        engine.parserVersion = nil
        var options = space.options()
        options.parseCacheDirectory = cacheDirectory(space)
        #expect(try Retagger(store: space.store, engine: engine).run(options).parseCache == nil)
    }

    /// A dry run reads the cache but writes nothing, the cache included; without a cache
    /// folder nothing is created.
    @Test func dryRunsAndRunsWithoutCacheWriteNoEntries() throws {
        let space = try Workspace()
        try Self.fill(space)
        let dry = try run(space, Codebooks.v1, dryRun: true)
        #expect(dry.parseCache?.parsed == Self.documentCount)
        #expect(dry.parseCache?.written == 0)
        #expect(entries(space).isEmpty)
        let uncached = try run(space, Codebooks.v1, cache: false)
        #expect(uncached.parseCache == nil)
        #expect(!FileManager.default.fileExists(atPath: cacheDirectory(space)))

        _ = try run(space, Codebooks.v2)
        let warmDry = try run(space, Codebooks.v1, dryRun: true)
        #expect(warmDry.parseCache?.hits == Self.documentCount)
    }

    /// At the end of a complete run, the entries of documents deleted from the corpus are
    /// removed; not in a dry or interrupted run, not those of documents outside the run's
    /// paths, and nothing that is not an entry.
    @Test func entriesOfDeletedDocumentsAreRemovedAfterACompleteRun() throws {
        let space = try Workspace()
        try Self.fill(space)
        // A document outside the run's paths, cached by a run over its own folder.
        let otherFolder = space.root.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: otherFolder, withIntermediateDirectories: true)
        try Data("A constable called at the surgery.\n".utf8).write(to: otherFolder.appendingPathComponent("elsewhere.txt"))
        var otherOptions = space.options()
        otherOptions.paths = ["other"]
        otherOptions.parseCacheDirectory = cacheDirectory(space)
        _ = try Retagger(store: space.store, engine: Codebooks.engine(Codebooks.v1)).run(otherOptions)
        let first = try run(space, Codebooks.v1)
        #expect(first.parseCache?.removed == 0)
        let cache = try standardCache(space)
        #expect(try names(space).count == Self.documentCount + 1)
        let packsBefore = entries(space)
        #expect(packsBefore.count == 1)  // the other folder's run's pack was small: merged into the first run's
        // Files that are not packs, inside and beside the cache's folder.
        let stray = cache.folder + "/notes.txt"
        let lookalike = cache.folder + "/p-0123456789abcdef.rvpk"
        let beside = cacheDirectory(space) + "/README"
        for path in [stray, lookalike, beside] { try Data("keep me".utf8).write(to: URL(fileURLWithPath: path)) }

        let deleted = "corpus/note-1.txt"
        try FileManager.default.removeItem(at: space.root.appendingPathComponent(deleted))
        // A dry run and an interrupted run remove nothing.
        #expect(try run(space, Codebooks.v2, dryRun: true).parseCache?.removed == 0)
        let cancelled = RetagCancellation()
        cancelled.cancel()
        var options = space.options()
        options.parseCacheDirectory = cacheDirectory(space)
        let interrupted = try Retagger(store: space.store, engine: Codebooks.engine(Codebooks.v2)).run(options, cancellation: cancelled)
        #expect(interrupted.interrupted)
        #expect(interrupted.parseCache?.removed == 0)
        #expect(try names(space).contains(deleted))

        // The first run's pack held the deleted document's entry: it is rewritten without it.
        let report = try run(space, Codebooks.v2)
        #expect(report.interrupted == false)
        #expect(report.parseCache?.removed == 1)
        #expect(report.rendered(.text).contains("1 of deleted documents removed"))
        let left = try names(space)
        #expect(!left.contains(deleted))
        #expect(left.count == Self.documentCount)  // 6 corpus documents and the other folder's
        #expect(left.contains("other/elsewhere.txt"))
        for path in [stray, lookalike, beside] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(packsBefore.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(entries(space).count == 3)  // this run's pack and the two files in the folder that are not packs
        #expect(report.parseCache?.hits == Self.documentCount - 1)
        // Nothing more to remove; the rewritten entries load.
        let again = try run(space, Codebooks.v1)
        #expect(again.parseCache?.removed == 0)
        #expect(again.parseCache?.hits == Self.documentCount - 1)
        #expect(again.parseCache?.parsed == 0)
    }

    /// A pack whose entries were mostly superseded (their documents changed and were parsed
    /// again) is rewritten at the end of a complete run: the cache does not grow with every
    /// change, and every document still loads, giving what parsing gives.
    @Test func aMostlySupersededPackIsRewritten() throws {
        let space = try Workspace()
        try Self.fill(space)
        _ = try run(space, Codebooks.v1)
        let firstPack = try #require(entries(space).first)
        for index in 0..<4 { try space.write("note-\(index).txt", "Report \(index), revised. The constable called at the surgery.\n") }
        try space.write("review.md", "# Findings, revised\n\nThe constable met the general practitioner.\n")
        let changed = try run(space, Codebooks.v1)
        #expect(changed.parseCache?.parsed == 5)
        #expect(changed.parseCache?.hits == 0)  // unchanged documents are not read at all
        // 5 of the first pack's 7 entries superseded: more dead than live, so it went.
        #expect(!FileManager.default.fileExists(atPath: firstPack))
        #expect(entries(space).count == 1)
        let cache = try standardCache(space)
        #expect(cache.packs.latestEntries().count == Self.documentCount)
        for name in try RetagInput.collect(paths: ["corpus"], base: space.root.path).map(\.name) {
            let input = try [UInt8](Data(contentsOf: space.root.appendingPathComponent(name)))
            guard case .hit(let loaded) = cache.load(name: name, contentHash: ContentHash.xxh64(input), input: input) else {
                Issue.record("\(name): no entry after the rewrite")
                continue
            }
            expectSameDocument(loaded, try DocumentReader().read(bytes: input, name: name), name)
        }
        #expect(try run(space, Codebooks.v2).parseCache?.hits == Self.documentCount)

        // Run after run with one document changed: the small packs are merged each time, so
        // there is one pack however many runs there were; nothing is lost.
        for round in 0..<4 {
            try space.write("review.md", "# Findings, round \(round)\n\nThe constable met the general practitioner.\n")
            #expect(try run(space, Codebooks.v2).parseCache?.parsed == 1)
            #expect(entries(space).count == 1)
        }
        #expect(try run(space, Codebooks.v1).parseCache?.hits == Self.documentCount)
    }

    /// Entries appended from several threads at once (the tagging threads and the writer)
    /// all land whole, each findable: a pack is never interleaved.
    @Test func concurrentAppendsStayWhole() throws {
        let space = try Workspace()
        try FileManager.default.createDirectory(atPath: cacheDirectory(space), withIntermediateDirectories: true)
        let cache = ParseCache(directory: cacheDirectory(space), parserVersion: "concurrency test")
        cache.prepare()
        let inputs = (0..<64).map { index in
            Array("Document \(index). \(String(repeating: "The constable called at the flat \(index). ", count: index * 7))\n".utf8)
        }
        let documents = try inputs.enumerated().map { index, input in try DocumentReader().read(bytes: input, name: "corpus/d\(index).txt") }
        let saved = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            if cache.save(documents[index], contentHash: ContentHash.xxh64(inputs[index]), input: inputs[index]) != nil {
                saved.withLock { $0 += 1 }
            }
        }
        #expect(saved.withLock { $0 } == inputs.count)
        let reopened = ParseCache(directory: cacheDirectory(space), parserVersion: "concurrency test")
        #expect(reopened.packs.latestEntries().count == inputs.count)
        for (index, input) in inputs.enumerated() {
            guard case .hit(let loaded) = reopened.load(name: "corpus/d\(index).txt", contentHash: ContentHash.xxh64(input), input: input)
            else {
                Issue.record("d\(index): not loaded")
                continue
            }
            expectSameDocument(loaded, documents[index], "d\(index)")
        }
    }

    /// The standard engine keys the cache on the parser's declared version and the parse
    /// options, not on the executable: an entry written under another parser version is
    /// never used (and its folder goes), one written under the current version is.
    @Test func anEntryOfAnotherParserVersionIsNotUsed() throws {
        let standard = RetagEngine.parserVersion(ParseOptions())
        #expect(standard.contains(ParserVersion.current))
        #expect(try Codebooks.engine(Codebooks.v1).parserVersion == standard)
        #expect(RetagEngine.parserVersion(ParseOptions(maxInputBytes: 1 << 20)) == standard)  // refuses files, parses the same
        #expect(RetagEngine.parserVersion(ParseOptions(lenient: true)) != standard)

        // A planted entry for the real bytes of a document, holding another document (one
        // the codebook tags differently): used, it would change the suggestions.
        let name = "corpus/note.txt"
        let input = Array("A constable called at the flat.\n".utf8)
        let planted = try DocumentReader().read(bytes: Array("The general practitioner wrote.\n".utf8), name: name)
        func plant(_ version: String, in space: Workspace) throws -> ParseCache {
            let cache = ParseCache(directory: cacheDirectory(space), parserVersion: version)
            cache.prepare()
            #expect(cache.save(planted, contentHash: ContentHash.xxh64(input), input: input) != nil)
            return cache
        }
        func tags(_ space: Workspace) throws -> [String] {
            try space.store.latestSuggestions(document: name).map(\.key.tag.description).filter { $0.hasPrefix("agency/") }
        }

        let other = try Workspace()
        try other.write("note.txt", bytes: input)
        let foreign = try plant("parser \(ParserVersion.current)-older; lenient false; depth 256; pdftohtml PATH", in: other)
        let report = try run(other, Codebooks.v1)
        #expect(report.parseCache?.hits == 0)
        #expect(report.parseCache?.parsed == 1)
        #expect(try tags(other) == ["agency/police"])
        #expect(!FileManager.default.fileExists(atPath: foreign.folder))

        let same = try Workspace()
        try same.write("note.txt", bytes: input)
        _ = try plant(standard, in: same)
        let used = try run(same, Codebooks.v1)
        #expect(used.parseCache?.hits == 1)
        #expect(try tags(same) == ["agency/gp"])
    }
}
