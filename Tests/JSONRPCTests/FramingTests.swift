import Testing

@testable import JSONRPC

private func frame(_ body: String, extraHeaders: String = "") -> [UInt8] {
    Array("Content-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)".utf8)
}

private func drain(_ framer: inout MessageFramer) -> [MessageFramer.Event] {
    var events: [MessageFramer.Event] = []
    while let event = framer.next() { events.append(event) }
    return events
}

private func messageBodies(_ events: [MessageFramer.Event]) -> [String] {
    events.compactMap {
        if case .message(let body) = $0 { return String(decoding: body, as: UTF8.self) }
        return nil
    }
}

private func framingErrors(_ events: [MessageFramer.Event]) -> [String] {
    events.compactMap {
        if case .error(let error) = $0 { return error.reason }
        return nil
    }
}

@Suite("Content-Length framing")
struct FramingTests {
    /// Bodies with multi-byte UTF-8: é (2 bytes), ’ (3 bytes), emoji (4 bytes).
    static let samples = [
        #"{"jsonrpc":"2.0","method":"a"}"#,
        #"{"jsonrpc":"2.0","id":1,"method":"b","params":{"text":"café ’quoted’ 🙂"}}"#,
        #"{}"#,
    ]

    @Test("fed one byte at a time, every message comes out whole, counted in bytes")
    func byteByByte() {
        var stream: [UInt8] = []
        for body in Self.samples { stream += frame(body) }
        var framer = MessageFramer()
        var events: [MessageFramer.Event] = []
        for byte in stream {
            framer.feed([byte])
            events += drain(&framer)
        }
        #expect(messageBodies(events) == Self.samples)
        #expect(framingErrors(events).isEmpty)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("every split point of a two-message stream yields the same messages")
    func everySplitPoint() {
        let stream = frame(Self.samples[1]) + frame(Self.samples[0])
        for split in 0...stream.count {
            var framer = MessageFramer()
            framer.feed(stream[0..<split])
            var events = drain(&framer)
            framer.feed(stream[split...])
            events += drain(&framer)
            #expect(messageBodies(events) == [Self.samples[1], Self.samples[0]], "split at \(split)")
        }
    }

    @Test("a body is not returned until its last byte has arrived")
    func waitsForWholeBody() {
        let stream = frame(Self.samples[1])
        var framer = MessageFramer()
        framer.feed(stream.dropLast())
        #expect(framer.next() == nil)
        framer.feed(stream.suffix(1))
        #expect(messageBodies(drain(&framer)) == [Self.samples[1]])
    }

    @Test("Content-Type with utf-8 (or utf8) and unknown headers are accepted; header names are case-insensitive")
    func contentType() {
        var framer = MessageFramer()
        let body = #"{"x":"é"}"#
        framer.feed(frame(body, extraHeaders: "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"))
        framer.feed(frame(body, extraHeaders: "content-type: application/vscode-jsonrpc; charset=utf8\r\nX-Other: 1\r\n"))
        framer.feed(Array("content-length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        let events = drain(&framer)
        #expect(messageBodies(events) == [body, body, body])
        #expect(framingErrors(events).isEmpty)
    }

    @Test("an unsupported charset skips that message's body and keeps framing the next")
    func unsupportedCharset() {
        var framer = MessageFramer()
        framer.feed(frame(#"{"a":1}"#, extraHeaders: "Content-Type: application/json; charset=latin1\r\n"))
        framer.feed(frame(#"{"b":2}"#))
        let events = drain(&framer)
        #expect(framingErrors(events).count == 1)
        #expect(framingErrors(events).first?.contains("latin1") == true)
        #expect(messageBodies(events) == [#"{"b":2}"#])
    }

    @Test("garbage before a frame is reported once and the following frame still arrives")
    func garbageThenFrame() {
        var framer = MessageFramer()
        framer.feed(Array("hello world\r\n\r\n".utf8))
        framer.feed(frame(#"{"ok":true}"#))
        let events = drain(&framer)
        #expect(framingErrors(events).count == 1)
        #expect(messageBodies(events) == [#"{"ok":true}"#])
    }

    @Test("a non-numeric Content-Length is an error; what follows up to the next Content-Length is skipped")
    func badLength() {
        var framer = MessageFramer()
        framer.feed(Array("Content-Length: abc\r\n\r\n{}".utf8))
        framer.feed(Array("Content-Type: x\r\n\r\n".utf8))
        framer.feed(frame("[1]"))
        let events = drain(&framer)
        #expect(framingErrors(events).count == 1)
        #expect(framingErrors(events)[0].contains("not a number"))
        #expect(messageBodies(events) == ["[1]"])
    }

    @Test("a header block without Content-Length is an error, then framing resumes")
    func missingLength() {
        var framer = MessageFramer()
        framer.feed(Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8))
        framer.feed(frame("[2]"))
        let events = drain(&framer)
        #expect(framingErrors(events) == ["missing Content-Length header"])
        #expect(messageBodies(events) == ["[2]"])
    }

    @Test("an endless header without a blank line is cut off at the limit")
    func oversizedHeader() {
        var framer = MessageFramer(maxHeaderBytes: 64)
        framer.feed([UInt8](repeating: UInt8(ascii: "x"), count: 200))
        let events = drain(&framer)
        #expect(framingErrors(events).count == 1)
        #expect(framer.bufferedByteCount < 20)
        framer.feed(frame("{}"))
        #expect(messageBodies(drain(&framer)) == ["{}"])
    }

    @Test("frame() counts bytes, not characters")
    func frameCountsBytes() {
        let body = Array("é’🙂".utf8)
        let framed = String(decoding: MessageFramer.frame(body), as: UTF8.self)
        #expect(framed.hasPrefix("Content-Length: 9\r\n\r\n"))
    }
}

@Suite("JSON-RPC messages")
struct MessageTests {
    @Test("requests with integer and string ids, notifications and responses decode")
    func decodesKinds() throws {
        #expect(
            try Message.decode(Array(#"{"jsonrpc":"2.0","id":7,"method":"m","params":{"a":1}}"#.utf8))
                == .request(id: .int(7), method: "m", params: ["a": 1]))
        #expect(
            try Message.decode(Array(#"{"jsonrpc":"2.0","id":"x7","method":"m"}"#.utf8))
                == .request(id: .string("x7"), method: "m", params: nil))
        #expect(try Message.decode(Array(#"{"jsonrpc":"2.0","method":"n"}"#.utf8)) == .notification(method: "n", params: nil))
        #expect(
            try Message.decode(Array(#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#.utf8))
                == .request(id: .int(2), method: "shutdown", params: nil))
        #expect(try Message.decode(Array(#"{"jsonrpc":"2.0","id":3,"result":null}"#.utf8)) == .response(id: .int(3), result: .null))
    }

    @Test("malformed JSON is a parse error with no id")
    func parseError() {
        #expect(throws: MessageDecodingError.self) { try Message.decode(Array(#"{"jsonrpc": "2.0", "id": 1,"#.utf8)) }
        do {
            _ = try Message.decode(Array("{nope".utf8))
        } catch {
            #expect(error.error.code == ErrorCode.parseError)
            #expect(error.id == nil)
        }
    }

    @Test("an invalid request keeps its id so it can be answered")
    func invalidRequestKeepsID() {
        do {
            _ = try Message.decode(Array(#"{"jsonrpc":"2.0","id":12,"method":5}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.error.code == ErrorCode.invalidRequest)
            #expect(error.id == .int(12))
        }
        do {
            _ = try Message.decode(Array(#"{"jsonrpc":"1.0","id":"a","method":"m"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.error.code == ErrorCode.invalidRequest)
            #expect(error.id == .string("a"))
        }
    }

    @Test("encoding then decoding returns the same message, including non-ASCII and escapes")
    func roundTrip() throws {
        let messages: [Message] = [
            .request(id: .int(1), method: "initialize", params: ["text": "é’🙂\n\t\"\\ \u{01}", "n": -12, "x": 1.5]),
            .notification(method: "textDocument/publishDiagnostics", params: ["diagnostics": []]),
            .response(id: .string("q"), result: ["ok": true, "list": [1, "two", .null]]),
            .errorResponse(id: nil, error: ResponseError(code: ErrorCode.parseError, message: "bad")),
        ]
        for message in messages {
            #expect(try Message.decode(message.encoded()) == message)
        }
    }

    @Test("\\u escapes, surrogate pairs and numbers parse exactly")
    func jsonDetails() throws {
        let value = try JSONValue.parse(#"{"s":"caf\u00e9 \ud83d\ude42","i":9007199254740993,"d":2.5e3,"neg":-0.5}"#)
        #expect(value["s"]?.stringValue == "café 🙂")
        #expect(value["i"] == .int(9_007_199_254_740_993))
        #expect(value["d"]?.doubleValue == 2500)
        #expect(value["neg"]?.doubleValue == -0.5)
        #expect(throws: JSONParseError.self) { try JSONValue.parse("[1,]") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("\"tab\there\"") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 600)) }
    }
}
