import AnnotationStore
import Foundation
import ReviewModel

/// What retag does to one document: parse bytes into a document, tag it. The standard
/// engine (``RetagEngine/standard(codebook:parseOptions:)``) uses the parser and the
/// tagger; the seam keeps the pipeline independent of both.
public struct RetagEngine: Sendable {
    /// The codebook's version, recorded with the run.
    public var codebookVersion: String
    /// The codebook's hash: a document is re-tagged when it differs from the one it was last tagged with.
    public var codebookHash: String
    /// Files larger than this are reported as too large without being read.
    public var maxInputBytes: Int
    /// Parses a file's bytes (`name` is the document's name); throws an error whose
    /// description says what is wrong with the file.
    public var parse: @Sendable (_ bytes: [UInt8], _ name: String) throws -> ReviewDocument
    /// Tags a document.
    public var tag: @Sendable (_ document: ReviewDocument) -> TaggingResult
    /// Makes an equivalent engine for another worker thread, for an engine whose state must
    /// not be shared between threads. Nil: every worker uses this engine, as the standard
    /// engines do: their compiled ``Tagger`` is immutable and `Sendable`, and compiling it
    /// again for each extra worker cost about a third of a CPU second (2.6 G instructions)
    /// while sharing it measured no slower (`--jobs 2`: tagging CPU 5.2 s shared, 5.6 s
    /// with a compilation per worker, on 2,000 generated documents).
    public var replicate: (@Sendable () -> RetagEngine?)?
    /// Identifies what ``parse`` produces: the parser's version and the options that change
    /// its output. Parsed documents are cached (``RetagOptions/parseCacheDirectory``) only
    /// when it is set, under this version; a different version never sees those entries.
    public var parserVersion: String?
    /// Called once, after the run is planned and before the first document is processed (not
    /// at all when nothing needs processing): an engine that prepares itself in the background
    /// (``standardCompiledInBackground(codebook:parseOptions:)``) waits here, and throws when
    /// it cannot work. Nil: ready at once.
    public var waitUntilReady: (@Sendable () throws(RetagError) -> Void)?

    public init(
        codebookVersion: String, codebookHash: String, maxInputBytes: Int = 64 << 20, parserVersion: String? = nil,
        parse: @escaping @Sendable (_ bytes: [UInt8], _ name: String) throws -> ReviewDocument,
        tag: @escaping @Sendable (_ document: ReviewDocument) -> TaggingResult
    ) {
        self.codebookVersion = codebookVersion
        self.codebookHash = codebookHash
        self.maxInputBytes = maxInputBytes
        self.parserVersion = parserVersion
        self.parse = parse
        self.tag = tag
        self.replicate = nil
    }
}

/// Options of a retag run.
public struct RetagOptions: Sendable {
    /// Files and folders (walked recursively for the parser's extensions).
    public var paths: [String] = ["corpus"]
    /// Worker threads (read, load or parse, tag); one more thread writes, and also finishes
    /// tagged documents (compare, prepare rows, write parse-cache entries) while it keeps up.
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Compute the report without writing anything.
    public var dryRun = false
    /// Re-tag documents even when their content and the codebook are unchanged.
    public var force = false
    /// A transaction is committed after this many documents ...
    public var batchDocuments = 100
    /// ... or this many bytes of prepared text ...
    public var batchBytes = 16 << 20
    /// ... or this many seconds, whichever comes first (bounds the work a kill loses).
    public var batchSeconds: Double = 2
    /// Document names are relative to this folder.
    public var baseDirectory = FileManager.default.currentDirectoryPath
    /// The folder of the parse cache (``ParseCache``), nil for none. A document whose
    /// bytes were parsed before (by the same parser version) is loaded from it instead of
    /// parsed again; parsed documents are written to it (not in a dry run). Derived data:
    /// safe to delete at any time. `revtag retag` uses
    /// ``ParseCache/defaultDirectory(forStore:)`` unless `--no-parse-cache`.
    public var parseCacheDirectory: String?
    /// Documents the writer thread may read and parse (or load from the parse cache) ahead of
    /// the tagging threads while it has nothing to write: with `jobs` 1 the tagging thread
    /// then mostly tags while the writer's core reads and parses. 0: the tagging threads read
    /// and parse every document themselves. The stored rows and the report are the same
    /// either way, and so is the order documents are tagged and written in. nil (the
    /// default): ``defaultLoadAhead(jobs:cores:)``.
    public var loadAhead: Int?

    /// The load-ahead of a run that sets none: 4 while the tagging threads leave a core of
    /// this process's free for the writer, 0 when they take them all. With every core tagging,
    /// the writer's loads only move work: a tagging thread that reaches a document the writer
    /// is still parsing waits for it, and a document parsed on one core and tagged on another
    /// crosses between their caches. On 2 cores, a first `--jobs 2` run used 1.88 cores with a
    /// load-ahead of 4 and 1.96 with none, and took 4 to 8 % less wall time (passing over the
    /// documents being loaded instead of waiting still left it 4 to 9 % slower than none).
    /// - Parameter cores: the cores this process may run on (`taskset` and cgroup limits included).
    public static func defaultLoadAhead(jobs: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        jobs < cores ? 4 : 0
    }

    public init(paths: [String] = ["corpus"], jobs: Int = ProcessInfo.processInfo.activeProcessorCount, dryRun: Bool = false, force: Bool = false) {
        self.paths = paths
        self.jobs = jobs
        self.dryRun = dryRun
        self.force = force
    }
}

/// Progress of a run, as the writer sees it (documents that need reading only).
public struct RetagProgress: Sendable, Hashable {
    public var documentsDone: Int
    public var documentsTotal: Int
    public var bytesDone: Int64
    public var bytesTotal: Int64
    /// Seconds since the pipeline started.
    public var elapsed: Double

    /// Throughput so far, in bytes per second.
    public var bytesPerSecond: Double { elapsed > 0 ? Double(bytesDone) / elapsed : 0 }
    /// Estimated seconds left (nil until something was done).
    public var secondsLeft: Double? {
        guard bytesDone > 0, elapsed > 0 else { return nil }
        return Double(bytesTotal - bytesDone) / bytesPerSecond
    }
}

/// What a run tells its caller while it runs (the library never prints).
public enum RetagEvent: Sendable {
    /// The plan: files found, skipped without reading, and to read.
    case planned(found: Int, unchanged: Int, resumed: Int, toRead: Int, bytesToRead: Int64, resumedRun: Int64?)
    /// A document was done (processed, found unchanged, or failed).
    case progress(RetagProgress)
    /// A file failed and was skipped.
    case failed(RetagFailure)
    /// A batch was committed.
    case committed(run: Int64?, documents: Int)
}

/// Asks a running retag to stop: workers take no new file, what was done is committed.
/// `@unchecked Sendable`: the flag is only touched under the lock.
public final class RetagCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Requests the stop.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Whether a stop was requested.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

/// Problems that stop a retag run (a failing file does not: it is reported and skipped).
public enum RetagError: Error, CustomStringConvertible, Sendable {
    /// A path given on the command line does not exist.
    case missingPath(String)
    /// The store failed.
    case store(StoreError)
    /// The codebook could not be loaded or compiled.
    case codebook(String)

    public var description: String {
        switch self {
        case .missingPath(let path): return "\(path): no such file or folder; give a corpus folder or review files"
        case .store(let error): return "\(error)"
        case .codebook(let message): return message
        }
    }
}

/// Re-applies the codebook to a corpus: a bounded pipeline of `jobs` worker threads
/// (read, hash, parse, tag, prepare) feeding one writer that commits batches into a new
/// suggestion run. Human decisions are never touched.
///
/// ```swift
/// let retagger = Retagger(store: store, engine: try .standard(codebook: codebook))
/// let report = try retagger.run(RetagOptions(paths: ["corpus"], jobs: 2)) { event in ... }
/// print(report.text())
/// ```
///
/// Incremental: a file whose size and modification time match its record is skipped
/// without being read; otherwise its bytes are hashed (XXH64) and it is skipped when the
/// hash matches, the record being refreshed. Either way only when the codebook hash is
/// the one it was tagged with. Resumable: the run over the same paths that was killed or
/// interrupted is continued; documents it recorded are not redone.
public struct Retagger: Sendable {
    public let store: AnnotationStore
    public let engine: RetagEngine

    public init(store: AnnotationStore, engine: RetagEngine) {
        self.store = store
        self.engine = engine
    }

    /// Runs the retag; blocks until done or stopped.
    public func run(
        _ options: RetagOptions, cancellation: RetagCancellation = RetagCancellation(),
        events: @escaping @Sendable (RetagEvent) -> Void = { _ in }
    ) throws(RetagError) -> RetagReport {
        let started = Date()
        let files = try RetagInput.collect(paths: options.paths, base: options.baseDirectory)
        let scope = options.paths.map { RetagInput.documentName($0, base: options.baseDirectory) }.sorted().joined(separator: "\n")
        var builder = ReportBuilder(report: RetagReport(
            dryRun: options.dryRun, codebookVersion: engine.codebookVersion, codebookHash: engine.codebookHash))
        builder.report.counts.found = files.count

        let records: [String: RetagFileRecord]
        let decisions: [String: [DecisionInForce]]
        var run: Int64?
        var alreadyDone: Set<String> = []
        do {
            records = try store.retagFileRecords()
            decisions = try store.decisionsInForce()
            if let unfinished = try store.unfinishedRetagRun(scope: scope), unfinished.codebookHash == engine.codebookHash {
                run = unfinished.run
                alreadyDone = try store.documentsRecorded(run: unfinished.run)
                builder.report.resumedRun = true
            }
        } catch {
            throw .store(error)
        }

        // Plan: what can be skipped from `stat` alone.
        var work: [WorkItem] = []
        var resumedNames: [String] = []
        for file in files {
            if alreadyDone.contains(file.name) {
                resumedNames.append(file.name)
                continue
            }
            let record = records[file.name]
            if !options.force, let record, record.codebookHash == engine.codebookHash, record.size == file.size,
                record.modifiedNanoseconds == file.modifiedNanoseconds
            {
                builder.report.counts.unchanged += 1
                continue
            }
            work.append(WorkItem(file: file, record: options.force ? nil : record))
        }
        builder.report.counts.resumed = resumedNames.count
        let bytesTotal = work.reduce(Int64(0)) { $0 + $1.file.size }
        events(.planned(
            found: files.count, unchanged: builder.report.counts.unchanged, resumed: resumedNames.count, toRead: work.count,
            bytesToRead: bytesTotal, resumedRun: run))

        if !work.isEmpty, let waitUntilReady = engine.waitUntilReady { try waitUntilReady() }
        if let resumed = run, !options.dryRun, !work.isEmpty {
            do { try store.setRetagRunState(resumed, .running) } catch { throw .store(error) }
        }

        // The parse cache, when the engine names its parser version; prepared (old versions
        // removed) only when something will be parsed and written.
        var cache: ParseCache?
        if let directory = options.parseCacheDirectory, let version = engine.parserVersion {
            let parseCache = ParseCache(directory: directory, parserVersion: version)
            if !work.isEmpty, !options.dryRun { parseCache.prepare() }
            cache = parseCache
            builder.report.parseCache = RetagParseCacheCounts(directory: directory)
        }

        var writer = Writer(
            store: store, engine: engine, options: options, scope: scope, run: run, builder: builder,
            total: work.count, bytesTotal: bytesTotal, events: events)
        try Pipeline(
            work: work, jobs: max(1, options.jobs), engine: engine, store: store, decisions: decisions, previousKeys: PreviousKeys(),
            dryRun: options.dryRun, cache: cache,
            loadAhead: options.loadAhead ?? RetagOptions.defaultLoadAhead(jobs: max(1, options.jobs)))
            .run(cancellation: cancellation, writer: &writer)
        builder = writer.builder
        run = writer.run

        // Documents the resumed run recorded earlier belong to its report too.
        if builder.report.resumedRun, let resumed = run {
            for name in resumedNames {
                do {
                    let now = Set(try store.suggestionKeys(document: name, run: resumed))
                    let previous = try store.suggestionKeys(document: name, before: resumed).map(Set.init)
                    builder.add(DocumentChange(document: name, now: now, previous: previous, decisions: decisions[name] ?? []))
                } catch {
                    throw .store(error)
                }
            }
        }

        let interrupted = cancellation.isCancelled
        builder.report.interrupted = interrupted
        // A complete run saw every file under its paths: the entries of documents no longer
        // there are removed (only those, and only in the cache's folder).
        if let cache, !options.dryRun, !interrupted {
            builder.report.parseCache?.removed = cache.prune(
                keeping: Set(files.map(\.name)), under: options.paths, base: options.baseDirectory)
        }
        if let run, !options.dryRun {
            do { try store.setRetagRunState(run, interrupted ? .interrupted : .finished) } catch { throw .store(error) }
        }
        builder.report.run = options.dryRun ? nil : run
        builder.report.seconds = Date().timeIntervalSince(started)
        return builder.finished()
    }
}

struct WorkItem: Sendable {
    var file: RetagFile
    /// The file's record when the byte hash may let it be skipped (nil with --force).
    var record: RetagFileRecord?
}

/// What a worker hands the writer.
enum WorkResult: Sendable {
    case processed(write: RetagWrite, change: DocumentChange, bytes: Int64, size: Int)
    case unchanged(RetagFileRecord, bytes: Int64)
    case failed(RetagFailure, bytes: Int64)
}

/// The single writer: batches results into transactions, keeps the report and emits progress.
struct Writer {
    let store: AnnotationStore
    let engine: RetagEngine
    let options: RetagOptions
    let scope: String
    var run: Int64?
    var builder: ReportBuilder
    let total: Int
    let bytesTotal: Int64
    let events: @Sendable (RetagEvent) -> Void

    private var batch: [RetagWrite] = []
    private var changes: [DocumentChange] = []
    private var batchBytes = 0
    private var lastFlush = Date()
    private var done = 0
    private var bytesDone: Int64 = 0
    private let started = Date()

    init(
        store: AnnotationStore, engine: RetagEngine, options: RetagOptions, scope: String, run: Int64?, builder: ReportBuilder,
        total: Int, bytesTotal: Int64, events: @escaping @Sendable (RetagEvent) -> Void
    ) {
        self.store = store
        self.engine = engine
        self.options = options
        self.scope = scope
        self.run = run
        self.builder = builder
        self.total = total
        self.bytesTotal = bytesTotal
        self.events = events
    }

    mutating func accept(_ result: WorkResult) throws(RetagError) {
        switch result {
        case .processed(let write, let change, let bytes, let size):
            batch.append(write)
            changes.append(change)
            batchBytes += size
            bytesDone += bytes
        case .unchanged(let record, let bytes):
            builder.report.counts.unchanged += 1
            batch.append(RetagWrite(suggestions: nil, file: record))
            bytesDone += bytes
        case .failed(let failure, let bytes):
            builder.report.failures.append(failure)
            builder.report.counts.failed += 1
            bytesDone += bytes
            events(.failed(failure))
        }
        done += 1
        builder.report.counts.bytes = bytesDone
        events(.progress(RetagProgress(
            documentsDone: done, documentsTotal: total, bytesDone: bytesDone, bytesTotal: bytesTotal,
            elapsed: Date().timeIntervalSince(started))))
        if batch.count >= options.batchDocuments || batchBytes >= options.batchBytes
            || Date().timeIntervalSince(lastFlush) >= options.batchSeconds
        {
            try flush()
        }
    }

    mutating func flush() throws(RetagError) {
        lastFlush = Date()
        guard !batch.isEmpty else { return }
        defer {
            batch.removeAll(keepingCapacity: true)
            changes.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        if options.dryRun {
            for change in changes { builder.add(change) }
            builder.report.counts.processed += changes.count
            return
        }
        do {
            if run == nil, batch.contains(where: { $0.suggestions != nil }) {
                run = try store.beginRetagRun(codebookVersion: engine.codebookVersion, codebookHash: engine.codebookHash, scope: scope)
            }
            let transaction = ThreadClock.seconds()
            let outcomes = try store.recordRetagBatch(run: run, writes: batch)
            builder.report.cpu.transactions += ThreadClock.seconds() - transaction
            var recorded: Set<String> = []
            for outcome in outcomes where outcome.recorded {
                recorded.insert(outcome.path)
                builder.add(outcome.reanchor, document: outcome.path)
            }
            for change in changes where recorded.contains(change.document) { builder.add(change) }
            builder.report.counts.processed += recorded.count
            events(.committed(run: run, documents: batch.count))
        } catch {
            throw .store(error)
        }
    }
}
