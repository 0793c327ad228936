import AnnotationStore
import Foundation
import JSONRPC
import ReviewModel
import Testing

private func actions(_ client: LSPClient, uri: String, range: JSONValue, diagnostics: [JSONValue]) throws -> [JSONValue] {
    try client.request(
        "textDocument/codeAction",
        ["textDocument": ["uri": .string(uri)], "range": range, "context": ["diagnostics": .array(diagnostics)]]
    ).get().arrayValue ?? []
}

private func run(_ client: LSPClient, _ action: JSONValue) throws {
    let command = try #require(action["command"])
    let result = try client.request("workspace/executeCommand", ["command": command["command"]!, "arguments": command["arguments"]!]).get()
    #expect(result == .null)
}

@Suite("revtag lsp over pipes: code actions write decisions to the store")
struct CodeActionTests {
    @Test("confirm, reject and change subject through code actions; the store holds the decisions; diagnostics change")
    func confirmRejectChangeSubject() throws {
        let (client, uri, published, directory) = try openSample(sampleReview, encoding: "utf-16")
        let diagnostics = published["diagnostics"]?.arrayValue ?? []
        let alcohol = try #require(diagnostics.first { $0["code"] == "characteristic/alcohol-misuse" })
        let subject = try #require(alcohol["data"]?["subject"]?.stringValue)

        let offered = try actions(client, uri: uri, range: alcohol["range"]!, diagnostics: [alcohol])
        let titles = offered.compactMap { $0["title"]?.stringValue }
        #expect(titles.contains { $0.hasPrefix("Confirm:") })
        #expect(titles.contains { $0.hasPrefix("Reject:") })
        #expect(titles.filter { $0.hasPrefix("Change subject to") }.count == 2)
        #expect(offered.allSatisfy { $0["kind"] == "quickfix" })

        // Confirm: the diagnostic becomes a hint marked confirmed, and the store has the decision.
        try run(client, try #require(offered.first { $0["title"]?.stringValue?.hasPrefix("Confirm:") == true }))
        let afterConfirm = try client.diagnostics(uri: uri)["diagnostics"]?.arrayValue ?? []
        let confirmed = afterConfirm.filter { $0["code"] == "characteristic/alcohol-misuse" && $0["data"]?["subject"]?.stringValue == subject }
        #expect(!confirmed.isEmpty)
        #expect(confirmed.allSatisfy { $0["severity"] == 4 && ($0["message"]?.stringValue?.hasPrefix("✓ confirmed") ?? false) })

        let store = try AnnotationStore(path: directory.appendingPathComponent("store.sqlite").path)
        let decisions = try store.decisions(document: "review.txt", coder: "tester")
        let key = TagKey(tag: TagID("characteristic/alcohol-misuse")!, subject: Subject(rawValue: subject))
        #expect(decisions.contains { $0.key == key && $0.status == .confirmed && $0.origin == .editor })

        // Reject another pending suggestion: it disappears.
        let other = try #require(afterConfirm.first { $0["severity"] == 3 })
        let otherKey = "\(other["code"]!.stringValue!)|\(other["data"]?["subject"]?.stringValue ?? "")"
        let rejectAction = try #require(
            try actions(client, uri: uri, range: other["range"]!, diagnostics: [other]).first { $0["title"]?.stringValue?.hasPrefix("Reject:") == true })
        try run(client, rejectAction)
        let afterReject = try client.diagnostics(uri: uri)["diagnostics"]?.arrayValue ?? []
        #expect(!afterReject.contains { "\($0["code"]!.stringValue!)|\($0["data"]?["subject"]?.stringValue ?? "")" == otherKey })
        #expect(try store.decisions(document: "review.txt", coder: "tester").contains { $0.status == .rejected })

        // The code lens counts follow.
        let lens = try client.request("textDocument/codeLens", ["textDocument": ["uri": .string(uri)]]).get()
        #expect(lens[0]?["data"]?["confirmed"]?.intValue ?? 0 >= 1)
        #expect(lens.arrayValue?.first?["data"]?["rejected"] == 1)

        // Hiding confirmed tags through configuration.
        client.notify("workspace/didChangeConfiguration", ["settings": ["revtag": ["showConfirmed": false]]])
        let hidden = try client.diagnostics(uri: uri)["diagnostics"]?.arrayValue ?? []
        #expect(!hidden.contains { $0["severity"] == 4 })
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("change subject rejects the suggested subject and confirms the new one")
    func changeSubject() throws {
        let (client, uri, published, directory) = try openSample(sampleReview, encoding: "utf-8", options: ["coder": "from-options"])
        let characteristic = try #require(
            published["diagnostics"]?.arrayValue?.first { $0["code"]?.stringValue?.hasPrefix("characteristic/") == true })
        let tag = characteristic["code"]!.stringValue!
        let from = characteristic["data"]!["subject"]!.stringValue!
        let change = try #require(
            try actions(client, uri: uri, range: characteristic["range"]!, diagnostics: [characteristic]).first {
                $0["title"]?.stringValue?.hasPrefix("Change subject to") == true
            })
        try run(client, change)
        _ = try client.diagnostics(uri: uri)
        let store = try AnnotationStore(path: directory.appendingPathComponent("store.sqlite").path)
        let decisions = try store.decisions(document: "review.txt", coder: "from-options")
        #expect(decisions.contains { $0.key.tag.description == tag && $0.key.subject?.rawValue == from && $0.status == .rejected })
        #expect(decisions.contains { $0.key.tag.description == tag && $0.key.subject?.rawValue != from && $0.status.isPositive })
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("confirm all pending in a selection, then the aggregate counts the confirmed tags")
    func confirmAllAndAggregate() throws {
        let (client, uri, published, directory) = try openSample(sampleReview, encoding: "utf-16")
        let pending = published["diagnostics"]?.arrayValue ?? []
        let keys = Set(pending.map { "\($0["code"]!.stringValue!)|\($0["data"]?["subject"]?.stringValue ?? "")" })
        #expect(keys.count >= 2)
        let whole: JSONValue = ["start": ["line": 0, "character": 0], "end": ["line": 20, "character": 0]]
        let all = try #require(
            try actions(client, uri: uri, range: whole, diagnostics: []).first { $0["title"]?.stringValue?.hasPrefix("Confirm all") == true })
        #expect(all["title"]?.stringValue == "Confirm all \(keys.count) pending suggestions in the selection")
        try run(client, all)
        let after = try client.diagnostics(uri: uri)["diagnostics"]?.arrayValue ?? []
        #expect(after.allSatisfy { $0["severity"] == 4 })
        let store = try AnnotationStore(path: directory.appendingPathComponent("store.sqlite").path)
        #expect(try store.decisions(document: "review.txt", coder: "tester").filter { $0.status == .confirmed }.count == keys.count)

        let aggregate = try client.request("revtag/aggregate", [:]).get()
        #expect(aggregate["provenance"]?["decisions"]?.intValue == keys.count)
        #expect(aggregate["categories"]?.arrayValue != nil)

        let suggestions = try client.request("revtag/suggestions", ["textDocument": ["uri": .string(uri)]]).get()
        #expect(suggestions["document"] == "review.txt")
        let first = suggestions["suggestions"]?.arrayValue?.first
        #expect(first?["tag"]?.stringValue != nil)
        #expect(first?["evidence"]?[0]?["rule"]?.stringValue != nil)
        #expect(try client.shutdownAndExit() == 0)
    }
}
