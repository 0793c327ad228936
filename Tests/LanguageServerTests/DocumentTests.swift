import Foundation
import JSONRPC
import TestSupport
import Testing

/// A fictional review excerpt with é, ’ and emoji before the phrases the codebook matches,
/// and one CRLF line ending.
let sampleReview = """
    Domestic Homicide Review: the death of Adult A

    The victim, Adult A (known as ‘Renée’ 🙂 in this report), lived with her husband in a flat above a café. The perpetrator, her husband, is referred to as Mr B.

    Mr B 🙂🙂 had been drinking heavily for years and had a long history of alcohol misuse.\r
    Renée told her GP that Mr B was controlling and that she was experiencing domestic abuse; é 🙂 he had threatened to kill her with a knife.

    There was no evidence that Adult A misused drugs.

    """

func temporaryDirectory() throws -> URL {
    try TestPaths.scratchDirectory("revtag-lsp")
}

/// Opens `text` as a plain-text document and returns the client, its URI and the first diagnostics.
func openSample(
    _ text: String, encoding: String, name: String = "review.txt", languageId: String = "plaintext", pull: Bool = false,
    directory: URL? = nil, options: JSONValue? = nil
) throws -> (LSPClient, String, JSONValue, URL) {
    let directory = try directory ?? temporaryDirectory()
    let client = try LSPClient(
        arguments: ["--store", directory.appendingPathComponent("store.sqlite").path], environment: ["REVTAG_CODER": "tester"],
        directory: directory)
    try client.initialize(
        positionEncodings: encoding == "utf-8" ? ["utf-8", "utf-16"] : ["utf-16"], rootURI: "file://\(directory.path)",
        options: options, pull: pull)
    let uri = "file://\(directory.appendingPathComponent(name).path)"
    client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": .string(languageId), "version": 1, "text": .string(text)]])
    let published = pull ? .null : try client.diagnostics(uri: uri, version: 1)
    return (client, uri, published, directory)
}

/// Checks that every diagnostic covers exactly its evidence quote in `model`; returns the diagnostics.
@discardableResult
func expectExactRanges(_ params: JSONValue, _ model: TextModel, sourceLocation: SourceLocation = #_sourceLocation) -> [JSONValue] {
    let diagnostics = params["diagnostics"]?.arrayValue ?? params["items"]?.arrayValue ?? []
    for diagnostic in diagnostics {
        let quote = diagnostic["data"]?["quote"]?.stringValue
        #expect(quote != nil, sourceLocation: sourceLocation)
        #expect(model.substring(diagnostic["range"]) == quote, "range \(diagnostic["range"]?.jsonString ?? "-")", sourceLocation: sourceLocation)
    }
    return diagnostics
}

@Suite("revtag lsp over pipes: diagnostics, edits, actions")
struct DocumentTests {
    @Test("diagnostics carry code, severity, source, label and subject, with exact ranges on non-ASCII lines", arguments: ["utf-16", "utf-8"])
    func diagnosticsExactRanges(encoding: String) throws {
        let (client, _, published, _) = try openSample(sampleReview, encoding: encoding)
        let model = TextModel(text: sampleReview, encoding: encoding)
        let diagnostics = expectExactRanges(published, model)
        #expect(diagnostics.count >= 3)
        let codes = Set(diagnostics.compactMap { $0["code"]?.stringValue })
        #expect(codes.contains("characteristic/alcohol-misuse"))
        #expect(codes.contains("weapon/knife"))
        for diagnostic in diagnostics {
            #expect(diagnostic["source"] == "revtag")
            #expect(diagnostic["severity"] == 3)
            #expect(diagnostic["code"] == diagnostic["data"]?["tag"])
            if let code = diagnostic["code"]?.stringValue, code.hasPrefix("characteristic/") {
                let subject = diagnostic["data"]?["subject"]?.stringValue
                #expect(subject != nil)
                #expect(diagnostic["message"]?.stringValue?.contains(subject ?? "?") == true)
            }
        }
        // Diagnostics on the lines where emoji and curly quotes come first: the columns differ by encoding.
        let emojiLine = diagnostics.filter { $0["range"]?["start"]?["line"] == 4 }
        #expect(!emojiLine.isEmpty)
        // "No evidence that Adult A misused drugs" is negated: no drug-misuse diagnostic on that line.
        #expect(!diagnostics.contains { $0["range"]?["start"]?["line"] == 7 && ($0["code"]?.stringValue?.contains("drug") ?? false) })
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("HTML that declares another charset is read as the editor's UTF-8 text; ranges exact in both encodings", arguments: ["utf-16", "utf-8"])
    func htmlRanges(encoding: String) throws {
        let html = """
            <!DOCTYPE html>
            <html><head><meta charset="windows-1252"><title>Domestic Homicide Review: the death of Adult A</title></head>
            <body><h1>Domestic Homicide Review: the death of Adult A</h1>
            <p>The victim, Adult A (known as ‘Renée’ 🙂 in this report), lived with her husband in a flat above a café.
            The perpetrator, her husband, is referred to as Mr B.</p>
            <p>Mr B 🙂🙂 had been drinking heavily for years and had a long history of alcohol misuse. é 🙂 He had
            threatened to kill her with a knife.</p>
            </body></html>

            """
        let (client, _, published, _) = try openSample(html, encoding: encoding, name: "review.html", languageId: "html")
        let diagnostics = expectExactRanges(published, TextModel(text: html, encoding: encoding))
        #expect(diagnostics.contains { $0["code"] == "characteristic/alcohol-misuse" })
        #expect(diagnostics.contains { $0["code"] == "weapon/knife" && $0["range"]?["start"]?["line"] == 6 })
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("incremental edits that move text, several changes in one notification, and a full replacement", arguments: ["utf-16", "utf-8"])
    func incrementalEdits(encoding: String) throws {
        let (client, uri, published, _) = try openSample(sampleReview, encoding: encoding)
        var model = TextModel(text: sampleReview, encoding: encoding)
        let before = expectExactRanges(published, model)
        let alcoholLine = before.first { $0["code"] == "characteristic/alcohol-misuse" }?["range"]?["start"]?["line"]?.intValue

        // One notification, three changes, each against the text the previous one left:
        // a new line with emoji at the top, words inserted before "drinking" on its (moved)
        // line, then a deletion whose position is only right in the text after both edits.
        var changes: [JSONValue] = []
        func change(_ range: JSONValue, _ text: String) {
            model.apply(range: range, text: text)
            changes.append(["range": range, "text": .string(text)])
        }
        let top = model.position(of: "Domestic")!
        change(["start": top, "end": top], "Zq 🙂 é’\n\n")
        let lineStart = model.position(of: "Mr B 🙂🙂 had")!
        change(["start": lineStart, "end": lineStart], "🙂🙂 Zx Zq ")
        let extra = model.position(of: "Zx ")!
        let extraEnd: JSONValue = ["line": extra["line"]!, "character": .int(extra["character"]!.intValue! + 3)]
        change(["start": extra, "end": extraEnd], "")
        #expect(model.text.contains("🙂🙂 Zq Mr B 🙂🙂 had been drinking"))
        client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 2], "contentChanges": .array(changes)])
        let after = expectExactRanges(try client.diagnostics(uri: uri, version: 2), model)
        // The findings of the edited line moved down two lines, with the same codes and quotes.
        func onLine(_ diagnostics: [JSONValue], _ line: Int?) -> [String] {
            diagnostics.filter { $0["range"]?["start"]?["line"]?.intValue == line }
                .map { "\($0["code"]?.stringValue ?? "")|\($0["data"]?["quote"]?.stringValue ?? "")" }.sorted()
        }
        #expect(alcoholLine != nil)
        #expect(!onLine(before, alcoholLine).isEmpty)
        #expect(onLine(after, alcoholLine.map { $0 + 2 }) == onLine(before, alcoholLine))

        // A full-text change (no range) replaces everything.
        let replacement = "Zq zx.\n"
        model.apply(range: nil, text: replacement)
        client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 3], "contentChanges": [["text": .string(replacement)]]])
        #expect(try client.diagnostics(uri: uri, version: 3)["diagnostics"] == [])

        // Closing clears the diagnostics.
        client.notify("textDocument/didClose", ["textDocument": ["uri": .string(uri)]])
        #expect(try client.diagnostics(uri: uri)["diagnostics"] == [])
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("slow documents first get the previous diagnostics moved with the edit, then the exact ones")
    func provisionalDiagnostics() throws {
        let (client, uri, published, _) = try openSample(sampleReview, encoding: "utf-16", options: ["provisionalAfterMilliseconds": 0])
        var model = TextModel(text: sampleReview, encoding: "utf-16")
        let before = expectExactRanges(published, model)
        let start = model.position(of: "Mr B 🙂🙂 had")!
        model.apply(range: ["start": start, "end": start], text: "Zq 🙂 ")
        client.notify(
            "textDocument/didChange",
            ["textDocument": ["uri": .string(uri), "version": 2], "contentChanges": [["range": ["start": start, "end": start], "text": "Zq 🙂 "]]])
        let provisional = try client.diagnostics(uri: uri, version: 2, provisional: true)
        #expect(provisional["provisional"] == true)
        #expect(expectExactRanges(provisional, model).count == before.count)
        let exact = try client.diagnostics(uri: uri, version: 2)
        #expect(exact["provisional"] == nil)
        expectExactRanges(exact, model)
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("hover shows label, rule, occurrences and status; documentSymbol lists headings; codeLens counts")
    func hoverSymbolsLens() throws {
        let markdown =
            "# Review of the death of Adult A\n\n## Background\n\nThe victim, Adult A, lived with her husband. The perpetrator, her husband, "
            + "is referred to as Mr B. Mr B had a long history of alcohol misuse.\n\n### Earlier contact\n\nHe was drinking heavily in 2019.\n\n"
            + "## Findings\n\nAgencies did not share information.\n"
        let (client, uri, published, _) = try openSample(markdown, encoding: "utf-16", name: "review.md", languageId: "markdown")
        let diagnostic = try #require(published["diagnostics"]?.arrayValue?.first { $0["code"] == "characteristic/alcohol-misuse" })
        let hover = try client.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": diagnostic["range"]!["start"]!]).get()
        let value = hover["contents"]?["value"]?.stringValue ?? ""
        #expect(value.contains("characteristic/alcohol-misuse"))
        #expect(value.contains("Rule:"))
        #expect(value.contains("Occurrences in this document:"))
        #expect(value.contains("pending"))
        #expect(try client.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": ["line": 0, "character": 0]]).get() == .null)

        let symbols = try client.request("textDocument/documentSymbol", ["textDocument": ["uri": .string(uri)]]).get().arrayValue ?? []
        #expect(symbols.map { $0["name"]?.stringValue } == ["Review of the death of Adult A"])
        let sections = symbols.first?["children"]?.arrayValue ?? []
        #expect(sections.map { $0["name"]?.stringValue } == ["Background", "Findings"])
        #expect(sections.first?["children"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Earlier contact"])
        #expect(sections.first?["selectionRange"]?["start"] == ["line": 2, "character": 3])  // after "## "

        let lenses = try client.request("textDocument/codeLens", ["textDocument": ["uri": .string(uri)]]).get().arrayValue ?? []
        let title = lenses.first?["command"]?["title"]?.stringValue ?? ""
        #expect(title.hasPrefix("revtag: "))
        #expect(title.contains("0 confirmed · 0 rejected"))
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("pull diagnostics match the pushed ones and answer unchanged for the same result id")
    func pullDiagnostics() throws {
        let (client, uri, _, _) = try openSample(sampleReview, encoding: "utf-16", pull: true)
        let report = try client.request("textDocument/diagnostic", ["textDocument": ["uri": .string(uri)]]).get()
        #expect(report["kind"] == "full")
        expectExactRanges(report, TextModel(text: sampleReview, encoding: "utf-16"))
        #expect((report["items"]?.arrayValue?.count ?? 0) >= 3)
        let again = try client.request(
            "textDocument/diagnostic", ["textDocument": ["uri": .string(uri)], "previousResultId": report["resultId"] ?? .null]
        ).get()
        #expect(again["kind"] == "unchanged")
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("a request cancelled while queued behind analysis of a large document is answered with -32800")
    func cancellation() throws {
        let big = String(repeating: "Mr B had a long history of alcohol misuse and was drinking heavily. 🙂 é’\n\n", count: 1500)
        let directory = try temporaryDirectory()
        let client = try LSPClient(arguments: ["--store", directory.appendingPathComponent("s.sqlite").path], directory: directory)
        try client.initialize(rootURI: "file://\(directory.path)")
        let uri = "file://\(directory.path)/big.txt"
        let open = Message.notification(
            method: "textDocument/didOpen",
            params: ["textDocument": ["uri": .string(uri), "languageId": "plaintext", "version": 1, "text": .string(big)]])
        let id = client.makeID()
        let hover = Message.request(id: id, method: "textDocument/hover", params: ["textDocument": ["uri": .string(uri)], "position": ["line": 0, "character": 30]])
        let cancel = Message.notification(method: "$/cancelRequest", params: ["id": id.json])
        client.write(open.framed() + hover.framed() + cancel.framed())
        let answer = try client.response(to: id, timeout: 60)
        guard case .failure(let error) = answer else {
            Issue.record("expected -32800, got \(answer)")
            return
        }
        #expect(error.code == ErrorCode.requestCancelled)
        // A cancel for a request already answered changes nothing; the server still serves.
        client.notify("$/cancelRequest", ["id": id.json])
        let lens = try client.request("textDocument/codeLens", ["textDocument": ["uri": .string(uri)]], timeout: 60).get()
        #expect(lens.arrayValue?.count == 1)
        #expect(try client.shutdownAndExit() == 0)
    }
}
