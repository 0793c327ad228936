import AnnotationStore
import Foundation
import ReviewModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's CPU clock (user and system time), for the stage times of a report.
enum ThreadClock {
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Successive stage times on one thread.
    struct Laps {
        private var last = ThreadClock.seconds()

        /// The thread CPU seconds since the previous lap (or since it was made).
        mutating func lap() -> Double {
            let now = ThreadClock.seconds()
            defer { last = now }
            return now - last
        }
    }
}

/// The monotonic wall clock, for the waits of a report.
enum MonotonicClock {
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// A bounded FIFO between worker threads and the writer: `push` blocks while it is full,
/// so memory holds at most `capacity` finished documents plus one per worker.
/// `@unchecked Sendable`: every access to the stored properties holds `condition`'s lock.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued elements from `head` on; slots before it were emptied by ``takeHead()``.
    private var items: [Element?] = []
    private var head = 0
    private var producers: Int
    private let capacity: Int
    private var discarding = false

    /// Elements handed over for the consumer to finish (see ``reserveDeferral(limit:)``).
    private var deferred = 0
    /// Wall-clock seconds producers waited for room, and the consumer for an element.
    private var producersWaited = 0.0
    private var consumerWaited = 0.0

    init(capacity: Int, producers: Int) {
        self.capacity = max(1, capacity)
        self.producers = producers
    }

    /// Whether a producer may hand over unfinished work: true (and counted) while fewer than
    /// `limit` such elements are queued or being finished by the consumer, false when the
    /// consumer is behind and the producer should finish the work itself.
    func reserveDeferral(limit: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard deferred < limit else { return false }
        deferred += 1
        return true
    }

    /// The consumer finished an element handed over under ``reserveDeferral(limit:)``.
    func endDeferral() {
        condition.lock()
        deferred -= 1
        condition.unlock()
    }

    /// Adds an element, waiting while the queue is full (dropped once ``discard()`` was called).
    func push(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        if items.count - head >= capacity, !discarding {
            let started = MonotonicClock.seconds()
            while items.count - head >= capacity, !discarding { condition.wait() }
            producersWaited += MonotonicClock.seconds() - started
        }
        guard !discarding else { return }
        items.append(element)
        condition.broadcast()
    }

    /// A producer is done.
    func finishProducer() {
        condition.lock()
        producers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The next element; nil when every producer finished and the queue is empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        if head == items.count, producers > 0 {
            let started = MonotonicClock.seconds()
            while head == items.count, producers > 0 { condition.wait() }
            consumerWaited += MonotonicClock.seconds() - started
        }
        guard head < items.count else { return nil }
        return takeHead()
    }

    /// Moves the first queued element out (holding the lock). Its slot is emptied, so that
    /// the element (a whole document and its tags) is freed by whoever pops it once done with
    /// it, not here while the lock is held: releasing the popped elements of a whole
    /// stretch of the array in `removeFirst` held the producers up.
    private func takeHead() -> Element {
        let element = items[head]!
        items[head] = nil
        head += 1
        if head > 64, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return element
    }

    /// The next element if one is queued, without waiting; `finished` when every producer
    /// finished and the queue is empty (``pop()`` would return nil).
    func popIfQueued() -> (element: Element?, finished: Bool) {
        condition.lock()
        defer { condition.unlock() }
        guard head < items.count else { return (nil, producers == 0) }
        return (takeHead(), false)
    }

    /// The waits so far (``producersWaited``, ``consumerWaited``), read under the lock.
    func waits() -> (producers: Double, consumer: Double) {
        condition.lock()
        defer { condition.unlock() }
        return (producersWaited, consumerWaited)
    }

    /// Drops queued and future elements (after a fatal error), unblocking producers.
    func discard() {
        condition.lock()
        discarding = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Each document's suggestion keys of its latest run when the retag started (its previous
/// tags for the change report), read by the writer in one pass while the first documents are
/// tagged; whoever compares a document before they are in waits for them.
/// `@unchecked Sendable`: `keys` is only touched under `condition`'s lock.
final class PreviousKeys: @unchecked Sendable {
    private let condition = NSCondition()
    private var keys: [String: [TagKey]]?

    /// Makes the keys available (once).
    func set(_ keys: [String: [TagKey]]) {
        condition.lock()
        self.keys = keys
        condition.broadcast()
        condition.unlock()
    }

    /// A document's keys in recorded order (nil when no run covered it), once they are read.
    func keys(for document: String) -> [TagKey]? {
        condition.lock()
        defer { condition.unlock() }
        while keys == nil { condition.wait() }
        return keys?[document]
    }
}

/// Hands out work items to the tagging threads in order, and lets the writer load a few of
/// them ahead (read, hash, load or parse: ``Pipeline/load(_:times:cache:)``) while it has
/// nothing to write, so that with one tagging thread the writer's idle core reads and parses
/// while that thread only tags. A tagging thread takes the next item whoever loaded it: its
/// load when the writer finished it (waiting while the writer is at it), or the bare item to
/// load itself; so the items are tagged in the list's order whoever loads them.
/// `@unchecked Sendable`: `slots` and `next` are only touched under `condition`'s lock.
final class WorkList: @unchecked Sendable {
    /// A load and what it cost (stage times, parse-cache counts), for the thread that passes
    /// the document on to add to the report.
    typealias Load = (item: LoadedItem, times: RetagStageTimes, cache: RetagParseCacheCounts)

    /// What a tagging thread takes: an item to load, or one the writer loaded.
    enum Taken {
        case item(WorkItem)
        case loaded(Load)
    }

    private enum Slot {
        case open
        case loading
        case loaded(Load)
        case taken
    }

    private let condition = NSCondition()
    private let items: [WorkItem]
    private var slots: [Slot]
    /// The next item a tagging thread takes.
    private var next = 0
    /// How many items past `next` the writer may load.
    private let ahead: Int

    /// - Parameter ahead: items the writer may load ahead of the tagging threads (0: none).
    init(_ items: [WorkItem], ahead: Int = 0) {
        self.items = items
        self.slots = Array(repeating: .open, count: items.count)
        self.ahead = max(0, ahead)
    }

    /// The next item for a tagging thread, in the list's order; nil when none is left.
    func take() -> Taken? {
        condition.lock()
        defer { condition.unlock() }
        guard next < items.count else { return nil }
        let index = next
        next += 1
        while case .loading = slots[index] { condition.wait() }
        let slot = slots[index]
        slots[index] = .taken
        if case .loaded(let load) = slot { return .loaded(load) }
        return .item(items[index])
    }

    /// An item for the writer to load ahead: the first one not taken nor loaded within
    /// `ahead` items of the tagging threads' position, marked as being loaded (hand its load
    /// to ``deliver(_:_:)``); nil when there is none.
    func claimAhead() -> (index: Int, item: WorkItem)? {
        condition.lock()
        defer { condition.unlock() }
        var index = next
        let end = min(items.count, next + ahead)
        while index < end {
            if case .open = slots[index] {
                slots[index] = .loading
                return (index, items[index])
            }
            index += 1
        }
        return nil
    }

    /// The load of an item ``claimAhead()`` gave out.
    func deliver(_ index: Int, _ load: Load) {
        condition.lock()
        slots[index] = .loaded(load)
        condition.broadcast()
        condition.unlock()
    }
}

/// A work item read and parsed (or loaded from the parse cache), or its result when it ended
/// before tagging (unchanged, unreadable, too large, failed to parse).
enum LoadedItem: Sendable {
    case finished(WorkResult)
    case document(LoadedDocument)
}

/// A document ready for tagging.
struct LoadedDocument: Sendable {
    var record: RetagFileRecord
    var document: ReviewDocument
    /// The file's size in bytes.
    var size: Int64
    /// See ``TaggedDocument/cacheInput``.
    var cacheInput: (bytes: [UInt8], hash: UInt64)?
    /// See ``TaggedDocument/textHash``.
    var textHash: String?
}

/// A document a worker parsed (or loaded) and tagged, not yet compared, prepared or cached.
struct TaggedDocument: Sendable {
    var record: RetagFileRecord
    var document: ReviewDocument
    var result: TaggingResult
    /// The file's size in bytes.
    var size: Int64
    /// The input bytes and their XXH64 when the document was parsed and its parse-cache entry
    /// is still to be written; nil otherwise.
    var cacheInput: (bytes: [UInt8], hash: UInt64)?
    /// The SHA-256 of the document's text (the store's content hash) when it came from the
    /// parse cache, which records it; nil: hash the text (once, for the entry and the rows).
    var textHash: String?
}

/// What a worker hands the writer: a result, or a tagged document for the writer to finish.
enum WorkerOutput: Sendable {
    case finished(WorkResult)
    case tagged(TaggedDocument)
}

/// The worker side: `jobs` threads each read, hash, load or parse, and tag one document at
/// a time; the calling thread is the writer. What follows tagging (the parse-cache write,
/// the comparison with the previous run, preparing the rows) is handed to the writer while
/// it keeps up (at most ``deferralLimit`` documents waiting), so that tagging threads only
/// tag; a worker finishes the document itself when the writer is behind.
struct Pipeline: Sendable {
    let work: [WorkItem]
    let jobs: Int
    var engine: RetagEngine
    let store: AnnotationStore
    let decisions: [String: [DecisionInForce]]
    /// Each document's suggestion keys of its latest run when the retag started (its previous
    /// tags for the report; a document of the resumed run is not processed again, so these are
    /// never the run's own); read by the writer in one pass once the workers have started.
    let previousKeys: PreviousKeys
    let dryRun: Bool
    /// Parsed documents from earlier runs (written to unless a dry run); nil: parse everything.
    let cache: ParseCache?
    /// Documents the writer may load ahead of the tagging threads (``RetagOptions/loadAhead``).
    var loadAhead = 0

    /// Tagged documents that may wait for the writer to finish them.
    static let deferralLimit = 8
    /// Finished documents each worker may have queued for the writer beyond the deferred ones:
    /// enough that workers do not wait while the writer commits a transaction or is not
    /// scheduled for a moment (with 2 per worker, 2 jobs waited about 7 % of the time).
    static let queuedPerWorker = 12

    func run(cancellation: RetagCancellation, writer: inout Writer) throws(RetagError) {
        guard !work.isEmpty else { return }
        let workers = min(jobs, work.count)
        // Room for every deferred document plus ``queuedPerWorker`` per worker, so that a
        // worker does not wait while the writer commits a transaction. A finished document
        // holds its prepared rows and a reference to its text (about 150 KB for a 115 KB
        // review), so the queue stays within a few MB.
        let queue = BoundedQueue<(WorkerOutput, RetagStageTimes, RetagParseCacheCounts)>(
            capacity: Self.deferralLimit + workers * Self.queuedPerWorker, producers: workers)
        let list = WorkList(work, ahead: loadAhead)
        let finished = DispatchGroup()
        for index in 0..<workers {
            finished.enter()
            let thread = Thread { [self] in
                // Each worker after the first gets its own engine (see RetagEngine.replicate).
                var worker = self
                if index > 0, let replica = engine.replicate?() { worker.engine = replica }
                while !cancellation.isCancelled, let taken = list.take() {
                    var times = RetagStageTimes()
                    var cacheCounts = RetagParseCacheCounts()
                    let loaded: LoadedItem
                    switch taken {
                    case .item(let item):
                        loaded = worker.load(item, times: &times, cache: &cacheCounts)
                    case .loaded(let load):
                        (loaded, times, cacheCounts) = load
                    }
                    var output: WorkerOutput
                    switch loaded {
                    case .finished(let result): output = .finished(result)
                    case .document(let document): output = .tagged(worker.tag(document, times: &times))
                    }
                    if case .tagged(let tagged) = output, !queue.reserveDeferral(limit: Self.deferralLimit) {
                        output = .finished(worker.finish(tagged, times: &times, cache: &cacheCounts))
                    }
                    queue.push((output, times, cacheCounts))
                }
                queue.finishProducer()
                finished.leave()
            }
            thread.name = "revtag.retag.worker.\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        var failure: RetagError?
        let writerStarted = ThreadClock.seconds()
        // The writer's CPU time finishing documents counts in their stages, not in `write`.
        var finishing = 0.0
        defer { writer.builder.report.cpu.write += ThreadClock.seconds() - writerStarted - finishing }
        // The previous keys, read while the workers tag (its CPU time counts as comparing).
        do {
            previousKeys.set(try store.previousSuggestionKeys(documents: work.map(\.file.name)))
        } catch {
            previousKeys.set([:])
            failure = .store(error)
            cancellation.cancel()
            queue.discard()
        }
        let keysRead = ThreadClock.seconds() - writerStarted
        writer.builder.report.cpu.compare += keysRead
        finishing += keysRead
        while true {
            // What the tagging threads finished comes first; while there is none, the writer
            // loads the next items ahead of them (see WorkList), and waits when it may not.
            var (next, finishedAll) = queue.popIfQueued()
            if next == nil, !finishedAll, failure == nil, !cancellation.isCancelled, let (index, item) = list.claimAhead() {
                let started = ThreadClock.seconds()
                var times = RetagStageTimes()
                var cacheCounts = RetagParseCacheCounts()
                let loaded = load(item, times: &times, cache: &cacheCounts)
                list.deliver(index, (loaded, times, cacheCounts))
                finishing += ThreadClock.seconds() - started
                continue
            }
            if next == nil, !finishedAll { next = queue.pop() }
            guard let (output, stageTimes, counts) = next else { break }
            var times = stageTimes
            var cacheCounts = counts
            let result: WorkResult
            switch output {
            case .finished(let done):
                result = done
            case .tagged(let tagged):
                defer { queue.endDeferral() }
                guard failure == nil else { continue }
                let started = ThreadClock.seconds()
                result = finish(tagged, times: &times, cache: &cacheCounts)
                finishing += ThreadClock.seconds() - started
            }
            writer.builder.report.cpu = writer.builder.report.cpu + times
            writer.builder.report.parseCache?.add(cacheCounts)
            guard failure == nil else { continue }
            do {
                try writer.accept(result)
            } catch {
                failure = error
                cancellation.cancel()
                queue.discard()
            }
        }
        finished.wait()
        let waits = queue.waits()
        writer.builder.report.cpu.workersWaitingForWriter += waits.producers
        writer.builder.report.cpu.writerWaitingForWorkers += waits.consumer
        if let failure { throw failure }
        try writer.flush()
    }

    /// One document read, hashed and parsed (or loaded from the parse cache), on a tagging
    /// thread or on the writer loading ahead; every failure becomes a result. Adds the CPU time of each stage to `times`, and what the parse cache
    /// did to `cacheCounts`.
    func load(_ item: WorkItem, times: inout RetagStageTimes, cache cacheCounts: inout RetagParseCacheCounts) -> LoadedItem {
        var clock = ThreadClock.Laps()
        let file = item.file
        if file.size > engine.maxInputBytes {
            return .finished(.failed(RetagFailure(
                document: file.name,
                reason: "too large: \(file.size) bytes, over the limit of \(engine.maxInputBytes); split it or raise the limit"),
                bytes: 0))
        }
        let bytes: [UInt8]
        switch RetagInput.readBytes(file.path, expected: file.size) {
        case .success(let read): bytes = read
        case .failure(let error): return .finished(.failed(RetagFailure(document: file.name, reason: "unreadable: \(error.message)"), bytes: 0))
        }
        times.read += clock.lap()
        let size = Int64(bytes.count)
        let contentHash = ContentHash.xxh64(bytes)
        let hash = ContentHash.hex(contentHash)
        let record = RetagFileRecord(
            path: file.name, size: size, modifiedNanoseconds: file.modifiedNanoseconds, byteHash: hash,
            codebookHash: engine.codebookHash, run: item.record?.run ?? 0)
        times.hash += clock.lap()
        if let previous = item.record, previous.byteHash == hash, previous.codebookHash == engine.codebookHash {
            return .finished(.unchanged(record, bytes: size))
        }
        var cached: ReviewDocument?
        var textHash: String?
        if let cache {
            let loaded = cache.loadWithTextHash(name: file.name, contentHash: contentHash, input: bytes)
            switch loaded.lookup {
            case .hit(let document):
                cached = document
                textHash = loaded.textHash
                cacheCounts.hits += 1
            case .miss:
                break
            case .invalid:
                cacheCounts.invalid += 1
            }
            times.cacheLoad += clock.lap()
        }
        let document: ReviewDocument
        var cacheInput: (bytes: [UInt8], hash: UInt64)?
        if let cached {
            document = cached
        } else {
            do {
                document = try engine.parse(bytes, file.name)
            } catch {
                times.parse += clock.lap()
                return .finished(.failed(RetagFailure(document: file.name, reason: "\(error)"), bytes: size))
            }
            cacheCounts.parsed += 1
            times.parse += clock.lap()
            if cache != nil, !dryRun { cacheInput = (bytes, contentHash) }
        }
        return .document(LoadedDocument(record: record, document: document, size: size, cacheInput: cacheInput, textHash: textHash))
    }

    /// A loaded document tagged.
    func tag(_ loaded: LoadedDocument, times: inout RetagStageTimes) -> TaggedDocument {
        let started = ThreadClock.seconds()
        let result = engine.tag(loaded.document)
        times.tag += ThreadClock.seconds() - started
        return TaggedDocument(
            record: loaded.record, document: loaded.document, result: result, size: loaded.size, cacheInput: loaded.cacheInput,
            textHash: loaded.textHash)
    }

    /// The rest of a tagged document (on a worker or the writer): its parse-cache entry,
    /// the comparison with its previous run, and its prepared rows (none in a dry run).
    func finish(_ tagged: TaggedDocument, times: inout RetagStageTimes, cache cacheCounts: inout RetagParseCacheCounts) -> WorkResult {
        var clock = ThreadClock.Laps()
        let name = tagged.record.path
        let document = tagged.document
        let result = tagged.result
        // The text's SHA-256, computed once for the cache entry and the rows (a cached
        // document brings the one its entry recorded); a dry run needs neither.
        var textHash = tagged.textHash
        if textHash == nil, !dryRun {
            textHash = AnnotationStore.contentHash(of: document.text)
            times.prepare += clock.lap()
        }
        if let cache, let input = tagged.cacheInput {
            if let written = cache.save(document, contentHash: input.hash, input: input.bytes, textHash: textHash) {
                cacheCounts.written += 1
                cacheCounts.bytesWritten += Int64(written)
            } else {
                cacheCounts.writeFailures += 1
            }
            times.cacheStore += clock.lap()
        }
        // The keys in the order the rows are recorded (the previous run's are read in that order).
        var now: [TagKey] = []
        now.reserveCapacity(result.suggestions.count + 1)
        for suggestion in result.suggestions { now.append(suggestion.key) }
        if let category = result.category {
            now.append(TagKey(tag: TagID(facet: Taxonomy.categoryFacet, id: category.id), subject: nil))
        }
        let change = DocumentChange(
            document: name, nowInOrder: now, previousInOrder: previousKeys.keys(for: name), decisions: decisions[name] ?? [])
        times.compare += clock.lap()
        if dryRun {
            return .processed(write: RetagWrite(suggestions: nil, file: tagged.record), change: change, bytes: tagged.size, size: 0)
        }
        do {
            let prepared = try AnnotationStore.prepare(document: document, result: result, textHash: textHash)
            times.prepare += clock.lap()
            return .processed(
                write: RetagWrite(suggestions: prepared, file: tagged.record), change: change, bytes: tagged.size,
                size: prepared.approximateBytes)
        } catch {
            return .failed(RetagFailure(document: name, reason: "\(error)"), bytes: tagged.size)
        }
    }
}
