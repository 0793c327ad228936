import Foundation
import JSONRPC
import Testing

private func errorCode(_ result: Result<JSONValue, ResponseError>) -> Int? {
    if case .failure(let error) = result { return error.code }
    return nil
}

@Suite("revtag lsp over pipes: lifecycle and protocol errors")
struct LifecycleTests {
    @Test("initialize negotiates utf-16 by default and advertises the capabilities")
    func initializeDefaults() throws {
        let client = try LSPClient()
        let result = try client.initialize()
        let capabilities = result["capabilities"]
        #expect(capabilities?["positionEncoding"]?.stringValue == "utf-16")
        #expect(capabilities?["textDocumentSync"]?["change"]?.intValue == 2)
        #expect(capabilities?["textDocumentSync"]?["openClose"]?.boolValue == true)
        #expect(capabilities?["hoverProvider"]?.boolValue == true)
        #expect(capabilities?["codeActionProvider"]?["codeActionKinds"] == ["quickfix"])
        #expect(capabilities?["diagnosticProvider"]?["identifier"]?.stringValue == "revtag")
        #expect(capabilities?["executeCommandProvider"]?["commands"]?.arrayValue?.contains("revtag.confirm") == true)
        #expect(result["serverInfo"]?["name"]?.stringValue == "revtag")
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("utf-8 is chosen when the client offers it, utf-16 when it offers only utf-16/utf-32")
    func positionEncodingNegotiation() throws {
        let offersUTF8 = try LSPClient()
        #expect(try offersUTF8.initialize(positionEncodings: ["utf-32", "utf-8", "utf-16"])["capabilities"]?["positionEncoding"] == "utf-8")
        #expect(try offersUTF8.shutdownAndExit() == 0)
        let offersUTF16 = try LSPClient()
        #expect(try offersUTF16.initialize(positionEncodings: ["utf-32", "utf-16"])["capabilities"]?["positionEncoding"] == "utf-16")
        #expect(try offersUTF16.shutdownAndExit() == 0)
    }

    @Test("requests before initialize get -32002, notifications are dropped, then initialize works")
    func beforeInitialize() throws {
        let client = try LSPClient()
        client.notify("textDocument/didOpen", ["textDocument": ["uri": "file:///tmp/a.txt", "languageId": "plaintext", "version": 1, "text": "x"]])
        #expect(errorCode(try client.request("textDocument/hover", ["textDocument": ["uri": "file:///tmp/a.txt"], "position": ["line": 0, "character": 0]])) == ErrorCode.serverNotInitialized)
        #expect(errorCode(try client.request("shutdown")) == ErrorCode.serverNotInitialized)
        try client.initialize()
        #expect(errorCode(try client.request("initialize", ["capabilities": [:]])) == ErrorCode.invalidRequest)
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("after shutdown, requests get -32600; exit then ends the process with code 0")
    func afterShutdown() throws {
        let client = try LSPClient()
        try client.initialize()
        #expect(try client.request("shutdown").get() == .null)
        #expect(errorCode(try client.request("textDocument/codeLens", ["textDocument": ["uri": "file:///x.txt"]])) == ErrorCode.invalidRequest)
        client.notify("exit")
        #expect(try client.waitForExit() == 0)
    }

    @Test("exit without shutdown ends the process with code 1")
    func exitWithoutShutdown() throws {
        let client = try LSPClient()
        try client.initialize()
        client.notify("exit")
        #expect(try client.waitForExit() == 1)
    }

    @Test("malformed JSON gets -32700 with a null id, garbage frames are skipped, and the server keeps serving")
    func malformedInput() throws {
        let client = try LSPClient()
        try client.initialize()
        let broken = Array(#"{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{"#.utf8)
        client.write(MessageFramer.frame(broken))
        let parseError = try client.waitFor("parse error") {
            if case .errorResponse(nil, let error) = $0 { return error.code == ErrorCode.parseError }
            return false
        }
        #expect(parseError.json["id"] == .null)
        client.write(Array("this is not a header\r\n\r\n".utf8))
        client.write(MessageFramer.frame(Array(#"{"jsonrpc":"2.0","id":"s1","method":7}"#.utf8)))
        #expect(errorCode(try client.response(to: .string("s1"))) == ErrorCode.invalidRequest)
        // Still alive and answering.
        #expect(errorCode(try client.request("no/such/method")) == ErrorCode.methodNotFound)
        #expect(try client.shutdownAndExit() == 0)
    }

    @Test("unknown requests get -32601 ($/ ones too); unknown notifications are ignored")
    func unknownMethods() throws {
        let client = try LSPClient()
        try client.initialize()
        client.notify("$/setTrace", ["value": "off"])
        client.notify("custom/whatever", ["x": 1])
        #expect(errorCode(try client.request("$/unknownRequest")) == ErrorCode.methodNotFound)
        #expect(errorCode(try client.request("workspace/symbol", ["query": "x"])) == ErrorCode.methodNotFound)
        #expect(try client.shutdownAndExit() == 0)
        #expect(!client.drainReceived().contains { if case .errorResponse = $0 { true } else { false } })
    }

    @Test("wrong-typed params get -32602 naming the field, and the server keeps serving")
    func invalidParams() throws {
        let client = try LSPClient()
        try client.initialize()
        let hover = try client.request("textDocument/hover", ["textDocument": ["uri": "file:///x.txt"], "position": ["line": "zero", "character": 0]])
        #expect(errorCode(hover) == ErrorCode.invalidParams)
        if case .failure(let error) = hover { #expect(error.message.contains("position.line")) }
        #expect(errorCode(try client.request("textDocument/codeAction", ["textDocument": 5])) == ErrorCode.invalidParams)
        #expect(errorCode(try client.request("workspace/executeCommand", ["command": "revtag.confirm", "arguments": ["nope"]])) == ErrorCode.invalidParams)
        #expect(errorCode(try client.request("workspace/executeCommand", ["command": 3])) == ErrorCode.invalidParams)
        #expect(try client.shutdownAndExit() == 0)
    }
}
