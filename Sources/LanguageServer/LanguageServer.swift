import AnnotationStore
import Foundation
import JSONRPC
import ReviewModel

/// The revtag language server's mutable core: lifecycle, open documents, configuration,
/// analyses and the requests that read them.
///
/// Messages arrive in order through ``handle(_:)``; each is finished before the next starts,
/// except analyses, which run off the actor and publish only if their version is still the
/// document's (a newer edit makes the finished analysis re-run on the latest text instead).
///
/// ```swift
/// let server = LanguageServer(configuration: ServerConfiguration(), send: { transport.send($0) })
/// for await event in transport.start(intercept: server.cancellations.intercept) {
///     if let code = await server.handle(event) { exit(code) }
/// }
/// ```
public actor LanguageServer {
    /// Where the server is in the LSP lifecycle.
    enum State {
        case uninitialized
        case running
        case shutDown
    }

    /// Requests in flight and cancelled; give its `intercept` to the transport.
    public nonisolated let cancellations: CancellationRegistry
    let send: @Sendable (Message) -> Void
    let environment: [String: String]
    let defaults: ServerConfiguration

    var state = State.uninitialized
    var configuration: ServerConfiguration
    var encoding = PositionEncoding.utf16
    var rootPath: String?
    var documents: [String: OpenDocument] = [:]
    var clientSupportsConfiguration = false
    var clientSupportsRelatedInformation = false
    /// The client pulls diagnostics (`textDocument/diagnostic`), so none are pushed (it would show both).
    var clientPullsDiagnostics = false
    /// The client accepts `workspace/diagnostic/refresh`.
    var clientSupportsDiagnosticRefresh = false
    var nextOutgoingID = 1
    var outgoing: [RequestID: String] = [:]
    var engine: (any ReviewEngine)?
    var engineProblem: String?
    var analyses: [String: DocumentAnalysis] = [:]
    var analysisTasks: [String: Task<Void, Never>] = [:]
    /// Bumped whenever what diagnostics show may change without a new version (decisions, settings).
    var diagnosticsGeneration = 0
    var failedVersions: [String: Int] = [:]
    /// The latest findings placed on each document's current text (moved along with edits).
    var placedFindings: [String: [Finding]] = [:]
    /// How long each document's last analysis that ran the tagger took (decides whether edits
    /// get provisional diagnostics).
    var lastAnalysisMilliseconds: [String: Double] = [:]

    /// Creates a server that sends its messages through `send`.
    ///
    /// - Parameters:
    ///   - configuration: defaults (from the command line) that the client's settings override.
    ///   - environment: where `REVTAG_CODER`, `USER` and `REVTAG_STORE` are looked up.
    public init(
        configuration: ServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        cancellations: CancellationRegistry = CancellationRegistry(), send: @escaping @Sendable (Message) -> Void
    ) {
        self.defaults = configuration
        self.configuration = configuration
        self.environment = environment
        self.cancellations = cancellations
        self.send = send
    }

    /// Handles one incoming event; returns the process exit code once `exit` arrives
    /// (0 after `shutdown`, 1 otherwise).
    public func handle(_ event: TransportEvent) async -> Int32? {
        switch event {
        case .framingError(let error):
            log(.warning, "\(error); skipped to the next message")
        case .undecodable(let error):
            log(.warning, "undecodable message: \(error.error.message)")
            send(error.response)
        case .message(let message):
            switch message {
            case .request(let id, let method, let params):
                await handleRequest(id: id, method: method, params: params)
            case .notification(let method, let params):
                if method == "exit" { return state == .shutDown ? 0 : 1 }
                handleNotification(method: method, params: params)
            case .response(let id, let result):
                handleResponse(id: id, result: result)
            case .errorResponse(let id, let error):
                if let id { outgoing[id] = nil }
                log(.warning, "the client answered a server request with \(error)")
            }
        }
        return nil
    }

    /// The exit code when input ends without an `exit` notification.
    public var exitCodeAtEndOfInput: Int32 { state == .shutDown ? 0 : 1 }

    // MARK: - Requests

    private func handleRequest(id: RequestID, method: String, params: JSONValue?) async {
        let result: Result<JSONValue, ResponseError>
        switch state {
        case .uninitialized where method != "initialize":
            result = .failure(ResponseError(code: ErrorCode.serverNotInitialized, message: "the server is not initialized; send initialize first"))
        case .shutDown:
            result = .failure(ResponseError(code: ErrorCode.invalidRequest, message: "the server is shut down; only exit is accepted"))
        default:
            if cancellations.isCancelled(id) {
                result = .failure(.cancelled)
            } else {
                do throws(ResponseError) {
                    result = .success(try await dispatch(id: id, method: method, params: params))
                } catch {
                    result = .failure(error)
                }
            }
        }
        let wasCancelled = cancellations.finish(id)
        switch result {
        case .success(let value):
            send(wasCancelled ? .errorResponse(id: id, error: .cancelled) : .response(id: id, result: value))
        case .failure(let error):
            send(.errorResponse(id: id, error: wasCancelled ? .cancelled : error))
        }
    }

    private func dispatch(id: RequestID, method: String, params: JSONValue?) async throws(ResponseError) -> JSONValue {
        switch method {
        case "initialize":
            guard state == .uninitialized else { throw ResponseError(code: ErrorCode.invalidRequest, message: "initialize was already received") }
            return initialize(params)
        case "shutdown":
            state = .shutDown
            for task in analysisTasks.values { task.cancel() }
            return .null
        case "textDocument/hover":
            return try await hover(params, id: id)
        case "textDocument/codeAction":
            return try await codeActions(params, id: id)
        case "textDocument/documentSymbol":
            return try await documentSymbols(params, id: id)
        case "textDocument/codeLens":
            return try await codeLenses(params, id: id)
        case "textDocument/diagnostic":
            return try await pullDiagnostics(params, id: id)
        case "workspace/executeCommand":
            return try await executeCommand(params)
        case "revtag/suggestions":
            return try await suggestionsJSON(params, id: id)
        case "revtag/aggregate":
            return try aggregateJSON(params)
        default:
            throw .methodNotFound(method)
        }
    }

    /// Throws -32800 when the client has cancelled `id` (checked after long awaits).
    func checkCancelled(_ id: RequestID) throws(ResponseError) {
        if cancellations.isCancelled(id) { throw .cancelled }
    }

    // MARK: - Lifecycle

    /// The command ids ``executeCommand(_:)`` accepts.
    static let commands = ["revtag.confirm", "revtag.reject", "revtag.confirmAll", "revtag.rejectAll", "revtag.status"]

    private func initialize(_ params: JSONValue?) -> JSONValue {
        let capabilities = params?["capabilities"]
        let offers = capabilities?["general"]?["positionEncodings"]?.arrayValue?.compactMap(\.stringValue)
        encoding = PositionEncoding.negotiate(clientOffers: offers)
        clientSupportsConfiguration = capabilities?["workspace"]?["configuration"]?.boolValue ?? false
        clientSupportsRelatedInformation =
            capabilities?["textDocument"]?["publishDiagnostics"]?["relatedInformation"]?.boolValue ?? false
        if let pull = capabilities?["textDocument"]?["diagnostic"], case .object = pull { clientPullsDiagnostics = true }
        clientSupportsDiagnosticRefresh = capabilities?["workspace"]?["diagnostics"]?["refreshSupport"]?.boolValue ?? false
        if let rootURI = params?["rootUri"]?.stringValue {
            rootPath = DocumentKinds.path(ofURI: rootURI)
        } else if let folder = params?["workspaceFolders"]?.arrayValue?.first?["uri"]?.stringValue {
            rootPath = DocumentKinds.path(ofURI: folder)
        } else if let path = params?["rootPath"]?.stringValue {
            rootPath = path
        }
        for problem in configuration.apply(params?["initializationOptions"]) { log(.warning, "initializationOptions: \(problem)") }
        state = .running
        return [
            "capabilities": [
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]],
                "hoverProvider": true,
                "codeActionProvider": ["codeActionKinds": ["quickfix"], "resolveProvider": false],
                "executeCommandProvider": ["commands": .array(Self.commands.map { .string($0) })],
                "documentSymbolProvider": true,
                "codeLensProvider": ["resolveProvider": false],
                "diagnosticProvider": ["identifier": "revtag", "interFileDependencies": false, "workspaceDiagnostics": false],
            ],
            "serverInfo": ["name": "revtag", "version": .string(RevtagInfo.version)],
        ]
    }

    // MARK: - Notifications

    private func handleNotification(method: String, params: JSONValue?) {
        guard state == .running else { return }  // dropped before initialize and after shutdown
        do throws(ResponseError) {
            switch method {
            case "initialized":
                requestConfiguration()
            case "textDocument/didOpen":
                try didOpen(params)
            case "textDocument/didChange":
                try didChange(params)
            case "textDocument/didSave":
                if let uri = params?["textDocument"]?["uri"]?.stringValue, documents[uri] != nil {
                    scheduleAnalysis(uri)
                }
            case "textDocument/didClose":
                try didClose(params)
            case "workspace/didChangeConfiguration":
                let settings = params?["settings"]
                updateConfiguration(settings?["revtag"] ?? settings)
                requestConfiguration()
            default:
                if !method.hasPrefix("$/") { log(.info, "ignored notification \(method)") }
            }
        } catch {
            log(.error, "\(method): \(error.message)")
        }
    }

    private func didOpen(_ params: JSONValue?) throws(ResponseError) {
        guard let item = params?["textDocument"], case .object = item else { throw .invalidParams("textDocument must be an object") }
        guard let uri = item["uri"]?.stringValue else { throw .invalidParams("textDocument.uri must be a string") }
        guard let text = item["text"]?.stringValue else { throw .invalidParams("textDocument.text must be a string") }
        let languageId = item["languageId"]?.stringValue ?? ""
        let version = item["version"]?.intValue ?? 0
        guard let format = DocumentKinds.format(languageId: languageId, uri: uri, text: text) else {
            log(.info, "not a review format (\(languageId)): \(uri)")
            return
        }
        let path = DocumentKinds.path(ofURI: uri)
        // Named as the CLI names it (relative to the workspace folder when inside it), so both write to one document.
        let name = AnnotationStore.documentPath(path, relativeTo: rootPath ?? FileManager.default.currentDirectoryPath)
        documents[uri] = OpenDocument(uri: uri, languageId: languageId, format: format, name: name, version: version, text: text)
        analyses[uri] = nil
        scheduleAnalysis(uri)
    }

    private func didChange(_ params: JSONValue?) throws(ResponseError) {
        guard let identifier = params?["textDocument"], let uri = identifier["uri"]?.stringValue else {
            throw .invalidParams("textDocument.uri must be a string")
        }
        guard var document = documents[uri] else { return }  // not ours (or not open)
        guard let rawChanges = params?["contentChanges"]?.arrayValue else { throw .invalidParams("contentChanges must be an array") }
        var changes: [OpenDocument.Change] = []
        for (index, raw) in rawChanges.enumerated() { changes.append(try OpenDocument.Change(json: raw, index: index)) }
        let edits = document.apply(changes, encoding: encoding)
        if let version = identifier["version"]?.intValue {
            if version <= document.version { log(.warning, "\(uri): version \(version) does not increase (was \(document.version))") }
            document.version = version
        } else {
            document.version += 1
        }
        documents[uri] = document
        if let placed = placedFindings[uri] { placedFindings[uri] = Self.shift(placed, by: edits) }
        // The analysis starts first: the provisional publish runs while it does.
        scheduleAnalysis(uri)
        if (lastAnalysisMilliseconds[uri] ?? 0) >= configuration.provisionalThresholdMilliseconds { publishProvisional(uri) }
    }

    private func didClose(_ params: JSONValue?) throws(ResponseError) {
        guard let uri = params?["textDocument"]?["uri"]?.stringValue else { throw .invalidParams("textDocument.uri must be a string") }
        guard documents.removeValue(forKey: uri) != nil else { return }
        analysisTasks.removeValue(forKey: uri)?.cancel()
        analyses[uri] = nil
        failedVersions[uri] = nil
        placedFindings[uri] = nil
        lastAnalysisMilliseconds[uri] = nil
        if !clientPullsDiagnostics {
            send(.notification(method: "textDocument/publishDiagnostics", params: ["uri": .string(uri), "diagnostics": []]))
        }
    }

    // MARK: - Configuration

    func updateConfiguration(_ settings: JSONValue?) {
        var updated = configuration
        for problem in updated.apply(settings) { log(.warning, "settings: \(problem)") }
        guard updated != configuration else { return }
        diagnosticsGeneration += 1
        let engineChanged = updated.codebookPath != configuration.codebookPath || updated.storePath != configuration.storePath
        configuration = updated
        if engineChanged {
            engine = nil
            engineProblem = nil
        }
        for uri in documents.keys {
            analyses[uri] = nil
            scheduleAnalysis(uri)
        }
        requestDiagnosticRefresh()
    }

    private func requestConfiguration() {
        guard clientSupportsConfiguration else { return }
        let id = RequestID.string("revtag-\(nextOutgoingID)")
        nextOutgoingID += 1
        outgoing[id] = "workspace/configuration"
        send(.request(id: id, method: "workspace/configuration", params: ["items": [["section": "revtag"]]]))
    }

    /// Asks a pulling client to pull diagnostics again (after decisions or settings changed).
    func requestDiagnosticRefresh() {
        guard clientPullsDiagnostics, clientSupportsDiagnosticRefresh else { return }
        let id = RequestID.string("revtag-\(nextOutgoingID)")
        nextOutgoingID += 1
        outgoing[id] = "workspace/diagnostic/refresh"
        send(.request(id: id, method: "workspace/diagnostic/refresh", params: nil))
    }

    private func handleResponse(id: RequestID, result: JSONValue) {
        guard let purpose = outgoing.removeValue(forKey: id) else { return }
        if purpose == "workspace/configuration", let first = result.arrayValue?.first, !first.isNull {
            updateConfiguration(first)
        }
    }

    /// The coder's name: configuration, then `REVTAG_CODER`, then the login name.
    var coder: String {
        if let coder = configuration.coder, !coder.isEmpty { return coder }
        if let coder = environment["REVTAG_CODER"], !coder.isEmpty { return coder }
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        return "unknown"
    }

    /// The store path: configuration, then `REVTAG_STORE`, then `annotations/revtag.sqlite` in the workspace.
    var storePath: String {
        let path = configuration.storePath ?? environment["REVTAG_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "annotations/revtag.sqlite"
        return resolve(path)
    }

    /// The codebook path: configuration, then `revtag.yaml` in the workspace when present; nil for the shipped one.
    var codebookPath: String? {
        if let path = configuration.codebookPath { return resolve(path) }
        let local = resolve("revtag.yaml")
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
        if let rootPath { return (rootPath as NSString).appendingPathComponent(path) }
        return path
    }

    // MARK: - Logging

    enum LogLevel: Int {
        case error = 1
        case warning = 2
        case info = 3
    }

    /// Logs to stderr, and to the client's log (`window/logMessage`) once running.
    func log(_ level: LogLevel, _ message: String) {
        FileHandle.standardError.write(Data("revtag lsp: \(message)\n".utf8))
        guard state == .running, level != .info else { return }
        send(.notification(method: "window/logMessage", params: ["type": .int(level.rawValue), "message": .string(message)]))
    }

    /// Shows a message to the user (`window/showMessage`).
    func show(_ level: LogLevel, _ message: String) {
        FileHandle.standardError.write(Data("revtag lsp: \(message)\n".utf8))
        send(.notification(method: "window/showMessage", params: ["type": .int(level.rawValue), "message": .string(message)]))
    }
}

/// Runs the language server over stdin and stdout until `exit` (or end of input) and returns
/// the exit code. Standard output is guarded first: only protocol frames reach it.
public func runLanguageServer(configuration: ServerConfiguration) async -> Int32 {
    let transport = StdioTransport.guardingStandardOutput()
    let server = LanguageServer(configuration: configuration, send: { transport.send($0) })
    for await event in transport.start(intercept: server.cancellations.intercept) {
        if let code = await server.handle(event) { return code }
    }
    return await server.exitCodeAtEndOfInput
}
