@testable import AnnotationStore
import Foundation
@testable import Retagging
import ReviewModel
import Tagging
import TestSupport
import ReviewParsing
import Testing

@Suite struct ContentHashTests {
    @Test func xxh64MatchesPublishedVectors() {
        #expect(ContentHash.hex([]) == "ef46db3751d8e999")
        #expect(ContentHash.hex(Array("a".utf8)) == "d24ec4f1a98c6e5b")
        #expect(ContentHash.hex(Array("abc".utf8)) == "44bc2cf5ad770999")
        // 39 bytes: exercises the 32-byte stripes, the 8-byte and 4-byte tails and single bytes.
        #expect(ContentHash.hex(Array("Nobody inspects the spammish repetition".utf8)) == "fbcea83c8a378bf1")
    }

    @Test func oneChangedByteChangesTheHash() {
        var bytes = Array(String(repeating: "Ms Fenwick met the housing officer. ", count: 200).utf8)
        let before = ContentHash.xxh64(bytes)
        bytes[4000] ^= 1
        #expect(ContentHash.xxh64(bytes) != before)
    }
}

@Suite struct CollectNamesTests {
    /// Files found by walking folders get the store's names (``RetagInput/documentName(_:base:)``,
    /// which resolves links in every component) although each folder is resolved once: for
    /// nested folders, linked files and folders, odd roots and a base reached through a link.
    @Test func walkedFilesAreNamedByTheStoresRule() throws {
        let manager = FileManager.default
        let top = manager.temporaryDirectory.appendingPathComponent("retag-names-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: top) }
        let project = top.appendingPathComponent("project")
        let outside = top.appendingPathComponent("outside")
        for folder in ["project/corpus/a/b", "project/corpus/.hidden", "project/other", "outside/deep"] {
            try manager.createDirectory(at: top.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in [
            "project/corpus/one.txt", "project/corpus/a/two.md", "project/corpus/a/b/three.html", "project/corpus/.hidden/h.txt",
            "project/corpus/a/.dot.txt", "project/other/four.xml", "outside/deep/five.txt", "project/corpus/skip.bin",
        ] {
            try Data("A constable called.\n".utf8).write(to: top.appendingPathComponent(file))
        }
        // A linked file (to a file outside the project), a linked folder, and a link to the project.
        try manager.createSymbolicLink(
            at: project.appendingPathComponent("corpus/a/linked.txt"), withDestinationURL: outside.appendingPathComponent("deep/five.txt"))
        try manager.createSymbolicLink(at: project.appendingPathComponent("corpus/deep"), withDestinationURL: outside.appendingPathComponent("deep"))
        try manager.createSymbolicLink(at: top.appendingPathComponent("via"), withDestinationURL: project)

        for base in [project.path, top.appendingPathComponent("via").path] {
            for roots in [["corpus"], ["./corpus/../corpus"], ["."], [outside.path], ["corpus/a", "other"], [project.path + "/corpus/"]] {
                let files = try RetagInput.collect(paths: roots, base: base)
                #expect(!files.isEmpty, "\(roots)")
                for file in files {
                    #expect(file.name == RetagInput.documentName(file.path, base: base), "\(roots) \(file.path)")
                }
                #expect(Set(files.map(\.name)).count == files.count)
                #expect(files.allSatisfy { !$0.name.contains("/.") && !$0.name.hasPrefix(".") }, "\(roots)")
            }
            let names = Set(try RetagInput.collect(paths: ["corpus"], base: base).map(\.name))
            #expect(names.isSuperset(of: ["corpus/one.txt", "corpus/a/two.md", "corpus/a/b/three.html"]))
            #expect(!names.contains("corpus/skip.bin"))
            // The linked file is named by where it leads, as the store names it.
            #expect(names.contains((outside.path as NSString).standardizingPath + "/deep/five.txt"))
        }

        // The shortcut answers for regular files and leaves links to the general rule.
        var folderNames = RetagInput.FolderNames(base: project.path)
        #expect(folderNames.regularFile(project.path + "/corpus/a/two.md")?.name == "corpus/a/two.md")
        #expect(folderNames.regularFile(project.path + "/corpus/a/linked.txt") == nil)
        #expect(folderNames.regularFile(project.path + "/corpus/a") == nil)
        #expect(folderNames.regularFile(project.path + "/corpus/missing.txt") == nil)
        #expect(folderNames.regularFile(outside.path + "/deep/five.txt")?.name == (outside.path as NSString).standardizingPath + "/deep/five.txt")
        // The general rule, with the base standardised once, names every path as the store does.
        for base in [project.path, top.appendingPathComponent("via").path] {
            let general = RetagInput.FolderNames(base: base)
            for path in [
                base + "/corpus/a/linked.txt", base + "/corpus/deep/five.txt", "corpus/a/linked.txt", "./corpus/../corpus/one.txt",
                "../outside/deep/five.txt", outside.path + "/deep/five.txt", "/", base, base + "/",
            ] {
                #expect(general.generalName(path) == RetagInput.documentName(path, base: base), "\(base) \(path)")
            }
        }
    }
}

@Suite struct ReadBytesTests {
    /// The size `stat` gave may be stale: a file that grew or shrank since is read whole.
    @Test func readsTheWholeFileWhateverSizeWasExpected() throws {
        let space = try Workspace()
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try space.write("big.txt", bytes: bytes)
        let path = space.root.appendingPathComponent("corpus/big.txt").path
        for expected: Int64 in [0, 1, 65_535, 199_999, 200_000, 200_001, 1 << 20] {
            #expect(try RetagInput.readBytes(path, expected: expected).get() == bytes, "expected \(expected)")
        }
        try space.write("empty.txt", bytes: [])
        #expect(try RetagInput.readBytes(space.root.appendingPathComponent("corpus/empty.txt").path, expected: 0).get() == [])
        guard case .failure = RetagInput.readBytes(space.root.appendingPathComponent("corpus/missing.txt").path, expected: 10) else {
            Issue.record("a missing file was read")
            return
        }
    }
}

@Suite struct PreparedAnchorTests {
    @Test func checkpointedAnchorsEqualTheStoreAnchors() {
        let text = String(repeating: "Zoë met the constable — “twice” — at the surgery in Brønshøj. ", count: 300)
        let bytes = Array(text.utf8)
        ScalarCounter.with(bytes) { counter in
            // Ranges on scalar boundaries all over the text, including both ends.
            var starts: [Int] = [0]
            var index = 0
            while index < bytes.count {
                if index % 997 < 3, bytes[index] & 0xC0 != 0x80 { starts.append(index) }
                index += 1
            }
            for start in starts {
                var end = min(bytes.count, start + 17)
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                let range = TextRange(start: start, end: end)
                #expect(counter.anchor(range) == Anchoring.anchor(bytes: bytes, range: range))
            }
            let last = TextRange(start: bytes.count, end: bytes.count)
            #expect(counter.anchor(last) == Anchoring.anchor(bytes: bytes, range: last))
        }
    }

    /// The context of a span in ASCII text is taken in one step (32 bytes either side);
    /// on random texts of long ASCII runs and scattered multi-byte characters, with spans
    /// anywhere (splitting a character, at and past both ends, empty), every anchor and
    /// context equals the store's scalar-by-scalar anchor.
    @Test func asciiContextsEqualTheStoreAnchorsOnRandomTexts() {
        var generator = SeededGenerator(seed: 31)
        let pieces = ["the constable wrote ", "a", " ", "Zoë", "—", "👩🏽‍⚕️", "漢", "\n", "Brønshøj "]
        for round in 0..<30 {
            var text = ""
            let length = [0, 1, 31, 32, 33, 64, 700][round % 7]
            while text.utf8.count < length {
                // Mostly ASCII, as reviews are.
                let pick = Int.random(in: 0..<10, using: &generator)
                text += pick < 6 ? pieces[pick % 3] : pieces[Int.random(in: 3..<pieces.count, using: &generator)]
            }
            let bytes = Array(text.utf8)
            ScalarCounter.with(bytes) { counter in
                var ranges: [TextRange] = [TextRange(start: 0, end: 0), TextRange(start: bytes.count, end: bytes.count)]
                for _ in 0..<60 {
                    let start = Int.random(in: -3...(bytes.count + 3), using: &generator)
                    ranges.append(TextRange(start: start, end: start + Int.random(in: 0...40, using: &generator)))
                }
                for range in ranges {
                    let anchor = Anchoring.anchor(bytes: bytes, range: range)
                    #expect(counter.anchor(range) == anchor, "round \(round), \(range)")
                    if let context = counter.context(range) {
                        #expect(String(decoding: bytes[context.prefix], as: UTF8.self) == anchor.prefix, "round \(round), \(range)")
                        #expect(String(decoding: bytes[context.suffix], as: UTF8.self) == anchor.suffix, "round \(round), \(range)")
                        #expect(context.characterStart == anchor.characterStart && context.characterEnd == anchor.characterEnd)
                    }
                }
            }
        }
    }
}

@Suite struct StoredEvidenceSizeTests {
    /// On a real review tagged with the default codebook, the stored evidence keeps every
    /// span (and the anchor a decision needs) in a fraction of the old JSON's bytes: about a
    /// third when measured; the bound is 40 %, so that a codebook edit that adds or drops one
    /// evidence item does not decide the test (it once held back a correct exclusion).
    @Test func compactRowsKeepEverySpanInUnderTwoFifthsOfTheBytes() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("corpus/dhr-afv-01.html").path
        let document = try DocumentReader().read(path: path)
        let result = try Tagger(codebook: Codebook.loadDefault()).tag(document)
        let prepared = try AnnotationStore.prepare(document: document, result: result)
        let bytes = Array(document.text.utf8)
        #expect(prepared.rows.count == result.suggestions.count + (result.category == nil ? 0 : 1))
        var compact = 0
        var legacy = 0
        for (row, suggestion) in zip(prepared.rows, result.suggestions) {
            let evidence = prepared.prepared.strings(row).evidence
            let decoded = try #require(EvidenceCodec.decode(evidence))
            #expect(decoded.evidence == suggestion.evidence)
            #expect(decoded.anchor == Anchoring.anchor(bytes: bytes, range: suggestion.evidence[0].range))
            let items = suggestion.evidence.map { item in
                let anchor = Anchoring.anchor(bytes: bytes, range: item.range)
                return StoredEvidence(
                    text: item.text, start: item.range.start, end: item.range.end, rule: item.rule, line: item.line,
                    character: item.character, prefix: anchor.prefix, suffix: anchor.suffix,
                    characterStart: anchor.characterStart, characterEnd: anchor.characterEnd)
            }
            compact += evidence.utf8.count
            legacy += try AnnotationStore.json(items).utf8.count
        }
        #expect(result.suggestions.count > 5)
        #expect(compact * 5 < legacy * 2, "compact \(compact) bytes, legacy JSON \(legacy)")
    }
}

@Suite struct RetagRunTests {
    /// Every worker tags with the one compiled codebook (the standard engine is not
    /// replicated): the stored suggestions are the same whatever the number of workers.
    @Test func everyWorkerCountStoresTheSameSuggestions() throws {
        let space = try Workspace()
        for index in 0..<12 {
            try space.write(
                "d\(index).txt",
                String(repeating: "The constable spoke to the general practitioner about the police officer's visit. ", count: index + 1)
                    + "A surgery in May.\n")
        }
        let engine = try Codebooks.engine(Codebooks.v2)
        #expect(engine.replicate == nil)
        var stored: [[[StoredSuggestion]]] = []
        for jobs in [1, 3] {
            var options = space.options(force: true, jobs: jobs)
            options.batchDocuments = 5
            let report = try Retagger(store: space.store, engine: engine).run(options)
            #expect(report.counts.processed == 12)
            stored.append(try space.latestSuggestionsWithoutIDs((0..<12).map { "corpus/d\($0).txt" }))
        }
        #expect(stored[0] == stored[1])
        #expect(stored[0].allSatisfy { !$0.isEmpty })
    }

    /// The engine compiled in the background stores what the standard engine stores; the
    /// retagger waits for an engine once, before the first document, never when nothing
    /// needs re-tagging, and an engine that cannot work stops the run before it writes.
    @Test func anEngineCompiledInTheBackgroundIsWaitedForOnlyWhenNeeded() throws {
        let texts = ["The constable met the general practitioner.\n", "A police officer at the surgery.\n", "Nothing here.\n"]
        var stored: [[[StoredSuggestion]]] = []
        for background in [false, true] {
            let space = try Workspace()
            for (index, text) in texts.enumerated() { try space.write("d\(index).txt", text) }
            let codebook = try Codebook.parse(bytes: Array(Codebooks.v2.utf8), path: "test.yaml")
            let engine = background
                ? RetagEngine.standardCompiledInBackground(codebook: codebook) : try RetagEngine.standard(codebook: codebook)
            #expect((engine.waitUntilReady != nil) == background)
            #expect(try Retagger(store: space.store, engine: engine).run(space.options(jobs: 2)).counts.processed == texts.count)
            stored.append(try space.latestSuggestionsWithoutIDs(texts.indices.map { "corpus/d\($0).txt" }))
        }
        #expect(stored[0] == stored[1])
        #expect(stored[0].contains { !$0.isEmpty })

        let space = try Workspace()
        for (index, text) in texts.enumerated() { try space.write("d\(index).txt", text) }
        let calls = Counter()
        var counted = try Codebooks.engine(Codebooks.v1)
        counted.waitUntilReady = { calls.increment() }
        #expect(try Retagger(store: space.store, engine: counted).run(space.options()).counts.processed == texts.count)
        #expect(calls.value == 1)
        #expect(try Retagger(store: space.store, engine: counted).run(space.options()).counts.unchanged == texts.count)
        #expect(calls.value == 1)

        var broken = try Codebooks.engine(Codebooks.v2)
        broken.waitUntilReady = { () throws(RetagError) in throw .codebook("test.yaml: does not compile") }
        #expect(throws: RetagError.self) { try Retagger(store: space.store, engine: broken).run(space.options()) }
        #expect(try space.store.suggestionRuns().count == 1)
        // With nothing to re-tag, the broken engine is never asked.
        var brokenSame = try Codebooks.engine(Codebooks.v1)
        brokenSame.waitUntilReady = broken.waitUntilReady
        #expect(try Retagger(store: space.store, engine: brokenSame).run(space.options()).counts.unchanged == texts.count)
    }

    @Test func unchangedDocumentsAreSkipped() throws {
        let space = try Workspace()
        try space.write("a.txt", "A police officer visited the flat in March.\n")
        try space.write("b.txt", "She attended the surgery in May.\n")
        try space.write("c.md", "# Review\n\nThe constable spoke to the general practitioner.\n")

        let first = try space.retag()
        #expect(first.counts.processed == 3)
        #expect(first.newDocuments == ["corpus/a.txt", "corpus/b.txt", "corpus/c.md"])
        let firstRun = try #require(first.run)

        let again = try space.retag()
        #expect(again.counts.processed == 0)
        #expect(again.counts.unchanged == 3)
        #expect(again.run == nil)
        #expect(try space.store.suggestionRuns().count == 1)

        // A newer modification time with the same bytes: read and hashed, still skipped.
        let later = Date().addingTimeInterval(60)
        try FileManager.default.setAttributes(
            [.modificationDate: later], ofItemAtPath: space.root.appendingPathComponent("corpus/a.txt").path)
        let touched = try space.retag()
        #expect(touched.counts.processed == 0)
        #expect(touched.counts.unchanged == 3)
        #expect(touched.counts.bytes > 0)
        // The refreshed record lets the next run skip it from `stat` alone.
        #expect(try space.retag().counts.bytes == 0)

        // Changed bytes: only that document is re-tagged, into a new run.
        try space.write("b.txt", "She attended the surgery in May with a police officer.\n")
        let changed = try space.retag()
        #expect(changed.counts.processed == 1)
        #expect(changed.counts.unchanged == 2)
        #expect(changed.tagChanges == [RetagTagChange(tag: "agency/police", added: ["corpus/b.txt"], removed: [])])
        let secondRun = try #require(changed.run)
        #expect(secondRun > firstRun)
        #expect(try space.store.documentsRecorded(run: secondRun) == ["corpus/b.txt"])

        // A changed codebook re-tags everything; so does --force.
        #expect(try space.retag(Codebooks.v2).counts.processed == 3)
        #expect(try space.retag(Codebooks.v2).counts.processed == 0)
        #expect(try space.retag(Codebooks.v2, force: true).counts.processed == 3)
    }

    @Test func codebookChangeReportsConflictsWithoutTouchingDecisions() throws {
        let space = try Workspace()
        try space.write("a.txt", "A police officer visited the flat in March.\n")
        try space.write("b.txt", "She attended the surgery in May.\n")
        try space.write("c.txt", "The constable spoke to the general practitioner.\n")
        _ = try space.retag(Codebooks.v1)

        let police = TagKey(tag: TagID(facet: "agency", id: "police"), subject: nil)
        let gp = TagKey(tag: TagID(facet: "agency", id: "gp"), subject: nil)
        let confirmed = try space.store.confirm(document: "corpus/a.txt", key: police, coder: "amira")
        let rejected = try space.store.reject(document: "corpus/b.txt", key: gp, coder: "tomas", note: "a GP surgery is not mentioned")
        try space.store.confirm(document: "corpus/c.txt", key: gp, coder: "amira")
        let decisionsBefore = try space.store.humanRecordsDump()
        let contentBefore = try space.store.contentDump()

        // The dry run reports and writes nothing.
        let dry = try space.retag(Codebooks.v2, dryRun: true)
        #expect(dry.run == nil)
        #expect(try space.store.contentDump() == contentBefore)

        let report = try space.retag(Codebooks.v2)
        for candidate in [dry, report] {
            #expect(candidate.tagChanges == [
                RetagTagChange(tag: "agency/gp", added: ["corpus/b.txt"], removed: []),
                RetagTagChange(tag: "agency/police", added: [], removed: ["corpus/a.txt"]),
            ])
            #expect(candidate.conflicts == [
                RetagConflict(
                    document: "corpus/a.txt", tag: "agency/police", kind: .confirmedNoLongerSuggested, coder: "amira",
                    decision: confirmed.id, new: true),
                RetagConflict(
                    document: "corpus/b.txt", tag: "agency/gp", kind: .rejectedButSuggested, coder: "tomas",
                    decision: rejected.id, new: true),
            ])
            #expect(candidate.newDocuments.isEmpty)
        }
        #expect(try space.store.humanRecordsDump() == decisionsBefore)
        #expect(try space.store.decisions(document: "corpus/b.txt").map(\.status) == [.rejected])

        // Reported in every format, naming the documents and the coders.
        let text = report.rendered(.text)
        #expect(text.contains("corpus/b.txt: agency/gp suggested, but rejected by tomas"))
        #expect(text.contains("corpus/a.txt: agency/police no longer suggested, but confirmed by amira"))
        let markdown = report.rendered(.markdown)
        #expect(markdown.contains("| corpus/b.txt | `agency/gp` | rejected-but-suggested | tomas |"))
        let json = try JSONDecoder().decode(RetagReport.self, from: Data(report.rendered(.json).utf8))
        #expect(json == report)
    }

    @Test func brokenFilesAreReportedAndTheRunGoesOn() throws {
        let space = try Workspace()
        try space.write("good-1.txt", "A police officer visited the flat in March.\n")
        try space.write("good-2.html", "<html><body><p>The constable spoke to the general practitioner.</p></body></html>\n")
        try space.write("binary.html", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array(repeating: 0, count: 64))
        try space.write("latin1.txt", bytes: Array("The surgery in Malm".utf8) + [0xF6, 0x20] + Array("closed.\n".utf8))
        try space.write("huge.txt", String(repeating: "The constable called again. ", count: 400))
        let decisionsBefore = try space.store.humanRecordsDump()

        let report = try space.retag(maxInputBytes: 4096)
        #expect(report.counts.processed == 2)
        #expect(report.counts.failed == 3)
        #expect(report.hasFailures)
        #expect(report.failures.map(\.document) == ["corpus/binary.html", "corpus/huge.txt", "corpus/latin1.txt"])
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.document, $0.reason) })
        #expect(reasons["corpus/huge.txt"]?.contains("too large") == true)
        #expect(reasons["corpus/binary.html"]?.lowercased().contains("binary") == true)
        #expect(reasons["corpus/latin1.txt"]?.contains("corpus/latin1.txt") == true)
        #expect(try space.store.suggestionRuns().last?.status == .finished)
        #expect(try space.store.documentsRecorded(run: try #require(report.run)) == ["corpus/good-1.txt", "corpus/good-2.html"])
        #expect(try space.store.humanRecordsDump() == decisionsBefore)

        // Failed files are tried again next time; the good ones are skipped.
        let again = try space.retag(maxInputBytes: 4096)
        #expect(again.counts.unchanged == 2)
        #expect(again.counts.failed == 3)
    }

    @Test func cancellingCommitsWhatWasDoneAndTheNextRunResumes() throws {
        let space = try Workspace()
        for index in 0..<40 {
            try space.write(String(format: "doc-%02d.txt", index), "Report \(index). A police officer visited the flat.\n")
        }
        let engine = try Codebooks.engine(Codebooks.v1)
        var options = space.options(jobs: 1)
        options.batchDocuments = 5
        let cancellation = RetagCancellation()
        let first = try Retagger(store: space.store, engine: engine).run(options, cancellation: cancellation) { event in
            if case .committed = event { cancellation.cancel() }
        }
        #expect(first.interrupted)
        let run = try #require(first.run)
        let done = try space.store.documentsRecorded(run: run)
        #expect(done.count >= 5 && done.count < 40)
        #expect(first.counts.processed == done.count)

        let second = try Retagger(store: space.store, engine: engine).run(options)
        #expect(!second.interrupted)
        #expect(second.resumedRun)
        #expect(second.run == run)
        #expect(second.counts.resumed == done.count)
        #expect(second.counts.processed == 40 - done.count)
        #expect(try space.store.documentsRecorded(run: run).count == 40)
        #expect(second.newDocuments.count == 40)
        #expect(try space.store.suggestionRuns().map(\.status) == [.finished])
    }
}

@Suite struct DocumentChangeTests {
    static func key(_ tag: String, _ subject: Subject? = nil) -> TagKey { TagKey(tag: TagID(tag)!, subject: subject) }

    /// The comparison from keys in recorded order (with its shortcuts for unchanged keys and
    /// for a new document without decisions)
    /// finds what the comparison of sets finds, decisions and categories included.
    @Test func keysInOrderCompareLikeSets() {
        let police = Self.key("agency/police"), gp = Self.key("agency/gp"), victim = Self.key("characteristic/alcohol-misuse", .victim)
        let dhr = Self.key("category/dhr"), sar = Self.key("category/sar")
        let decisions = [
            DecisionInForce(id: 1, document: "d", key: police, status: .rejected, coder: "amira"),
            DecisionInForce(id: 2, document: "d", key: gp, status: .confirmed, coder: "amira"),
            DecisionInForce(id: 3, document: "d", key: victim, status: .confirmed, coder: "ben"),
        ]
        let lists: [[TagKey]] = [[], [police], [police, gp, dhr], [gp, police, dhr], [victim, sar], [police, victim, gp, sar], [gp, dhr, sar]]
        var shortcuts = 0
        for now in lists {
            for previous in lists.map(Optional.some) + [nil] {
                for decided in [[], decisions] {
                    let fast = DocumentChange(document: "d", nowInOrder: now, previousInOrder: previous, decisions: decided)
                    let sets = DocumentChange(document: "d", now: Set(now), previous: previous.map(Set.init), decisions: decided)
                    if previous == now { shortcuts += 1 }
                    #expect(fast.isNew == sets.isNew)
                    #expect(fast.added == sets.added)
                    #expect(fast.removed == sets.removed)
                    #expect(fast.categoryFrom == sets.categoryFrom)
                    #expect(fast.categoryTo == sets.categoryTo)
                    #expect(fast.conflicts == sets.conflicts, "now \(now), previous \(String(describing: previous))")
                }
            }
        }
        #expect(shortcuts == lists.count * 2)
        // Reordered keys are not the same list, but the same set: nothing added or removed.
        let reordered = DocumentChange(document: "d", nowInOrder: [gp, police, dhr], previousInOrder: [police, gp, dhr], decisions: decisions)
        #expect(reordered.added.isEmpty && reordered.removed.isEmpty)
        #expect(reordered.conflicts.map(\.decision) == [1, 3])
    }
}

/// A count shared with a `@Sendable` closure. `@unchecked Sendable`: `count` is only touched
/// under the lock.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

@Suite struct StandardEngineTests {
    /// The standard engine tags without recording suppressed matches, and otherwise gives
    /// exactly ``Tagger/tag(_:)``'s result (what retag stores and compares): on every corpus
    /// document and a generated one of every format, compared as JSON.
    @Test func theEngineTagsLikeTheTaggerLessTheSuppressedMatches() throws {
        let codebook = try Codebook.loadDefault()
        let tagger = try Tagger(codebook: codebook)
        let engines = [try RetagEngine.standard(codebook: codebook), RetagEngine.standardCompiledInBackground(codebook: codebook)]
        try engines[1].waitUntilReady?()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var suppressedSeen = 0
        for path in try ArchiveSamples.corpusFiles() + ArchiveSamples.generatedFiles() {
            let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let document = try engines[0].parse(input, path)
            var full = tagger.tag(document)
            suppressedSeen += full.suppressed.count
            full.suppressed = []
            for engine in engines {
                let lean = engine.tag(document)
                #expect(lean.suppressed.isEmpty, "\(path)")
                #expect(try encoder.encode(lean) == encoder.encode(full), "\(path)")
            }
        }
        #expect(suppressedSeen > 0)  // the comparison covered documents with suppressed matches
    }
}
