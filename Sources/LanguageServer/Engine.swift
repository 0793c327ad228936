import Aggregation
import AnnotationStore
import Foundation
import JSONRPC
import ReviewModel
import ReviewParsing
import Tagging

/// Creates the engine for a configuration: loads and compiles the codebook once.
func makeEngine(codebookPath: String?, storePath: String) throws(EngineError) -> any ReviewEngine {
    let codebook: Codebook
    do {
        codebook = try codebookPath.map { try Codebook.load(path: $0) } ?? Codebook.loadDefault()
    } catch {
        throw EngineError(message: "codebook \(codebookPath ?? "(shipped)"): \(error)")
    }
    let tagger: Tagger
    do {
        tagger = try Tagger(codebook: codebook)
    } catch {
        throw EngineError(message: "codebook \(codebookPath ?? "(shipped)") does not compile: \(error)")
    }
    return RevtagEngine(codebook: codebook, tagger: tagger, store: StoreHandle(path: storePath))
}

/// The store, opened on first use: reading never creates the file; the first decision does.
///
/// `@unchecked Sendable`: `store` is only read and written under `lock`; the store itself is `Sendable`.
final class StoreHandle: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var store: AnnotationStore?

    init(path: String) { self.path = path }

    /// The store if its file exists (opened once), else nil.
    func existing() throws(EngineError) -> AnnotationStore? {
        lock.lock()
        defer { lock.unlock() }
        if let store { return store }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try openLocked()
    }

    /// The store, created when missing.
    func open() throws(EngineError) -> AnnotationStore {
        lock.lock()
        defer { lock.unlock() }
        if let store { return store }
        return try openLocked()
    }

    private func openLocked() throws(EngineError) -> AnnotationStore {
        do {
            let opened = try AnnotationStore(path: path)
            store = opened
            return opened
        } catch {
            throw EngineError(message: "\(error)")
        }
    }
}

/// What the engine keeps between analyses of one document: the document and the tagging cache.
struct EngineState: Sendable {
    var document: ReviewDocument
    var tagging: TaggingCache
}

/// Holds an ``EngineState`` until the next analysis takes it (once).
///
/// `@unchecked Sendable`: `state` is only read and written under `lock`.
final class EngineStateBox: @unchecked Sendable {
    private let lock = NSLock()
    private var state: EngineState?

    init(_ state: EngineState) { self.state = state }

    /// The state, leaving the box empty.
    func take() -> EngineState? {
        lock.lock()
        defer { lock.unlock() }
        let taken = state
        state = nil
        return taken
    }
}

/// The engine over the real parser, tagger, store and aggregation.
struct RevtagEngine: ReviewEngine {
    let codebook: Codebook
    let tagger: Tagger
    let store: StoreHandle
    let reader = DocumentReader()

    var codebookVersion: String { codebook.version }

    func analyze(_ snapshot: DocumentSnapshot, previous: AnalysisCache?) throws(EngineError) -> (ReviewDocument, TaggingResult, AnalysisCache) {
        let started = DispatchTime.now().uptimeNanoseconds
        // Taken out of the previous analysis (which keeps an empty box), so that the cache's
        // arrays have one owner and an edit changes them in place instead of copying them.
        var state = (previous?.state as? EngineStateBox)?.take()
        let previousDocument = state?.document
        var cache = state?.tagging ?? TaggingCache()
        state = nil
        var document: ReviewDocument
        var patched = false
        var changes: [TextEdit] = []
        if let previousDocument, let edits = snapshot.edits,
            let moved = Self.patch(previousDocument, edits: edits, final: snapshot.lines, tagger: tagger, cache: &cache)
        {
            (document, changes) = moved
            patched = true
        } else {
            do {
                // The editor's text is UTF-8 whatever charset the file declares: a byte-order mark
                // makes the reader decode it as such (the mark is not part of the decoded source,
                // so offsets stay those of the editor's text).
                document = try reader.read(bytes: [0xEF, 0xBB, 0xBF] + snapshot.bytes, name: snapshot.name, format: snapshot.format)
            } catch {
                throw EngineError(message: "\(error)")
            }
        }
        let parsed = DispatchTime.now().uptimeNanoseconds
        let result = tagger.tag(document, cache: &cache)
        let tagged = DispatchTime.now().uptimeNanoseconds
        return (
            document, result,
            AnalysisCache(
                state: EngineStateBox(EngineState(document: document, tagging: cache)), retagged: cache.computedBlocks, reused: cache.reusedBlocks,
                parseMilliseconds: Double(parsed - started) / 1e6, tagMilliseconds: Double(tagged - parsed) / 1e6, patched: patched,
                moved: cache.movedResult, swept: cache.sweptBlocks, skippedDiscovery: cache.skippedDiscovery, textChanges: patched ? changes : nil)
        )
    }

    /// The previous document moved through `edits` without parsing (``ReviewDocument/patched(by:source:)``),
    /// with the tagging cache moved along, and the text change of each edit; nil when some edit needs a parse.
    static func patch(
        _ previous: ReviewDocument, edits: [SourceEdit], final: LineIndex, tagger: Tagger, cache: inout TaggingCache
    ) -> (ReviewDocument, [TextEdit])? {
        guard !edits.isEmpty else { return previous.sourceMap.lines.bytes == final.bytes ? (previous, []) : nil }
        var document = previous
        var changes: [TextEdit] = []
        for (index, edit) in edits.enumerated() {
            let source: LineIndex
            if index == edits.count - 1 {
                source = final
            } else {
                var bytes = document.sourceMap.lines.bytes
                guard edit.oldEnd <= bytes.count else { return nil }
                bytes.replaceSubrange(edit.start..<edit.oldEnd, with: edit.replacement)
                source = LineIndex(bytes: bytes)
            }
            guard let (next, change) = document.patched(by: edit, source: source) else { return nil }
            // The tagging cache follows (when it cannot, the next tagging goes block by block).
            tagger.update(&cache, from: document, to: next, change: change)
            document = next
            changes.append(change)
        }
        return (document, changes)
    }
    func label(for tag: TagID) -> String? { codebook.label(for: tag) }

    func definition(for tag: TagID) -> String? { codebook.definition(for: tag) }

    func decisions(document: String, coder: String, text: String, suggested: Set<TagKey>) throws(EngineError) -> [CoderDecision] {
        guard let store = try store.existing() else { return [] }
        let decisions: [Decision]
        do {
            decisions = try store.decisions(document: document, coder: coder)
        } catch {
            if case .unknownDocument = error { return [] }
            throw EngineError(message: "\(error)")
        }
        return decisions.compactMap { decision in
            let status: CoderDecision.Status
            switch decision.status {
            case .confirmed: status = .confirmed
            case .rejected: status = .rejected
            case .added: status = .added
            case .withdrawn: return nil
            }
            // Place the anchor in the text being edited (it may differ from the stored text).
            // Only tags no longer suggested are shown at their anchors, so only those are searched for.
            guard !suggested.contains(decision.key) else {
                return CoderDecision(key: decision.key, status: status, range: nil, quote: decision.anchor?.exact)
            }
            let placed = decision.orphaned ? nil : decision.anchor.flatMap { Anchoring.locate($0, in: text)?.anchor }
            return CoderDecision(key: decision.key, status: status, range: placed?.range, quote: placed?.exact ?? decision.anchor?.exact)
        }
    }

    func record(_ requests: [DecisionRequest], document: ReviewDocument, result: TaggingResult, coder: String) throws(EngineError) {
        let store = try store.open()
        do {
            try recordRunIfChanged(store, document: document, result: result)
            let suggested = Set(result.suggestions.map(\.key))
            for request in requests {
                switch request {
                case .confirm(let key, let range):
                    if suggested.contains(key) {
                        try store.confirm(document: document.name, key: key, coder: coder, origin: .editor)
                    } else {
                        let anchor = range.map { Anchoring.anchor(text: document.text, range: $0) }
                        try store.add(document: document.name, key: key, coder: coder, anchor: anchor, origin: .editor)
                    }
                case .reject(let key):
                    try store.reject(document: document.name, key: key, coder: coder, origin: .editor)
                case .changeSubject(let tag, let from, let to):
                    try store.changeSubject(document: document.name, tag: tag, from: from, to: to, coder: coder, origin: .editor)
                }
            }
        } catch {
            throw EngineError(message: "\(error)")
        }
    }

    /// Records the editor's suggestions as the document's latest run unless the store's
    /// latest run already holds exactly these (so confirm anchors on this text).
    private func recordRunIfChanged(_ store: AnnotationStore, document: ReviewDocument, result: TaggingResult) throws(StoreError) {
        let stored: [StoredSuggestion]
        do {
            stored = try store.latestSuggestions(document: document.name)
        } catch {
            guard case .unknownDocument = error else { throw error }
            stored = []
        }
        let storedSpans = Set(stored.filter { $0.key.tag.facet != Taxonomy.categoryFacet }.flatMap { suggestion in
            suggestion.evidence.map { "\(suggestion.key)|\($0.range.start)|\($0.range.end)" }
        })
        let currentSpans = Set(result.suggestions.flatMap { suggestion in
            suggestion.evidence.map { "\(suggestion.key)|\($0.range.start)|\($0.range.end)" }
        })
        if !stored.isEmpty, storedSpans == currentSpans { return }
        try store.recordSuggestionRun(document: document, result: result, codebookVersion: codebook.version, codebookHash: codebook.hash)
    }

    func aggregate(coder: String?) throws(EngineError) -> JSONValue? {
        do {
            let store = try store.open()
            let records = try store.caseRecords(coder: coder)
            let provenance = AggregateProvenance(codebookVersion: codebook.version, decisions: try store.decisionCount())
            let codebook = self.codebook
            let report = AggregateReport(
                records: records, labels: { codebook.label(for: $0) }, provenance: provenance,
                options: AggregateOptions(coder: coder))
            return try JSONValue.parse(report.json())
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(message: "\(error)")
        }
    }
}
