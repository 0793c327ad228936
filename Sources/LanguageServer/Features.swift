import Foundation
import JSONRPC
import ReviewModel

extension LanguageServer {
    // MARK: - Hover

    /// `textDocument/hover`: label, definition, rule, occurrences and decision status of the
    /// tags whose evidence lies under the position.
    func hover(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        let position = try LSPPosition(json: params?["position"], field: "position")
        guard let analysis = await currentAnalysis(uri) else { return .null }
        try checkCancelled(id)
        let offset = byteRange(LSPRange(start: position, end: position), in: analysis).start
        let here = analysis.findings.filter { $0.status != .rejected && $0.sourceStart <= offset && offset <= $0.sourceEnd }
        guard !here.isEmpty else { return .null }
        let engine = currentEngine()
        var seen: Set<TagKey> = []
        var sections: [String] = []
        for finding in here where seen.insert(finding.key).inserted {
            let label = engine?.label(for: finding.key.tag) ?? finding.key.tag.id
            var lines = ["**\(label)** `\(finding.key.tag)`" + (finding.key.subject.map { " — subject: \($0.rawValue)" } ?? "")]
            if let definition = engine?.definition(for: finding.key.tag), !definition.isEmpty { lines.append(definition) }
            if !finding.rule.isEmpty { lines.append("Rule: `\(finding.rule)` matched “\(finding.quote)”") }
            lines.append("Occurrences in this document: \(finding.occurrences)")
            let status: String
            switch finding.status {
            case .pending: status = "pending (suggested, confidence \(Int((finding.confidence * 100).rounded()))%)"
            case .confirmed: status = finding.rule.isEmpty ? "confirmed (added by hand)" : "confirmed"
            case .rejected: status = "rejected"
            }
            lines.append("Decision: \(status)")
            sections.append(lines.joined(separator: "\n\n"))
        }
        let first = here[0]
        return [
            "contents": ["kind": "markdown", "value": .string(sections.joined(separator: "\n\n---\n\n"))],
            "range": lspRange(first, in: analysis).json,
        ]
    }

    // MARK: - Code actions

    /// `textDocument/codeAction`: confirm, reject and change subject for each pending
    /// suggestion under the range, and confirm or reject all pending in a selection.
    func codeActions(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        let range = try LSPRange(json: params?["range"], field: "range")
        guard let analysis = await currentAnalysis(uri) else { return [] }
        try checkCancelled(id)
        let engine = currentEngine()
        // The findings the client's diagnostics point at (by their data), plus the server's
        // own index by range for clients that do not send `data` back.
        var targets: [Finding] = []
        var seen: Set<TagKey> = []
        let contextDiagnostics = params?["context"]?["diagnostics"]?.arrayValue ?? []
        for diagnostic in contextDiagnostics where diagnostic["source"]?.stringValue == "revtag" {
            guard let data = diagnostic["data"], let tagString = data["tag"]?.stringValue, let tag = TagID(tagString) else { continue }
            let key = TagKey(tag: tag, subject: data["subject"]?.stringValue.flatMap(Subject.init(rawValue:)))
            if let finding = analysis.findings.first(where: { $0.key == key && $0.textRange.start == data["start"]?.intValue }),
                seen.insert(key).inserted
            {
                targets.append(finding)
            }
        }
        let selected = byteRange(range, in: analysis)
        func intersects(_ finding: Finding) -> Bool { finding.sourceStart <= selected.end && selected.start <= finding.sourceEnd }
        for finding in analysis.findings where finding.status == .pending {
            if intersects(finding), seen.insert(finding.key).inserted { targets.append(finding) }
        }
        var actions: [JSONValue] = []
        func diagnosticsFor(_ finding: Finding) -> JSONValue {
            .array(
                contextDiagnostics.filter {
                    $0["code"]?.stringValue == finding.key.tag.description && $0["data"]?["subject"]?.stringValue == finding.key.subject?.rawValue
                })
        }
        func item(_ finding: Finding, subject: Subject?) -> JSONValue {
            var members: [String: JSONValue] = [
                "tag": .string(finding.key.tag.description), "start": .int(finding.textRange.start), "end": .int(finding.textRange.end),
            ]
            if let subject { members["subject"] = .string(subject.rawValue) }
            return .object(members)
        }
        for finding in targets where finding.status == .pending {
            let label = engine?.label(for: finding.key.tag) ?? finding.key.tag.id
            let subjectText = finding.key.subject.map { " (\($0.rawValue))" } ?? ""
            let arguments: JSONValue = ["uri": .string(uri), "items": [item(finding, subject: finding.key.subject)]]
            actions.append([
                "title": .string("Confirm: \(label)\(subjectText)"), "kind": "quickfix", "isPreferred": true,
                "diagnostics": diagnosticsFor(finding),
                "command": ["title": .string("Confirm \(label)"), "command": "revtag.confirm", "arguments": [arguments]],
            ])
            actions.append([
                "title": .string("Reject: \(label)\(subjectText)"), "kind": "quickfix", "diagnostics": diagnosticsFor(finding),
                "command": ["title": .string("Reject \(label)"), "command": "revtag.reject", "arguments": [arguments]],
            ])
            if let current = finding.key.subject {
                for subject in Subject.allCases where subject != current {
                    let change: JSONValue = [
                        "uri": .string(uri), "items": [item(finding, subject: subject)], "replacing": item(finding, subject: current),
                    ]
                    actions.append([
                        "title": .string("Change subject to \(subject.rawValue) and confirm: \(label)"), "kind": "quickfix",
                        "diagnostics": diagnosticsFor(finding),
                        "command": ["title": .string("Change subject"), "command": "revtag.confirm", "arguments": [change]],
                    ])
                }
            }
        }
        // Everything pending in a selection.
        if range.start != range.end {
            var keys: Set<TagKey> = []
            var items: [JSONValue] = []
            for finding in analysis.findings where finding.status == .pending {
                if intersects(finding), keys.insert(finding.key).inserted {
                    items.append(item(finding, subject: finding.key.subject))
                }
            }
            if items.count > 1 {
                let arguments: JSONValue = ["uri": .string(uri), "items": .array(items)]
                actions.append([
                    "title": .string("Confirm all \(items.count) pending suggestions in the selection"), "kind": "quickfix",
                    "command": ["title": "Confirm all", "command": "revtag.confirmAll", "arguments": [arguments]],
                ])
                actions.append([
                    "title": .string("Reject all \(items.count) pending suggestions in the selection"), "kind": "quickfix",
                    "command": ["title": "Reject all", "command": "revtag.rejectAll", "arguments": [arguments]],
                ])
            }
        }
        return .array(actions)
    }

    // MARK: - Commands

    /// `workspace/executeCommand`: records decisions in the store as the coder, then
    /// re-publishes the document's diagnostics.
    func executeCommand(_ params: JSONValue?) async throws(ResponseError) -> JSONValue {
        guard let command = params?["command"]?.stringValue else { throw .invalidParams("command must be a string") }
        guard Self.commands.contains(command) else { throw .invalidParams("unknown command \(command); known: \(Self.commands.joined(separator: ", "))") }
        let arguments = params?["arguments"]?.arrayValue ?? []
        if command == "revtag.status" { return try await statusJSON(arguments.first) }
        guard let argument = arguments.first, case .object = argument else {
            throw .invalidParams("\(command) takes one argument object {uri, items: [{tag, subject?, start?, end?}]}")
        }
        guard let uri = argument["uri"]?.stringValue else { throw .invalidParams("\(command): uri must be a string") }
        guard let rawItems = argument["items"]?.arrayValue, !rawItems.isEmpty else {
            throw .invalidParams("\(command): items must be a non-empty array")
        }
        let confirm = command == "revtag.confirm" || command == "revtag.confirmAll"
        var requests: [DecisionRequest] = []
        func parseItem(_ raw: JSONValue, _ field: String) throws(ResponseError) -> (TagKey, TextRange?) {
            guard let tagString = raw["tag"]?.stringValue, let tag = TagID(tagString) else {
                throw .invalidParams("\(field).tag must be a tag id of the form facet/id")
            }
            var subject: Subject?
            if let rawSubject = raw["subject"], !rawSubject.isNull {
                guard let string = rawSubject.stringValue, let value = Subject(rawValue: string) else {
                    throw .invalidParams("\(field).subject must be one of victim, perpetrator, unknown")
                }
                subject = value
            }
            var range: TextRange?
            if let start = raw["start"]?.intValue, let end = raw["end"]?.intValue, start >= 0, end >= start {
                range = TextRange(start: start, end: end)
            }
            return (TagKey(tag: tag, subject: subject), range)
        }
        var replacing: (TagKey, TextRange?)?
        if let raw = argument["replacing"], !raw.isNull { replacing = try parseItem(raw, "replacing") }
        for (index, raw) in rawItems.enumerated() {
            let (key, range) = try parseItem(raw, "items[\(index)]")
            if let (old, _) = replacing {
                guard old.tag == key.tag, let from = old.subject, let to = key.subject else {
                    throw .invalidParams("replacing must name the same characteristic tag as items[\(index)], with subjects")
                }
                requests.append(.changeSubject(key.tag, from: from, to: to))
            } else {
                requests.append(confirm ? .confirm(key, range: range) : .reject(key))
            }
        }
        guard documents[uri] != nil else { throw ResponseError(code: ErrorCode.requestFailed, message: "\(uri) is not open") }
        guard let analysis = await currentAnalysis(uri), let engine = currentEngine() else {
            throw ResponseError(code: ErrorCode.requestFailed, message: "\(uri) could not be analysed; see the log")
        }
        let textLength = analysis.document.text.utf8.count
        requests = requests.map {
            if case .confirm(let key, let range) = $0, let range, range.end > textLength { return .confirm(key, range: nil) }
            return $0
        }
        do throws(EngineError) {
            try engine.record(requests, document: analysis.document, result: analysis.result, coder: coder)
        } catch {
            throw ResponseError(code: ErrorCode.requestFailed, message: error.message)
        }
        refreshDecisions(uri)
        publish(uri)
        requestDiagnosticRefresh()
        return .null
    }

    private func statusJSON(_ argument: JSONValue?) async throws(ResponseError) -> JSONValue {
        guard let uri = argument?["uri"]?.stringValue else { throw .invalidParams("revtag.status takes {uri}") }
        guard let analysis = await currentAnalysis(uri) else { return .null }
        return counts(analysis)
    }

    func counts(_ analysis: DocumentAnalysis) -> JSONValue {
        var status: [TagKey: Finding.Status] = [:]
        for finding in analysis.findings { status[finding.key] = finding.status }
        for decision in analysis.decisions { status[decision.key] = decision.status == .rejected ? .rejected : .confirmed }
        let values = Array(status.values)
        return [
            "pending": .int(values.filter { $0 == .pending }.count),
            "confirmed": .int(values.filter { $0 == .confirmed }.count),
            "rejected": .int(values.filter { $0 == .rejected }.count),
        ]
    }

    // MARK: - Symbols and lenses

    /// `textDocument/documentSymbol`: the document's sections (headings), nested by level.
    func documentSymbols(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        guard let analysis = await currentAnalysis(uri) else { return [] }
        try checkCancelled(id)
        let document = analysis.document
        let headings = document.blocks.enumerated().filter { $0.element.kind == .heading }
        let textEnd = document.text.utf8.count
        struct Node {
            var level: Int
            var name: String
            var start: Int
            var headingEnd: Int
            var end: Int
            var children: [Node] = []
        }
        var nodes: [Node] = []
        for (position, (_, block)) in headings.enumerated() {
            let level = block.level ?? 1
            var end = textEnd
            for (_, later) in headings.dropFirst(position + 1) where (later.level ?? 1) <= level {
                end = later.range.start
                break
            }
            nodes.append(Node(level: level, name: document.text(of: block), start: block.range.start, headingEnd: block.range.end, end: end))
        }
        // Nest: each heading goes under the nearest preceding heading of a lower level.
        func nest(_ flat: ArraySlice<Node>) -> [Node] {
            var result: [Node] = []
            var index = flat.startIndex
            while index < flat.endIndex {
                var node = flat[index]
                var next = index + 1
                while next < flat.endIndex, flat[next].level > node.level { next += 1 }
                node.children = nest(flat[(index + 1)..<next])
                result.append(node)
                index = next
            }
            return result
        }
        func json(_ node: Node) -> JSONValue {
            var end = node.end
            while end > node.start, end <= textEnd, end > 0, document.text.utf8[document.text.utf8.index(document.text.utf8.startIndex, offsetBy: end - 1)] == 0x0A {
                end -= 1
            }
            let range = LSPRange(start: document.sourceMap.position(ofText: node.start).lsp(encoding), end: document.sourceMap.position(ofText: end).lsp(encoding))
            let selection = LSPRange(
                start: document.sourceMap.position(ofText: node.start).lsp(encoding),
                end: document.sourceMap.position(ofText: node.headingEnd).lsp(encoding))
            return [
                "name": .string(node.name.isEmpty ? "(untitled)" : node.name), "kind": 15, "range": range.json,
                "selectionRange": selection.json, "children": .array(node.children.map(json)),
            ]
        }
        return .array(nest(nodes[...]).map(json))
    }

    /// `textDocument/codeLens`: one lens at the top with the counts of pending, confirmed and rejected tags.
    func codeLenses(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        guard let analysis = await currentAnalysis(uri) else { return [] }
        try checkCancelled(id)
        let counts = counts(analysis)
        let title = "revtag: \(counts["pending"]?.intValue ?? 0) pending · \(counts["confirmed"]?.intValue ?? 0) confirmed · \(counts["rejected"]?.intValue ?? 0) rejected"
        let top = LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0))
        return [["range": top.json, "command": ["title": .string(title), "command": "revtag.status", "arguments": [["uri": .string(uri)]]], "data": counts]]
    }

    // MARK: - Custom requests

    /// `revtag/suggestions`: the `revtag suggest --format jsonl` line of the open document.
    func suggestionsJSON(_ params: JSONValue?, id: RequestID) async throws(ResponseError) -> JSONValue {
        let uri = try documentURI(params)
        guard let analysis = await currentAnalysis(uri) else {
            throw ResponseError(code: ErrorCode.requestFailed, message: "\(uri) is not open or could not be analysed")
        }
        try checkCancelled(id)
        return SuggestJSON.line(analysis.result, document: analysis.document)
    }

    /// `revtag/aggregate`: the aggregate JSON over the store's confirmed decisions.
    func aggregateJSON(_ params: JSONValue?) throws(ResponseError) -> JSONValue {
        guard let engine = currentEngine() else { throw ResponseError(code: ErrorCode.requestFailed, message: engineProblem ?? "no engine") }
        let coderFilter = params?["coder"]?.stringValue
        let json: JSONValue?
        do throws(EngineError) {
            json = try engine.aggregate(coder: coderFilter)
        } catch {
            throw ResponseError(code: ErrorCode.requestFailed, message: error.message)
        }
        guard let json else { throw ResponseError(code: ErrorCode.requestFailed, message: "aggregation is not available in this build") }
        return json
    }
}

/// The suggest JSON of one document, shaped like a line of `revtag suggest --format jsonl`.
enum SuggestJSON {
    static func line(_ result: TaggingResult, document: ReviewDocument) -> JSONValue {
        var members: [String: JSONValue] = ["document": .string(result.document)]
        if let reviewType = result.reviewType {
            members["reviewType"] = ["id": .string(reviewType.id), "evidence": .string(reviewType.evidence)]
        } else {
            members["reviewType"] = .null
        }
        if let category = result.category {
            members["category"] = [
                "id": .string(category.id), "confidence": .double(category.confidence),
                "evidence": .array(category.evidence.map { .string($0) }),
            ]
        } else {
            members["category"] = .null
        }
        members["suggestions"] = .array(
            result.suggestions.map { suggestion in
                var item: [String: JSONValue] = [
                    "tag": .string(suggestion.tag.description), "confidence": .double(suggestion.confidence),
                    "evidence": .array(
                        suggestion.evidence.map {
                            ["text": .string($0.text), "line": .int($0.line), "character": .int($0.character), "rule": .string($0.rule)]
                        }),
                ]
                if let subject = suggestion.subject { item["subject"] = .string(subject.rawValue) }
                return .object(item)
            })
        members["people"] = .array(
            result.people.map { person in
                var item: [String: JSONValue] = ["subject": .string(person.subject.rawValue)]
                if let name = person.name { item["name"] = .string(name) }
                if let gender = person.gender { item["gender"] = .string(gender.rawValue) }
                if let age = person.age {
                    switch age {
                    case .years(let years): item["age"] = .int(years)
                    case .range(let low, let high): item["age"] = ["min": .int(low), "max": .int(high)]
                    }
                }
                if let ethnicity = person.ethnicity { item["ethnicity"] = .string(ethnicity.rawValue) }
                return .object(item)
            })
        return .object(members)
    }
}
