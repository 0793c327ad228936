import AnnotationStore
import Foundation
@testable import Retagging
import ReviewModel
import Testing

/// The writer loading documents ahead of the tagging threads (``RetagOptions/loadAhead``)
/// changes which thread reads and parses, nothing else.
@Suite struct LoadAheadTests {
    /// A seeded generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let sentences = [
        "The constable spoke to the general practitioner.", "A police officer visited the flat in March.",
        "She attended the surgery in May.", "Nothing was recorded that week.", "The family moved to the coast.",
        "Her general practitioner referred her to the surgery again.", "No police officer attended.",
    ]

    /// Documents in three formats, a binary file and one over the size limit, from a seed.
    static func writeCorpus(_ space: Workspace, seed: UInt64) throws -> [String] {
        var generator = Generator(state: seed)
        var names: [String] = []
        for index in 0..<24 {
            let count = Int.random(in: 1...40, using: &generator)
            let body = (0..<count).map { _ in sentences.randomElement(using: &generator)! }.joined(separator: " ")
            let name: String
            switch index % 3 {
            case 0:
                name = "doc-\(index).txt"
                try space.write(name, body + "\n")
            case 1:
                name = "doc-\(index).html"
                try space.write(name, "<html><body><h1>Review \(index)</h1><p>\(body)</p></body></html>\n")
            default:
                name = "doc-\(index).md"
                try space.write(name, "# Review \(index)\n\n\(body)\n")
            }
            names.append("corpus/" + name)
        }
        try space.write("binary.html", bytes: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13] + Array(repeating: 0, count: 64))
        try space.write("huge.txt", String(repeating: "The constable called again. ", count: 1_000))
        return names
    }

    /// What a sequence of runs left: the latest suggestions of every document (with their row
    /// ids when `ids`), and each report without its timings.
    struct Outcome: Equatable {
        var suggestions: [[StoredSuggestion]]
        var reports: [RetagReport]
    }

    static func runs(jobs: Int, ahead: Int, seed: UInt64, ids: Bool) throws -> Outcome {
        let space = try Workspace()
        let names = try writeCorpus(space, seed: seed)
        var options = space.options(jobs: jobs)
        options.loadAhead = ahead
        options.batchDocuments = 7
        options.parseCacheDirectory = space.root.appendingPathComponent("parse-cache").path
        let limited = 16 << 10
        var reports: [RetagReport] = []
        func run(_ yaml: String, force: Bool = false, dryRun: Bool = false) throws {
            var options = options
            options.force = force
            options.dryRun = dryRun
            var report = try Retagger(store: space.store, engine: Codebooks.engine(yaml, maxInputBytes: limited)).run(options)
            report.seconds = 0
            report.cpu = RetagStageTimes()
            report.parseCache?.directory = ""
            reports.append(report)
        }
        try run(Codebooks.v1)  // everything parsed
        // Two documents changed, one rewritten unchanged (skipped by its hash), the rest from the cache.
        try space.write("doc-4.html", "<html><body><p>The constable spoke to the general practitioner at the surgery.</p></body></html>\n")
        try space.write("doc-9.txt", "A police officer visited the surgery.\n")
        try space.write("doc-5.md", String(decoding: try Data(contentsOf: space.root.appendingPathComponent("corpus/doc-5.md")), as: UTF8.self))
        try run(Codebooks.v2, dryRun: true)
        try run(Codebooks.v2)
        try run(Codebooks.v2)  // no change
        try run(Codebooks.v1, force: true)
        let suggestions = try ids
            ? names.map { try space.store.latestSuggestions(document: $0) } : space.latestSuggestionsWithoutIDs(names)
        return Outcome(suggestions: suggestions, reports: reports)
    }

    @Test(arguments: [UInt64(1), 7])
    func loadingAheadStoresAndReportsTheSame(seed: UInt64) throws {
        // With one tagging thread the documents are written in the same order (same row ids).
        let alone = try Self.runs(jobs: 1, ahead: 0, seed: seed, ids: true)
        #expect(alone.suggestions.contains { !$0.isEmpty })
        #expect(alone.reports.allSatisfy { $0.counts.failed == 2 })
        #expect(alone.reports[1].counts.processed == 26 - 2 && alone.reports[3].counts.unchanged == 24)
        for ahead in [1, 3, 1_000] {
            #expect(try Self.runs(jobs: 1, ahead: ahead, seed: seed, ids: true) == alone, "ahead \(ahead)")
        }
        // With two, the order may differ; the rows of each document may not.
        let aloneWithoutIDs = try Self.runs(jobs: 1, ahead: 0, seed: seed, ids: false)
        for ahead in [0, 4] {
            #expect(try Self.runs(jobs: 2, ahead: ahead, seed: seed, ids: false) == aloneWithoutIDs, "jobs 2, ahead \(ahead)")
        }
    }

    /// Without `--load-ahead`, the writer loads ahead only while a core is left for it.
    @Test func loadsAheadByDefaultOnlyWhenACoreIsFree() {
        #expect(RetagOptions.defaultLoadAhead(jobs: 1, cores: 2) == 4)
        #expect(RetagOptions.defaultLoadAhead(jobs: 2, cores: 2) == 0)
        #expect(RetagOptions.defaultLoadAhead(jobs: 3, cores: 2) == 0)
        #expect(RetagOptions.defaultLoadAhead(jobs: 1, cores: 1) == 0)
        #expect(RetagOptions.defaultLoadAhead(jobs: 7, cores: 8) == 4)
        #expect(RetagOptions().loadAhead == nil)
    }

    /// Tagging threads and a loader racing: every item is taken exactly once, with the load
    /// the loader delivered for it when there was one; by one thread, in the list's order.
    @Test(arguments: [(0, 1), (1, 1), (5, 1), (0, 3), (1, 3), (5, 3)])
    func everyItemIsTakenOnce(ahead: Int, threads: Int) throws {
        let count = 2_000
        let items = (0..<count).map { index in
            WorkItem(file: RetagFile(path: "p\(index)", name: "n\(index)", size: Int64(index), modifiedNanoseconds: 0), record: nil)
        }
        let list = WorkList(items, ahead: ahead)
        let taken = TakenLog()
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread {
                while let next = list.take() {
                    switch next {
                    case .item(let item): taken.add(item.file.name, loaded: false)
                    case .loaded(let load):
                        guard case .finished(.failed(let failure, _)) = load.item else { continue }
                        taken.add(failure.document, loaded: true)
                    }
                }
                group.leave()
            }.start()
        }
        // The loader: what it claims is not taken before it delivers.
        var claimed: [Int] = []
        while taken.count < count {
            guard let (index, item) = list.claimAhead() else {
                sched_yield()
                continue
            }
            claimed.append(index)
            #expect(!taken.contains(item.file.name))
            // Slow loads now and then, so that tagging threads reach items being loaded.
            if index % 5 == 0 { usleep(200) }
            #expect(!taken.contains(item.file.name))
            list.deliver(index, (.finished(.failed(RetagFailure(document: item.file.name, reason: "loaded"), bytes: 0)), RetagStageTimes(), RetagParseCacheCounts()))
        }
        group.wait()
        let log = taken.entries
        #expect(log.count == count)
        #expect(Set(log.map(\.name)) == Set(items.map(\.file.name)))
        #expect(Set(log.filter(\.loaded).map(\.name)) == Set(claimed.map { "n\($0)" }))
        #expect(Set(claimed).count == claimed.count)
        if ahead == 0 { #expect(claimed.isEmpty) }
        if threads == 1 { #expect(log.map(\.name) == items.map(\.file.name)) }
    }
}

/// Names in the order threads took them. `@unchecked Sendable`: `names` and `log` only under the lock.
final class TakenLog: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []
    private var log: [(name: String, loaded: Bool)] = []

    func add(_ name: String, loaded: Bool) {
        lock.lock()
        log.append((name, loaded))
        names.insert(name)
        lock.unlock()
    }

    func contains(_ name: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return names.contains(name)
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return log.count
    }

    var entries: [(name: String, loaded: Bool)] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }
}

@Suite struct BoundedQueueTests {
    final class Payload: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    /// A popped element belongs to the consumer alone: dropping it frees it at once (the
    /// queue keeps no copy to release later, under its lock); the rest come out in order.
    @Test func aPoppedElementIsFreedWhenTheConsumerDropsIt() {
        let queue = BoundedQueue<Payload>(capacity: 200, producers: 1)
        for value in 0..<150 { queue.push(Payload(value)) }
        queue.finishProducer()
        var popped: [Int] = []
        for step in 0..<150 {
            weak var weakPayload: Payload?
            do {
                let payload = step.isMultiple(of: 2) ? queue.pop() : queue.popIfQueued().element
                weakPayload = payload
                popped.append(payload?.value ?? -1)
            }
            #expect(weakPayload == nil, "element \(step) still held after it was dropped")
        }
        #expect(popped == Array(0..<150))
        #expect(queue.pop() == nil)
        #expect(queue.popIfQueued().finished)
    }
}
