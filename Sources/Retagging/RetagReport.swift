import Foundation
import AnnotationStore
import ReviewModel

/// A file that could not be re-tagged, with the reason (the run went on without it).
public struct RetagFailure: Hashable, Sendable, Codable {
    /// The document's name.
    public var document: String
    /// Why: unreadable, binary, too large, malformed, ... (the parser's message names the file).
    public var reason: String

    public init(document: String, reason: String) {
        self.document = document
        self.reason = reason
    }
}

/// A tag whose suggestions changed: the documents where it is now suggested and was not
/// before, and the other way round.
public struct RetagTagChange: Hashable, Sendable, Codable {
    /// The tag and subject, as `facet/id` or `facet/id (subject)`.
    public var tag: String
    public var added: [String]
    public var removed: [String]

    public init(tag: String, added: [String], removed: [String]) {
        self.tag = tag
        self.added = added
        self.removed = removed
    }
}

/// A document whose suggested category changed.
public struct RetagCategoryChange: Hashable, Sendable, Codable {
    public var document: String
    /// The category before (nil when none was suggested).
    public var from: String?
    /// The category now (nil when none is suggested).
    public var to: String?

    public init(document: String, from: String?, to: String?) {
        self.document = document
        self.from = from
        self.to = to
    }
}

/// A suggestion that disagrees with a human decision in force. Listed for review; retag
/// never changes a decision.
public struct RetagConflict: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The tag is suggested now, but a coder rejected it.
        case rejectedButSuggested = "rejected-but-suggested"
        /// A coder confirmed the tag, but it is no longer suggested.
        case confirmedNoLongerSuggested = "confirmed-no-longer-suggested"
    }

    public var document: String
    public var tag: String
    public var kind: Kind
    public var coder: String
    /// The decision's id in the store.
    public var decision: Int64
    /// Whether this run created the disagreement (the previous run agreed with the decision).
    public var new: Bool

    public init(document: String, tag: String, kind: Kind, coder: String, decision: Int64, new: Bool) {
        self.document = document
        self.tag = tag
        self.kind = kind
        self.coder = coder
        self.decision = decision
        self.new = new
    }
}

/// Decisions the store re-anchored because a document's text changed (retag does not
/// change decisions; the store moves anchors with the text, and audits it).
public struct RetagReanchoring: Hashable, Sendable, Codable {
    public var document: String
    public var moved: Int
    public var orphaned: Int
}

/// Counts of what a run did.
public struct RetagCounts: Hashable, Sendable, Codable {
    /// Files found under the paths.
    public var found = 0
    /// Parsed, tagged and (unless a dry run) recorded in this invocation.
    public var processed = 0
    /// Skipped: content and codebook unchanged since the document was last recorded.
    public var unchanged = 0
    /// Recorded by the resumed run before this invocation.
    public var resumed = 0
    /// Failed (see ``RetagReport/failures``).
    public var failed = 0
    /// Bytes read and processed.
    public var bytes: Int64 = 0
}

/// CPU seconds a run spent in each stage, summed over its threads (each thread's own CPU
/// clock, user and system): where the time goes outside parsing and tagging.
public struct RetagStageTimes: Hashable, Sendable, Codable {
    /// Opening and reading files.
    public var read: Double = 0
    /// Hashing their bytes (XXH64) for the incremental check.
    public var hash: Double = 0
    /// Parsing.
    public var parse: Double = 0
    /// Tagging.
    public var tag: Double = 0
    /// Reading the previous run's tags and comparing (the change report).
    public var compare: Double = 0
    /// Preparing rows: hashing the text (SHA-256), anchoring and encoding evidence.
    public var prepare: Double = 0
    /// The writer thread: transactions, report bookkeeping and progress events.
    public var write: Double = 0
    /// Of ``write``, the store's transactions (inserts, WAL writes, checkpoints).
    public var transactions: Double = 0
    /// Looking documents up in the parse cache and loading them (instead of ``parse``).
    public var cacheLoad: Double = 0
    /// Writing parsed documents to the parse cache.
    public var cacheStore: Double = 0
    /// Wall-clock seconds (not CPU), summed over the tagging threads, that they waited for
    /// room in the queue to the writer: the writer was behind and held them up.
    public var workersWaitingForWriter: Double = 0
    /// Wall-clock seconds (not CPU) the writer waited for the next tagged document: it kept up.
    public var writerWaitingForWorkers: Double = 0

    public init() {}

    /// Parsing and tagging.
    public var parseAndTag: Double { parse + tag }
    /// Everything else.
    public var outside: Double { read + hash + cacheLoad + cacheStore + compare + prepare + write }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.read += rhs.read
        sum.hash += rhs.hash
        sum.parse += rhs.parse
        sum.tag += rhs.tag
        sum.compare += rhs.compare
        sum.prepare += rhs.prepare
        sum.write += rhs.write
        sum.transactions += rhs.transactions
        sum.cacheLoad += rhs.cacheLoad
        sum.cacheStore += rhs.cacheStore
        sum.workersWaitingForWriter += rhs.workersWaitingForWriter
        sum.writerWaitingForWorkers += rhs.writerWaitingForWorkers
        return sum
    }
}

/// What the parse cache (``ParseCache``) did in a run.
public struct RetagParseCacheCounts: Hashable, Sendable, Codable {
    /// The cache's folder.
    public var directory: String = ""
    /// Documents loaded from the cache instead of parsed.
    public var hits = 0
    /// Documents parsed: not in the cache, changed since, or their entry was unusable.
    public var parsed = 0
    /// Entries found truncated, damaged or unreadable (the document was parsed and, unless
    /// a dry run, the entry rewritten).
    public var invalid = 0
    /// Entries written.
    public var written = 0
    /// Entries that could not be written (the run went on; those documents are parsed next time).
    public var writeFailures = 0
    /// Bytes of the entries written.
    public var bytesWritten: Int64 = 0
    /// Entries removed at the end of the run because their documents no longer exist.
    public var removed = 0

    public init(directory: String = "") { self.directory = directory }

    mutating func add(_ other: Self) {
        hits += other.hits
        parsed += other.parsed
        invalid += other.invalid
        written += other.written
        writeFailures += other.writeFailures
        bytesWritten += other.bytesWritten
    }

    /// One line for the text and Markdown reports.
    var line: String {
        var text = "parse cache: \(hits) loaded, \(parsed) parsed"
        if invalid > 0 { text += ", \(invalid) damaged entries replaced" }
        text += String(format: ", %d written (%.1f MB)", written, Double(bytesWritten) / 1_048_576)
        if writeFailures > 0 { text += ", \(writeFailures) could not be written" }
        if removed > 0 { text += ", \(removed) of deleted documents removed" }
        return text + " (\(directory); derived data, safe to delete)"
    }
}

/// The outcome of a retag run: counts, and the change report against each document's
/// previous run.
public struct RetagReport: Hashable, Sendable, Codable {
    /// The run written (nil for a dry run, or when nothing needed re-tagging).
    public var run: Int64?
    /// Whether this invocation resumed an unfinished run.
    public var resumedRun: Bool = false
    public var dryRun: Bool
    /// Whether it was stopped before the end (what was done is committed).
    public var interrupted: Bool = false
    public var codebookVersion: String
    public var codebookHash: String
    public var counts = RetagCounts()
    public var seconds: Double = 0
    /// CPU time by stage.
    public var cpu = RetagStageTimes()
    /// What the parse cache did; nil when the run used none.
    public var parseCache: RetagParseCacheCounts?
    /// Documents tagged for the first time (their suggestions are not listed as added).
    public var newDocuments: [String] = []
    public var tagChanges: [RetagTagChange] = []
    public var categoryChanges: [RetagCategoryChange] = []
    public var conflicts: [RetagConflict] = []
    public var failures: [RetagFailure] = []
    public var reanchored: [RetagReanchoring] = []

    /// Whether some files failed.
    public var hasFailures: Bool { !failures.isEmpty }
}

/// How one document's suggestions changed (built on a worker thread).
struct DocumentChange: Sendable {
    var document: String
    var isNew: Bool
    var added: [TagKey]
    var removed: [TagKey]
    var categoryFrom: String?
    var categoryTo: String?
    var conflicts: [RetagConflict]

    /// ``init(document:now:previous:decisions:)`` from the keys in recorded order (the
    /// suggestions', then the category's). When they are the previous run's, in the same
    /// order (the usual case: a codebook change moves few documents), nothing was added or
    /// removed and no set is built unless decisions need one; nor for a new document without
    /// decisions.
    init(document: String, nowInOrder now: [TagKey], previousInOrder previous: [TagKey]?, decisions: [DecisionInForce]) {
        guard let previous, previous == now else {
            if previous == nil, decisions.isEmpty {
                // A new document without decisions (every document of a first run): listed as
                // new, with its category; no set of its keys is built.
                let category = now.lazy.filter { $0.tag.facet == Taxonomy.categoryFacet }.map(\.tag.id).min()
                self.init(document: document, isNew: true, added: [], removed: [], categoryFrom: nil, categoryTo: category, conflicts: [])
                return
            }
            self.init(document: document, now: Set(now), previous: previous.map(Set.init), decisions: decisions)
            return
        }
        let category = now.lazy.filter { $0.tag.facet == Taxonomy.categoryFacet }.map(\.tag.id).min()
        var conflicts: [RetagConflict] = []
        if !decisions.isEmpty {
            let keys = Set(now)
            conflicts = Self.conflicts(document: document, now: keys, before: keys, previousExists: true, decisions: decisions)
        }
        self.init(document: document, isNew: false, added: [], removed: [], categoryFrom: category, categoryTo: category, conflicts: conflicts)
    }

    private init(
        document: String, isNew: Bool, added: [TagKey], removed: [TagKey], categoryFrom: String?, categoryTo: String?,
        conflicts: [RetagConflict]
    ) {
        self.document = document
        self.isNew = isNew
        self.added = added
        self.removed = removed
        self.categoryFrom = categoryFrom
        self.categoryTo = categoryTo
        self.conflicts = conflicts
    }

    /// Compares the suggestion keys of a document's new run with its previous run (nil
    /// when there was none) and with the decisions in force.
    init(document: String, now: Set<TagKey>, previous: Set<TagKey>?, decisions: [DecisionInForce]) {
        self.document = document
        isNew = previous == nil
        let before = previous ?? []
        func category(_ keys: Set<TagKey>) -> String? {
            keys.filter { $0.tag.facet == Taxonomy.categoryFacet }.map(\.tag.id).sorted().first
        }
        categoryFrom = category(before)
        categoryTo = category(now)
        // A new document's report lists it as new, not its tags (no sorting of all its keys).
        added = isNew ? [] : now.subtracting(before).filter { $0.tag.facet != Taxonomy.categoryFacet }.sorted()
        removed = isNew ? [] : before.subtracting(now).filter { $0.tag.facet != Taxonomy.categoryFacet }.sorted()
        conflicts = Self.conflicts(document: document, now: now, before: before, previousExists: previous != nil, decisions: decisions)
    }

    /// The decisions in force that the new suggestions disagree with.
    private static func conflicts(
        document: String, now: Set<TagKey>, before: Set<TagKey>, previousExists: Bool, decisions: [DecisionInForce]
    ) -> [RetagConflict] {
        decisions.compactMap { decision in
            switch decision.status {
            case .rejected where now.contains(decision.key):
                return RetagConflict(
                    document: document, tag: decision.key.description, kind: .rejectedButSuggested, coder: decision.coder,
                    decision: decision.id, new: !before.contains(decision.key))
            case .confirmed where !now.contains(decision.key):
                return RetagConflict(
                    document: document, tag: decision.key.description, kind: .confirmedNoLongerSuggested,
                    coder: decision.coder, decision: decision.id, new: !previousExists || before.contains(decision.key))
            default:
                return nil
            }
        }
    }
}

/// Collects document changes into a report.
struct ReportBuilder {
    var report: RetagReport
    private var added: [String: [String]] = [:]
    private var removed: [String: [String]] = [:]

    init(report: RetagReport) { self.report = report }

    mutating func add(_ change: DocumentChange) {
        if change.isNew {
            report.newDocuments.append(change.document)
        } else {
            for key in change.added { added[key.description, default: []].append(change.document) }
            for key in change.removed { removed[key.description, default: []].append(change.document) }
            if change.categoryFrom != change.categoryTo {
                report.categoryChanges.append(RetagCategoryChange(document: change.document, from: change.categoryFrom, to: change.categoryTo))
            }
        }
        report.conflicts += change.conflicts
    }

    mutating func add(_ reanchor: ReanchorReport, document: String) {
        guard !reanchor.moved.isEmpty || !reanchor.orphaned.isEmpty || !reanchor.recovered.isEmpty else { return }
        report.reanchored.append(RetagReanchoring(
            document: document, moved: reanchor.moved.count + reanchor.recovered.count, orphaned: reanchor.orphaned.count))
    }

    /// The report, every list sorted.
    func finished() -> RetagReport {
        var result = report
        let tags = Set(added.keys).union(removed.keys).sorted()
        result.tagChanges = tags.map {
            RetagTagChange(tag: $0, added: (added[$0] ?? []).sorted(), removed: (removed[$0] ?? []).sorted())
        }
        result.newDocuments.sort()
        result.categoryChanges.sort { $0.document < $1.document }
        result.conflicts.sort { ($0.document, $0.tag, $0.coder, $0.decision) < ($1.document, $1.tag, $1.coder, $1.decision) }
        result.failures.sort { $0.document < $1.document }
        result.reanchored.sort { $0.document < $1.document }
        return result
    }
}

extension RetagReport {
    /// Output formats of the report.
    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown
    }

    /// The report rendered in `format`.
    public func rendered(_ format: Format) -> String {
        switch format {
        case .text: return text()
        case .json: return json()
        case .markdown: return markdown()
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private var headline: String {
        var parts: [String] = []
        if dryRun { parts.append("dry run (nothing written)") } else if let run { parts.append("run \(run)\(resumedRun ? " (resumed)" : "")") } else {
            parts.append("no run recorded (nothing to re-tag)")
        }
        if interrupted { parts.append("INTERRUPTED: run the same command again to finish") }
        parts.append("codebook \(codebookVersion) (\(codebookHash.prefix(12)))")
        return parts.joined(separator: "; ")
    }

    private var countsLine: String {
        let megabytes = Double(counts.bytes) / 1_048_576
        let rate = seconds > 0 ? megabytes / seconds : 0
        return "\(counts.found) files: \(counts.processed) \(dryRun ? "would be re-tagged" : "re-tagged"), \(counts.unchanged) unchanged (skipped), "
            + "\(counts.resumed) done earlier in this run, \(counts.failed) failed; "
            + String(format: "%.1f MB in %.1f s (%.1f MB/s)", megabytes, seconds, rate)
    }

    private func conflictLine(_ conflict: RetagConflict) -> String {
        let what = conflict.kind == .rejectedButSuggested ? "suggested, but rejected by" : "no longer suggested, but confirmed by"
        return "\(conflict.document): \(conflict.tag) \(what) \(conflict.coder) (decision \(conflict.decision))\(conflict.new ? " [new]" : "")"
    }

    /// Plain text for a terminal.
    public func text() -> String {
        var lines = ["retag: " + headline, countsLine]
        if let parseCache, parseCache.hits + parseCache.parsed + parseCache.removed > 0 { lines.append(parseCache.line) }
        if !newDocuments.isEmpty { lines.append("\(newDocuments.count) document(s) tagged for the first time.") }
        lines.append("")
        lines.append("Tag changes (\(tagChanges.count) tag(s)):")
        if tagChanges.isEmpty { lines.append("  none") }
        for change in tagChanges {
            lines.append("  \(change.tag): +\(change.added.count) -\(change.removed.count)")
            for document in change.added { lines.append("    + \(document)") }
            for document in change.removed { lines.append("    - \(document)") }
        }
        lines.append("")
        lines.append("Category changes (\(categoryChanges.count)):")
        if categoryChanges.isEmpty { lines.append("  none") }
        for change in categoryChanges { lines.append("  \(change.document): \(change.from ?? "none") -> \(change.to ?? "none")") }
        lines.append("")
        lines.append("Conflicts with human decisions, for review (never applied) (\(conflicts.count)):")
        if conflicts.isEmpty { lines.append("  none") }
        for conflict in conflicts { lines.append("  " + conflictLine(conflict)) }
        if !reanchored.isEmpty {
            lines.append("")
            lines.append("Text changed; the store re-anchored decisions:")
            for item in reanchored { lines.append("  \(item.document): \(item.moved) moved, \(item.orphaned) orphaned") }
        }
        if !failures.isEmpty {
            lines.append("")
            lines.append("Failed (\(failures.count)), skipped:")
            for failure in failures { lines.append("  \(failure.document): \(failure.reason)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub-flavoured Markdown.
    public func markdown() -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["# Retag report", "", headline, "", countsLine, ""]
        if let parseCache, parseCache.hits + parseCache.parsed + parseCache.removed > 0 { lines += [parseCache.line, ""] }
        if !newDocuments.isEmpty { lines += ["\(newDocuments.count) document(s) tagged for the first time.", ""] }
        lines += ["## Tag changes", ""]
        if tagChanges.isEmpty { lines += ["None.", ""] } else {
            lines += ["| Tag | Added | Removed |", "|---|---|---|"]
            for change in tagChanges {
                lines.append("| `\(cell(change.tag))` | \(cell(change.added.joined(separator: ", "))) | \(cell(change.removed.joined(separator: ", "))) |")
            }
            lines.append("")
        }
        lines += ["## Category changes", ""]
        if categoryChanges.isEmpty { lines += ["None.", ""] } else {
            lines += ["| Document | Before | Now |", "|---|---|---|"]
            for change in categoryChanges { lines.append("| \(cell(change.document)) | \(change.from ?? "none") | \(change.to ?? "none") |") }
            lines.append("")
        }
        lines += ["## Conflicts with human decisions", "", "Listed for review; retag never changes a decision.", ""]
        if conflicts.isEmpty { lines += ["None.", ""] } else {
            lines += ["| Document | Tag | Conflict | Coder | Decision | New |", "|---|---|---|---|---|---|"]
            for conflict in conflicts {
                lines.append(
                    "| \(cell(conflict.document)) | `\(cell(conflict.tag))` | \(conflict.kind.rawValue) | \(cell(conflict.coder)) | \(conflict.decision) | \(conflict.new ? "yes" : "no") |")
            }
            lines.append("")
        }
        if !reanchored.isEmpty {
            lines += ["## Re-anchored decisions", "", "| Document | Moved | Orphaned |", "|---|---|---|"]
            for item in reanchored { lines.append("| \(cell(item.document)) | \(item.moved) | \(item.orphaned) |") }
            lines.append("")
        }
        if !failures.isEmpty {
            lines += ["## Failed files", "", "| Document | Reason |", "|---|---|"]
            for failure in failures { lines.append("| \(cell(failure.document)) | \(cell(failure.reason)) |") }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
