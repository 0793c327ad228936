import Foundation
import JSONRPC
import ReviewModel

/// A coder's decision in force about one (tag, subject) of a document, as the server shows it.
struct CoderDecision: Sendable, Hashable {
    enum Status: String, Sendable {
        case confirmed
        case rejected
        /// Added by hand (shown like a confirmed tag).
        case added
    }

    var key: TagKey
    var status: Status
    /// Where the decision is anchored in the document's text, when it is.
    var range: TextRange?
    /// The anchor's quote.
    var quote: String?
}

/// What a code action asks the store to record.
enum DecisionRequest: Sendable, Hashable {
    /// Confirm a tag (added by hand when it is not suggested), anchored on `range` when given.
    case confirm(TagKey, range: TextRange?)
    /// Reject a tag.
    case reject(TagKey)
    /// The subject of a suggested characteristic was wrong: reject (tag, from), confirm (tag, to).
    case changeSubject(TagID, from: Subject, to: Subject)
}

/// Why the engine could not analyse a document or record a decision.
struct EngineError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The library calls the server needs: parse, tag, labels, and the store. One value per
/// configuration (codebook and store paths), shared by all analyses.
protocol ReviewEngine: Sendable {
    /// The codebook's version (for provenance).
    var codebookVersion: String { get }
    /// Parses and tags a document's text, reusing work from the previous analysis of the
    /// same document where its blocks did not change.
    func analyze(_ snapshot: DocumentSnapshot, previous: AnalysisCache?) throws(EngineError) -> (ReviewDocument, TaggingResult, AnalysisCache)
    /// A tag's label.
    func label(for tag: TagID) -> String?
    /// A tag's definition.
    func definition(for tag: TagID) -> String?
    /// The coder's decisions in force for a document. Anchors of tags not in `suggested` are
    /// placed in `text` (the document's current normalised text; nil when not found there).
    func decisions(document: String, coder: String, text: String, suggested: Set<TagKey>) throws(EngineError) -> [CoderDecision]
    /// Records decisions for a document whose text and suggestions are `document` and
    /// `result` (recorded as the latest suggestion run first when the store's differ).
    func record(_ requests: [DecisionRequest], document: ReviewDocument, result: TaggingResult, coder: String) throws(EngineError)
    /// The aggregate JSON over confirmed decisions, or nil when aggregation is not available.
    func aggregate(coder: String?) throws(EngineError) -> JSONValue?
}

/// The text of an open document at one version.
struct DocumentSnapshot: Sendable {
    var uri: String
    var name: String
    var format: DocumentFormat
    var version: Int
    /// The text's line index (holding its bytes).
    var lines: LineIndex
    /// The edits since the text of the previous analysis (whose cache is passed along), in
    /// order; nil when unknown (then the text is parsed afresh).
    var edits: [SourceEdit]? = nil
    /// The document's edit sequence number at this text.
    var sequence = 0

    /// The text's bytes.
    var bytes: [UInt8] { lines.bytes }
}

/// Per-block results kept between analyses of one document (the engine decides what goes in).
struct AnalysisCache: Sendable {
    /// Opaque per-engine state.
    var state: (any Sendable)?
    /// How many blocks the last analysis re-tagged and how many it took from the cache.
    var retagged = 0
    var reused = 0
    /// Milliseconds spent parsing and tagging in the last analysis.
    var parseMilliseconds = 0.0
    var tagMilliseconds = 0.0
    /// Whether the last analysis patched the previous document instead of parsing.
    var patched = false
    /// Whether it moved the previous tagging result along an inert edit instead of tagging.
    var moved = false
    /// Blocks the tagger's sweep went through, and whether people discovery was skipped.
    var swept = 0
    var skippedDiscovery = false
    /// Milliseconds spent reading decisions and placing findings.
    var findingsMilliseconds = 0.0
    /// CPU milliseconds of the whole analysis (its thread's time: what it costs on an idle machine).
    var cpuMilliseconds = 0.0
    /// The text change of each edit when the document was patched (in order), else nil.
    var textChanges: [TextEdit]?
}

/// One suggestion evidence span or anchored decision, placed on the source text.
struct Finding: Sendable, Hashable {
    enum Status: String, Sendable {
        case pending
        case confirmed
        case rejected
    }

    var key: TagKey
    var status: Status
    var confidence: Double
    /// The matched text.
    var quote: String
    /// The rule that matched ("" for a decision added by hand).
    var rule: String
    /// The span in the document's normalised text.
    var textRange: TextRange
    /// The span in the source (the editor's text), UTF-8 byte offsets.
    var sourceStart: Int
    var sourceEnd: Int
    /// How many evidence spans the (tag, subject) has in the document.
    var occurrences: Int
}

/// The result of analysing one version of an open document.
struct DocumentAnalysis: Sendable {
    var version: Int
    /// The document's edit sequence number at the analysed text.
    var sequence = 0
    var document: ReviewDocument
    var result: TaggingResult
    var decisions: [CoderDecision]
    /// Every finding, in document order (rejected ones included; they are not shown).
    var findings: [Finding]
    var cache: AnalysisCache
    /// Wall time of parse and tag, in milliseconds.
    var milliseconds: Double

    /// The status of a (tag, subject) given the decisions.
    static func status(of key: TagKey, in decisions: [CoderDecision]) -> Finding.Status {
        guard let decision = decisions.last(where: { $0.key == key }) else { return .pending }
        return decision.status == .rejected ? .rejected : .confirmed
    }

    /// Findings moved through edits that overlap none of them (inert edits): each text change
    /// and its source edit shift what follows them.
    static func moved(_ findings: [Finding], text changes: [TextEdit], source edits: [SourceEdit]) -> [Finding] {
        var findings = findings
        for (change, edit) in zip(changes, edits) {
            let textEnd = change.start + change.oldLength
            for index in findings.indices {
                if findings[index].textRange.start >= textEnd {
                    findings[index].textRange = TextRange(
                        start: findings[index].textRange.start + change.delta, end: findings[index].textRange.end + change.delta)
                }
                if findings[index].sourceStart >= edit.oldEnd { findings[index].sourceStart += edit.delta }
                if findings[index].sourceEnd >= edit.oldEnd { findings[index].sourceEnd += edit.delta }
            }
        }
        return findings
    }

    /// Builds the findings of a tagging result and the coder's decisions.
    static func findings(document: ReviewDocument, result: TaggingResult, decisions: [CoderDecision]) -> [Finding] {
        // Every finding's place first (suggestion and evidence index, or decision), sorted into
        // document order (stable: suggestions keep their tag order at equal starts, decisions
        // come after them); then each finding is built once, in that order.
        var places: [(start: Int, order: Int, suggestion: Int32, item: Int32)] = []
        places.reserveCapacity(result.suggestions.reduce(0) { $0 + $1.evidence.count })
        var suggested: Set<TagKey> = []
        for (index, suggestion) in result.suggestions.enumerated() {
            suggested.insert(suggestion.key)
            for (item, evidence) in suggestion.evidence.enumerated() {
                places.append((evidence.range.start, places.count, Int32(index), Int32(item)))
            }
        }
        // Confirmed or added tags that are not (or no longer) suggested, at their anchors.
        let textLength = document.text.utf8.count
        for (index, decision) in decisions.enumerated() where decision.status != .rejected && !suggested.contains(decision.key) {
            guard let range = decision.range, range.end <= textLength else { continue }
            places.append((range.start, places.count, -1, Int32(index)))
        }
        places.sort { ($0.start, $0.order) < ($1.start, $1.order) }
        var statuses: [Finding.Status] = []
        statuses.reserveCapacity(result.suggestions.count)
        for suggestion in result.suggestions { statuses.append(status(of: suggestion.key, in: decisions)) }
        var findings: [Finding] = []
        findings.reserveCapacity(places.count)
        for place in places {
            if place.suggestion >= 0 {
                let suggestion = result.suggestions[Int(place.suggestion)]
                let evidence = suggestion.evidence[Int(place.item)]
                findings.append(
                    Finding(
                        key: suggestion.key, status: statuses[Int(place.suggestion)], confidence: suggestion.confidence, quote: evidence.text,
                        rule: evidence.rule, textRange: evidence.range,
                        sourceStart: document.sourceMap.sourceOffset(ofText: evidence.range.start),
                        sourceEnd: document.sourceMap.sourceOffset(ofText: evidence.range.end), occurrences: suggestion.evidence.count))
            } else {
                let decision = decisions[Int(place.item)]
                let range = decision.range!
                findings.append(
                    Finding(
                        key: decision.key, status: .confirmed, confidence: 1, quote: decision.quote ?? document.substring(range),
                        rule: "", textRange: range, sourceStart: document.sourceMap.sourceOffset(ofText: range.start),
                        sourceEnd: document.sourceMap.sourceOffset(ofText: range.end), occurrences: 1))
            }
        }
        return findings
    }
}

extension LanguageServer {
    // MARK: - Scheduling

    /// The engine for the current configuration, created on first use; nil (with a message
    /// shown once) when the codebook or store cannot be opened.
    func currentEngine() -> (any ReviewEngine)? {
        if let engine { return engine }
        if engineProblem != nil { return nil }
        do throws(EngineError) {
            engine = try makeEngine(codebookPath: codebookPath, storePath: storePath)
            return engine
        } catch {
            engineProblem = error.message
            show(.error, "revtag cannot analyse documents: \(error.message)")
            return nil
        }
    }

    /// Starts analysing `uri` unless an analysis is already running (which, when it ends on
    /// an older version, starts the next one on the latest text).
    func scheduleAnalysis(_ uri: String) {
        guard analysisTasks[uri] == nil, state == .running, let document = documents[uri] else { return }
        guard let engine = currentEngine() else { return }
        let previousAnalysis = analyses[uri]
        let snapshot = DocumentSnapshot(
            uri: uri, name: document.name, format: document.format, version: document.version, lines: document.lines,
            edits: previousAnalysis.flatMap { document.edits(since: $0.sequence) }, sequence: document.sequence)
        let previous = previousAnalysis?.cache
        let previousFindings = previousAnalysis?.findings
        let previousDecisions = previousAnalysis?.decisions
        let coder = self.coder
        analysisTasks[uri] = Task.detached(priority: .userInitiated) { [weak self] in
            let started = DispatchTime.now().uptimeNanoseconds
            let cpuStarted = Self.threadCPUNanoseconds()
            let outcome: Result<DocumentAnalysis, EngineError>
            do throws(EngineError) {
                var (document, result, cache) = try engine.analyze(snapshot, previous: previous)
                let analysed = DispatchTime.now().uptimeNanoseconds
                let decisions =
                    (try? engine.decisions(
                        document: snapshot.name, coder: coder, text: document.text, suggested: Set(result.suggestions.map(\.key)))) ?? []
                let findings: [Finding]
                if cache.moved, let previousFindings, decisions == previousDecisions, !decisions.contains(where: { $0.range != nil }),
                    let changes = cache.textChanges, let edits = snapshot.edits, changes.count == edits.count
                {
                    // An inert edit moved the result: the findings move the same way (same order, same texts).
                    findings = DocumentAnalysis.moved(previousFindings, text: changes, source: edits)
                } else {
                    findings = DocumentAnalysis.findings(document: document, result: result, decisions: decisions)
                }
                let finished = DispatchTime.now().uptimeNanoseconds
                cache.findingsMilliseconds = Double(finished - analysed) / 1e6
                cache.cpuMilliseconds = Double(Self.threadCPUNanoseconds() - cpuStarted) / 1e6
                let elapsed = Double(finished - started) / 1e6
                outcome = .success(
                    DocumentAnalysis(
                        version: snapshot.version, sequence: snapshot.sequence, document: document, result: result, decisions: decisions, findings: findings,
                        cache: cache, milliseconds: elapsed))
            } catch {
                outcome = .failure(error)
            }
            await self?.finishAnalysis(uri, version: snapshot.version, outcome: outcome)
        }
    }

    private func finishAnalysis(_ uri: String, version: Int, outcome: Result<DocumentAnalysis, EngineError>) {
        analysisTasks[uri] = nil
        guard let document = documents[uri] else { return }  // closed meanwhile
        let current = version == document.version
        switch outcome {
        case .success(let analysis):
            analyses[uri] = analysis
            documents[uri]?.forgetEdits(through: analysis.sequence)
            // A moved result (an inert edit) says nothing of how long the next edit will take.
            if !analysis.cache.moved || lastAnalysisMilliseconds[uri] == nil { lastAnalysisMilliseconds[uri] = analysis.milliseconds }
            if current { placedFindings[uri] = analysis.findings }
            let started = DispatchTime.now().uptimeNanoseconds
            let cpuStarted = Self.threadCPUNanoseconds()
            if current { publish(uri) }  // a superseded version is never published
            let published = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            let publishedCPU = Double(Self.threadCPUNanoseconds() - cpuStarted) / 1e6
            log(
                .info,
                "\(document.name) v\(version): \(Self.ms(analysis.milliseconds)) ms, cpu \(Self.ms(analysis.cache.cpuMilliseconds)) ms (\(analysis.cache.patched ? "patch" : "parse") \(Self.ms(analysis.cache.parseMilliseconds)), "
                    + "tag \(Self.ms(analysis.cache.tagMilliseconds)): " + (analysis.cache.moved ? "inert edit, result moved), " : "\(analysis.cache.retagged) blocks tagged, \(analysis.cache.reused) reused, \(analysis.cache.swept) swept\(analysis.cache.skippedDiscovery ? ", discovery skipped" : "")), ")
                    + "\(analysis.findings.count) findings in \(Self.ms(analysis.cache.findingsMilliseconds)) ms, " + (current ? "published in \(Self.ms(published)) ms (cpu \(Self.ms(publishedCPU)))" : "superseded"))
        case .failure(let error):
            log(.warning, "\(document.name): \(error.message)")
            if current { failedVersions[uri] = version }
        }
        if !current { scheduleAnalysis(uri) }
    }

    private static func ms(_ value: Double) -> String { String(format: "%.1f", value) }

    /// The calling thread's CPU time (an analysis runs on one thread: it has no suspension point).
    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The analysis of the document's current version, waiting for it when needed; nil when
    /// the document is not open or cannot be analysed.
    func currentAnalysis(_ uri: String) async -> DocumentAnalysis? {
        for _ in 0..<100 {
            guard let document = documents[uri] else { return nil }
            if let analysis = analyses[uri], analysis.version == document.version { return analysis }
            if failedVersions[uri] == document.version { return nil }
            if analysisTasks[uri] == nil { scheduleAnalysis(uri) }
            guard let task = analysisTasks[uri] else { return nil }
            await task.value
        }
        return nil
    }

    /// Re-reads the coder's decisions for an analysed document and rebuilds its findings.
    func refreshDecisions(_ uri: String) {
        guard var analysis = analyses[uri], let engine = currentEngine(), let document = documents[uri] else { return }
        analysis.decisions =
            (try? engine.decisions(
                document: document.name, coder: coder, text: analysis.document.text,
                suggested: Set(analysis.result.suggestions.map(\.key)))) ?? analysis.decisions
        analysis.findings = DocumentAnalysis.findings(document: analysis.document, result: analysis.result, decisions: analysis.decisions)
        analyses[uri] = analysis
        if analysis.version == document.version { placedFindings[uri] = analysis.findings }
        diagnosticsGeneration += 1
    }

    // MARK: - Diagnostics

    /// The findings shown as diagnostics: rejected ones hidden, confirmed ones unless turned
    /// off, pending ranked by confidence, then capped; returned in document order.
    func shownFindings(_ findings: [Finding]) -> [Finding] {
        var shown: [Int] = []
        shown.reserveCapacity(findings.count)
        for (index, finding) in findings.enumerated() {
            switch finding.status {
            case .pending: shown.append(index)
            case .confirmed: if configuration.showConfirmed { shown.append(index) }
            case .rejected: break
            }
        }
        if shown.count > configuration.maxDiagnostics {
            // Keep the best-ranked: pending before confirmed, then by confidence, then document
            // order. Confidences take few values: the findings are grouped by rank (each group
            // in document order, as `shown` is) and whole groups taken best first.
            struct Rank: Hashable {
                var confirmed: Bool
                var confidence: Double
            }
            var groups: [Rank: [Int]] = [:]
            for index in shown {
                groups[Rank(confirmed: findings[index].status != .pending, confidence: findings[index].confidence), default: []].append(index)
            }
            var kept: [Int] = []
            kept.reserveCapacity(configuration.maxDiagnostics)
            for rank in groups.keys.sorted(by: { ($0.confirmed ? 1 : 0, -$0.confidence) < ($1.confirmed ? 1 : 0, -$1.confidence) }) {
                kept.append(contentsOf: groups[rank]!.prefix(configuration.maxDiagnostics - kept.count))
                if kept.count == configuration.maxDiagnostics { break }
            }
            shown = kept.sorted()
        }
        return shown.map { findings[$0] }
    }

    /// The LSP range of a finding in the negotiated encoding.
    func lspRange(_ finding: Finding, in analysis: DocumentAnalysis) -> LSPRange {
        let lines = analysis.document.sourceMap.lines
        return LSPRange(start: lines.position(ofByte: finding.sourceStart).lsp(encoding), end: lines.position(ofByte: finding.sourceEnd).lsp(encoding))
    }

    /// The source byte offsets an LSP range of the client's text covers.
    func byteRange(_ range: LSPRange, in analysis: DocumentAnalysis) -> (start: Int, end: Int) {
        let lines = analysis.document.sourceMap.lines
        return (lines.byteOffset(of: range.start, encoding: encoding), lines.byteOffset(of: range.end, encoding: encoding))
    }

    /// The diagnostics of an analysis as a JSON array, encoded by hand (this runs on every keystroke).
    func diagnosticsJSON(_ analysis: DocumentAnalysis, uri: String) -> JSONValue {
        diagnosticsJSON(analysis.findings, lines: analysis.document.sourceMap.lines, version: analysis.version, uri: uri)
    }

    /// The diagnostics of findings placed on the text that `lines` indexes.
    func diagnosticsJSON(_ findings: [Finding], lines: LineIndex, version: Int, uri: String) -> JSONValue {
        let engine = currentEngine()
        let shown = shownFindings(findings)
        let positions = lines.positions(ofBytes: shown.flatMap { [$0.sourceStart, $0.sourceEnd] })
        var labels: [TagID: String] = [:]
        var out: [UInt8] = []
        out.reserveCapacity(shown.count * 400 + 2)
        func key(_ name: String) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ value: String) { JSONValue.writeString(value, to: &out) }
        func int(_ value: Int) { out.append(contentsOf: String(value).utf8) }
        func comma() { out.append(UInt8(ascii: ",")) }
        func position(_ position: SourcePosition) {
            let lsp = position.lsp(encoding)
            out.append(contentsOf: #"{"character":"#.utf8)
            int(lsp.character)
            out.append(contentsOf: #","line":"#.utf8)
            int(lsp.line)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "["))
        for (index, finding) in shown.enumerated() {
            if index > 0 { comma() }
            let tag = finding.key.tag
            let label: String
            if let known = labels[tag] {
                label = known
            } else {
                label = engine?.label(for: tag) ?? tag.id
                labels[tag] = label
            }
            let subject = finding.key.subject.map { " — \($0.rawValue)" } ?? ""
            let message: String
            switch finding.status {
            case .confirmed: message = "\(configuration.confirmedMark) \(label)\(subject)"
            default: message = "\(label)\(subject) (suggested, \(Int((finding.confidence * 100).rounded()))%)"
            }
            out.append(UInt8(ascii: "{"))
            key("code"); string(tag.description); comma()
            key("data"); out.append(UInt8(ascii: "{"))
            key("end"); int(finding.textRange.end); comma()
            key("quote"); string(finding.quote); comma()
            key("rule"); string(finding.rule); comma()
            key("start"); int(finding.textRange.start); comma()
            key("status"); string(finding.status.rawValue); comma()
            if let subject = finding.key.subject { key("subject"); string(subject.rawValue); comma() }
            key("tag"); string(tag.description); comma()
            key("uri"); string(uri); comma()
            key("version"); int(version)
            out.append(UInt8(ascii: "}")); comma()
            key("message"); string(message); comma()
            key("range"); out.append(contentsOf: #"{"end":"#.utf8); position(positions[2 * index + 1])
            out.append(contentsOf: #","start":"#.utf8); position(positions[2 * index]); out.append(UInt8(ascii: "}")); comma()
            key("severity"); int(finding.status == .confirmed ? 4 : 3); comma()
            key("source"); string("revtag")
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return .encoded(out)
    }

    /// Moves the findings of the previous text onto the text after `edits` (byte edits applied
    /// in order): findings after an edit shift, findings that overlap one are dropped.
    static func shift(_ findings: [Finding], by edits: [OpenDocument.ByteEdit]) -> [Finding] {
        var result = findings
        for edit in edits {
            let delta = edit.newLength - (edit.oldEnd - edit.start)
            result = result.compactMap { finding in
                if finding.sourceEnd <= edit.start { return finding }
                guard finding.sourceStart >= edit.oldEnd else { return nil }
                var moved = finding
                moved.sourceStart += delta
                moved.sourceEnd += delta
                return moved
            }
        }
        return result
    }

    /// Publishes the last findings moved onto the current text at once (marked
    /// `"provisional": true`), for documents whose analysis takes long; the exact diagnostics
    /// of this version follow when its analysis ends.
    func publishProvisional(_ uri: String) {
        guard !clientPullsDiagnostics, let document = documents[uri], let placed = placedFindings[uri] else { return }
        let params: JSONValue = [
            "uri": .string(uri), "version": .int(document.version), "provisional": true,
            "diagnostics": diagnosticsJSON(placed, lines: document.lines, version: document.version, uri: uri),
        ]
        send(.notification(method: "textDocument/publishDiagnostics", params: params))
    }

    /// Pushes the current diagnostics of `uri` (`textDocument/publishDiagnostics`, with the version).
    func publish(_ uri: String) {
        guard !clientPullsDiagnostics else { return }
        guard let analysis = analyses[uri], let document = documents[uri], analysis.version == document.version else { return }
        let params: JSONValue = [
            "uri": .string(uri), "version": .int(analysis.version), "diagnostics": diagnosticsJSON(analysis, uri: uri),
        ]
        send(.notification(method: "textDocument/publishDiagnostics", params: params))
    }

    /// `textDocument/diagnostic`: the same diagnostics as pushed, with `unchanged` reports.
    func pullDiagnostics(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        guard let analysis = await currentAnalysis(uri) else { return ["kind": "full", "items": []] }
        try checkCancelled(id)
        let resultID = "\(analysis.version)-\(diagnosticsGeneration)"
        if params?["previousResultId"]?.stringValue == resultID { return ["kind": "unchanged", "resultId": .string(resultID)] }
        return ["kind": "full", "resultId": .string(resultID), "items": diagnosticsJSON(analysis, uri: uri)]
    }

    /// The `textDocument.uri` of request parameters.
    func documentURI(_ params: JSONValue?) throws(ResponseError) -> String {
        guard let params, case .object = params else { throw .invalidParams("params must be an object") }
        guard let identifier = params["textDocument"], case .object = identifier else { throw .invalidParams("textDocument must be an object") }
        guard let uri = identifier["uri"]?.stringValue else { throw .invalidParams("textDocument.uri must be a string") }
        return uri
    }
}
