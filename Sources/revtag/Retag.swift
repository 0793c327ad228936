import AnnotationStore
import ArgumentParser
import Dispatch
import Foundation
import Retagging
import ReviewParsing
import Tagging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `revtag retag`: re-apply the codebook to a corpus, in parallel, resumably, with a change report.
struct RetagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retag",
        abstract: "Re-apply the codebook to a corpus and report what changed.",
        discussion: """
            Reads every review under the paths (folders recursively: .html .htm .xhtml .xml \
            .pdf .txt .md .markdown), tags it and records a new suggestion run in the store, \
            in batched transactions, on --jobs worker threads.

            Incremental: a document is skipped when its size and modification time match the \
            last time it was recorded (else when its bytes hash the same, XXH64) and the \
            codebook hash is the one it was tagged with; --force re-tags everything.

            Resumable: Ctrl-C stops cleanly and commits what was done (press twice to quit at \
            once); after Ctrl-C or a kill, the same command finishes the run without redoing \
            the documents it recorded.

            The report compares each re-tagged document with its previous run: per tag, \
            documents where it was added or removed; changed categories; and conflicts with \
            human decisions in force (rejected tags suggested again, confirmed tags no longer \
            suggested), listed for review. Retag never changes a decision.

            Parse cache: documents parsed by a run are kept, compactly, in a folder beside the \
            store (<store>.parse-cache, e.g. annotations/revtag.sqlite.parse-cache), so that \
            re-applying a changed codebook to an unchanged corpus loads them instead of parsing \
            them again. It is derived data, never the store: delete it at any time (rm -r) to \
            reclaim the space (about 0.15 GB per GB of UTF-8 HTML, text or Markdown; more for \
            PDF and non-UTF-8 files, whose decoded source it keeps); a damaged entry is simply \
            parsed again. Entries are keyed on the parser version (ParserVersion.current, \
            bumped whenever parsing output may change), the parse options and the cache's \
            layout version, not on the revtag build: rebuilding keeps the cache, a new parser \
            version starts a fresh one and removes the old. A complete run (not --dry-run, not \
            interrupted) removes the entries of documents deleted from its paths. \
            --no-parse-cache neither reads nor writes it.

            Files that fail (unreadable, binary, too large, malformed) are reported and \
            skipped. Exit status: 0 done; 1 some files failed; 66 a path does not exist; \
            130 interrupted.
            """)

    @Argument(help: ArgumentHelp("Review files or folders. Default: corpus/.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Tagging threads (each reads, loads or parses, and tags). One more thread writes the store and, while it keeps up, compares and prepares tagged documents and reads and parses the next ones (see --load-ahead). Default: the number of cores.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var codebookOptions: CodebookOptions

    @Flag(name: .long, help: "Compute the change report without writing anything to the store.")
    var dryRun = false

    @Flag(name: .long, help: "Re-tag documents even when they and the codebook are unchanged.")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var report: String?

    @Option(name: .long, help: ArgumentHelp("Report format: text, json or markdown.", valueName: "format"))
    var format: RetagReport.Format = .text

    @Flag(name: .customLong("no-parse-cache"), help: ArgumentHelp(
        "Parse every document instead of loading those parsed before from the parse cache beside the store (<store>.parse-cache), and write no cache."))
    var noParseCache = false

    @Flag(name: .long, help: "No progress display (failures are still listed on standard error).")
    var quiet = false

    @Option(name: .customLong("batch-size"), help: ArgumentHelp(
        "Documents per transaction (a transaction is also committed every 2 seconds).", valueName: "n"))
    var batchSize: Int = 100

    @Option(name: .customLong("load-ahead"), help: ArgumentHelp(
        "Documents the writing thread may read and parse ahead of the tagging threads while it has nothing to write (0: the tagging threads read and parse every document themselves; the results are the same). Default: 4 when --jobs leaves a core free, 0 otherwise.",
        valueName: "n"))
    var loadAhead: Int?

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Files larger than this many MiB are reported and skipped.", valueName: "MB"))
    var maxSize: Int = 64

    func validate() throws {
        guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256") }
        guard batchSize >= 1, batchSize <= 100_000 else { throw ValidationError("--batch-size must be between 1 and 100000") }
        guard (0...1000).contains(loadAhead ?? 0) else { throw ValidationError("--load-ahead must be between 0 and 1000") }
        guard maxSize > 0, maxSize <= 4096 else { throw ValidationError("--max-size must be between 1 and 4096 (MB)") }
    }

    func run() throws {
        let codebook = try codebookOptions.loadCodebook(for: "revtag retag")
        let store: AnnotationStore
        let engine: RetagEngine
        do {
            store = try AnnotationStore(path: storeOptions.resolvedStorePath)
            // Compiled while the retagger lists the files and reads the store.
            engine = RetagEngine.standardCompiledInBackground(codebook: codebook, parseOptions: ParseOptions(maxInputBytes: maxSize << 20))
        } catch {
            printError("revtag retag: \(error)")
            throw RevtagExit.software
        }
        var options = RetagOptions(paths: paths.isEmpty ? ["corpus"] : paths, jobs: jobs, dryRun: dryRun, force: force)
        options.baseDirectory = FileManager.default.currentDirectoryPath
        options.batchDocuments = batchSize
        options.loadAhead = loadAhead
        if !noParseCache { options.parseCacheDirectory = ParseCache.defaultDirectory(forStore: storeOptions.resolvedStorePath) }

        let cancellation = RetagCancellation()
        let interrupts = InterruptHandler(cancellation: cancellation)
        defer { interrupts.restore() }
        let display = ProgressDisplay(mode: quiet ? .none : (isatty(STDERR_FILENO) != 0 ? .bar : .lines))

        let result: RetagReport
        do {
            result = try Retagger(store: store, engine: engine).run(options, cancellation: cancellation) { event in
                display.handle(event)
            }
        } catch {
            display.finish()
            printError("revtag retag: \(error)")
            if case .missingPath = error { throw RevtagExit.noInput }
            throw RevtagExit.software
        }
        display.finish()

        let rendered = result.rendered(format)
        if let report {
            do {
                try Data(rendered.utf8).write(to: URL(fileURLWithPath: report))
            } catch {
                printError("revtag retag: cannot write the report to \(report): \(error.localizedDescription)")
                throw RevtagExit.software
            }
            if !quiet { printError(summaryLine(result) + " Report: \(report)") }
        } else {
            FileHandle.standardOutput.write(Data(rendered.utf8))
        }
        if result.interrupted {
            printError("revtag retag: interrupted; what was done is committed. Run the same command again to finish.")
            throw ExitCode(130)
        }
        if result.hasFailures { throw RevtagExit.someFailed }
    }

    private func summaryLine(_ report: RetagReport) -> String {
        "revtag retag: \(report.counts.processed) re-tagged, \(report.counts.unchanged) unchanged, \(report.counts.failed) failed."
    }
}

extension RetagReport.Format: ExpressibleByArgument {}

/// Turns SIGINT into a clean stop: the first Ctrl-C cancels the run (workers stop, the writer
/// commits), the second exits at once (the store stays consistent: SQLite rolls back).
/// `@unchecked Sendable`: `count` is only touched on the signal source's serial queue.
private final class InterruptHandler: @unchecked Sendable {
    private let source: any DispatchSourceSignal
    private var count = 0

    init(cancellation: RetagCancellation) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "revtag.retag.sigint"))
        source.setEventHandler { [unowned self] in
            self.count += 1
            if self.count == 1 {
                printError("\nrevtag retag: stopping after the documents in progress (Ctrl-C again to quit now)...")
                cancellation.cancel()
            } else {
                _exit(130)
            }
        }
        source.resume()
    }

    func restore() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// Renders progress events on standard error: a live bar on a terminal, a plain line every
/// few seconds otherwise, nothing when quiet. Failures are always listed.
/// `@unchecked Sendable`: state is only touched under the lock.
private final class ProgressDisplay: @unchecked Sendable {
    enum Mode { case none, bar, lines }

    private let mode: Mode
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drewBar = false
    private var latest: RetagProgress?

    init(mode: Mode) { self.mode = mode }

    func handle(_ event: RetagEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .planned(let found, let unchanged, let resumed, let toRead, let bytes, let run):
            guard mode != .none else { return }
            var line = "revtag retag: \(found) files; \(unchanged) unchanged, \(toRead) to read (\(megabytes(bytes)))"
            if let run, resumed > 0 { line += "; resuming run \(run): \(resumed) already done" }
            write(line + "\n")
        case .failed(let failure):
            clearBar()
            write("revtag retag: \(failure.document): \(failure.reason)\n")
        case .progress(let progress):
            latest = progress
            let now = Date()
            switch mode {
            case .none: return
            case .bar:
                guard now.timeIntervalSince(lastDraw) >= 0.1 || progress.documentsDone == progress.documentsTotal else { return }
                lastDraw = now
                drawBar(progress)
            case .lines:
                guard now.timeIntervalSince(lastDraw) >= 5 else { return }
                if lastDraw == .distantPast {
                    lastDraw = now
                    return
                }
                lastDraw = now
                write("revtag retag: " + describe(progress) + "\n")
            }
        case .committed:
            return
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if mode == .bar, let latest { drawBar(latest) }
        if drewBar { write("\n") }
        drewBar = false
    }

    private func drawBar(_ progress: RetagProgress) {
        let width = 28
        let fraction = progress.documentsTotal > 0 ? Double(progress.documentsDone) / Double(progress.documentsTotal) : 1
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        write("\r\u{1B}[K[\(bar)] " + describe(progress))
        drewBar = true
    }

    private func clearBar() {
        if drewBar { write("\r\u{1B}[K") }
    }

    private func describe(_ progress: RetagProgress) -> String {
        let rate = String(format: "%.1f MB/s", progress.bytesPerSecond / 1_048_576)
        let left = progress.secondsLeft.map { "ETA " + Self.clock($0) } ?? "ETA --:--"
        return "\(progress.documentsDone)/\(progress.documentsTotal) docs  \(rate)  \(left)"
    }

    private func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60) : String(format: "%d:%02d", total / 60, total % 60)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
