import Foundation
import TestSupport
import JSONRPC

/// Drives the real `revtag lsp` binary over pipes, as an editor would.
///
/// `@unchecked Sendable`: `received`, `exitCode` and `nextID` are only touched under `condition`.
final class LSPClient: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let condition = NSCondition()
    private var received: [Message] = []
    private var stderrText = ""
    private var nextID = 1
    private var closed = false

    /// The path of the `revtag` executable built next to the tests.
    static var binary: String { TestPaths.revtagBinary }

    /// Starts `revtag lsp` with extra arguments and environment.
    init(arguments: [String] = [], environment: [String: String] = [:], directory: URL? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["lsp"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["REVTAG_CODER"] = nil
        env["REVTAG_STORE"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let readHandle = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var framer = MessageFramer()
            while true {
                let data = readHandle.availableData
                if data.isEmpty { break }
                framer.feed(Array(data))
                while let event = framer.next() {
                    guard case .message(let body) = event, let message = try? Message.decode(body) else { continue }
                    condition.lock()
                    received.append(message)
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }
        let errorHandle = errors.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = errorHandle.availableData
                if data.isEmpty { break }
                condition.lock()
                stderrText += String(decoding: data, as: UTF8.self)
                condition.unlock()
            }
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// What the server wrote to stderr so far.
    var standardError: String {
        condition.lock()
        defer { condition.unlock() }
        return stderrText
    }

    /// Writes raw bytes to the server's stdin.
    func write(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    /// Sends a message.
    func send(_ message: Message) { write(message.framed()) }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONValue? = nil) { send(.notification(method: method, params: params)) }

    /// A fresh request id.
    func makeID() -> RequestID {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        return .int(nextID)
    }

    /// Sends a request and returns its id.
    @discardableResult
    func sendRequest(_ method: String, _ params: JSONValue? = nil, id: RequestID? = nil) -> RequestID {
        let id = id ?? makeID()
        send(.request(id: id, method: method, params: params))
        return id
    }

    /// Sends a request and waits for its response (result or error).
    func request(_ method: String, _ params: JSONValue? = nil, timeout: Double = 20) throws -> Result<JSONValue, ResponseError> {
        let id = sendRequest(method, params)
        return try response(to: id, timeout: timeout)
    }

    /// Waits for the response to `id`.
    func response(to id: RequestID, timeout: Double = 20) throws -> Result<JSONValue, ResponseError> {
        let message = try waitFor("response to \(id)", timeout: timeout) {
            switch $0 {
            case .response(let responseID, _): responseID == id
            case .errorResponse(let responseID, _): responseID == id
            default: false
            }
        }
        switch message {
        case .response(_, let result): return .success(result)
        case .errorResponse(_, let error): return .failure(error)
        default: throw Timeout(what: "a response")
        }
    }

    /// Waits for (and removes) the first received message matching `predicate`.
    func waitFor(_ what: String, timeout: Double = 20, _ predicate: (Message) -> Bool) throws -> Message {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = received.firstIndex(where: predicate) { return received.remove(at: index) }
            if closed || !condition.wait(until: deadline) {
                if let index = received.firstIndex(where: predicate) { return received.remove(at: index) }
                throw Timeout(what: "\(what)\(closed ? " (server closed its output)" : "")")
            }
        }
    }

    /// Waits for a `publishDiagnostics` of `uri` (with `version`, when given) and returns its params.
    ///
    /// Provisional publishes (the previous diagnostics moved with an edit, sent while a slow
    /// analysis runs) are skipped unless `provisional` is true, so that a test waits for the
    /// exact diagnostics whatever the speed of the build.
    func diagnostics(uri: String, version: Int? = nil, provisional: Bool = false, timeout: Double = 20) throws -> JSONValue {
        let message = try waitFor("diagnostics of \(uri) v\(version.map(String.init) ?? "any")", timeout: timeout) {
            guard case .notification("textDocument/publishDiagnostics", let params) = $0 else { return false }
            guard params?["uri"]?.stringValue == uri else { return false }
            if !provisional, params?["provisional"]?.boolValue == true { return false }
            if let version { return params?["version"]?.intValue == version }
            return true
        }
        guard case .notification(_, let params) = message, let params else { throw Timeout(what: "diagnostics") }
        return params
    }

    /// All received messages not yet taken.
    func drainReceived() -> [Message] {
        condition.lock()
        defer { condition.unlock() }
        let all = received
        received.removeAll()
        return all
    }

    /// `initialize` + `initialized`; returns the initialize result.
    @discardableResult
    func initialize(
        positionEncodings: [String]? = nil, rootURI: String? = nil, options: JSONValue? = nil, pull: Bool = false
    ) throws -> JSONValue {
        var general: [String: JSONValue] = [:]
        if let positionEncodings { general["positionEncodings"] = .array(positionEncodings.map { .string($0) }) }
        var textDocument: [String: JSONValue] = ["publishDiagnostics": ["versionSupport": true, "dataSupport": true]]
        if pull { textDocument["diagnostic"] = ["dynamicRegistration": false] }
        var params: [String: JSONValue] = [
            "processId": .null,
            "capabilities": ["general": .object(general), "textDocument": .object(textDocument)],
        ]
        if let rootURI { params["rootUri"] = .string(rootURI) }
        if let options { params["initializationOptions"] = options }
        let result = try request("initialize", .object(params)).get()
        notify("initialized", [:])
        return result
    }

    /// `shutdown` + `exit`; returns the exit code.
    func shutdownAndExit() throws -> Int32 {
        _ = try request("shutdown").get()
        notify("exit")
        return try waitForExit()
    }

    /// Waits for the process to end and returns its exit code.
    func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { throw Timeout(what: "the server to exit") }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process.terminationStatus
    }
}
