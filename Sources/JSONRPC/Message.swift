/// A JSON-RPC request id: an integer or a string.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case string(String)

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .int(let value): .int(value)
        case .string(let value): .string(value)
        }
    }

    /// The id a JSON value holds, if it is an integer or a string.
    public init?(json: JSONValue) {
        switch json {
        case .int(let value): self = .int(value)
        case .string(let value): self = .string(value)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .int(let value): "\(value)"
        case .string(let value): value.debugDescription
        }
    }
}

/// Error codes of JSON-RPC 2.0 and the Language Server Protocol, as named constants.
public enum ErrorCode {
    /// Invalid JSON was received.
    public static let parseError = -32700
    /// The JSON sent is not a valid request object.
    public static let invalidRequest = -32600
    /// The method does not exist or is not available.
    public static let methodNotFound = -32601
    /// Invalid method parameters.
    public static let invalidParams = -32602
    /// Internal error.
    public static let internalError = -32603
    /// LSP: a request arrived before `initialize`.
    public static let serverNotInitialized = -32002
    /// LSP: unknown error.
    public static let unknownErrorCode = -32001
    /// LSP: the client cancelled the request.
    public static let requestCancelled = -32800
    /// LSP: the document changed while the request was computed.
    public static let contentModified = -32801
    /// LSP: the server cancelled the request.
    public static let serverCancelled = -32802
    /// LSP: the request failed although its parameters were valid.
    public static let requestFailed = -32803
}

/// The `error` member of a response.
public struct ResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of ``ErrorCode``'s constants.
    public var code: Int
    /// A sentence for people.
    public var message: String
    /// Extra data, if any.
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32602 with a message.
    public static func invalidParams(_ message: String) -> ResponseError {
        ResponseError(code: ErrorCode.invalidParams, message: message)
    }

    /// -32601 naming the method.
    public static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: ErrorCode.methodNotFound, message: "method not found: \(method)")
    }

    /// -32800.
    public static let cancelled = ResponseError(code: ErrorCode.requestCancelled, message: "request cancelled")

    /// -32603 with a message.
    public static func internalError(_ message: String) -> ResponseError {
        ResponseError(code: ErrorCode.internalError, message: message)
    }

    /// The error as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .int(code), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    public var description: String { "error \(code): \(message)" }
}

/// A JSON-RPC 2.0 message.
public enum Message: Sendable, Hashable {
    /// A request, which must be answered with a response carrying the same id.
    case request(id: RequestID, method: String, params: JSONValue?)
    /// A notification, which is never answered.
    case notification(method: String, params: JSONValue?)
    /// A successful response.
    case response(id: RequestID, result: JSONValue)
    /// An error response; the id is nil when the request's id could not be read.
    case errorResponse(id: RequestID?, error: ResponseError)

    /// The method of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): method
        case .response, .errorResponse: nil
        }
    }

    /// The message as a JSON object.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            members["id"] = id.json
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .notification(let method, let params):
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .response(let id, let result):
            members["id"] = id.json
            members["result"] = result
        case .errorResponse(let id, let error):
            members["id"] = id?.json ?? .null
            members["error"] = error.json
        }
        return .object(members)
    }

    /// The message body as UTF-8 JSON.
    public func encoded() -> [UInt8] { json.serialized() }

    /// The message framed for the wire (header and body).
    public func framed() -> [UInt8] { MessageFramer.frame(encoded()) }

    /// Decodes a message body.
    ///
    /// Undecodable JSON throws -32700 with no id; a JSON value that is not a JSON-RPC 2.0
    /// message throws -32600 carrying the id when one can be read, so it can be answered.
    public static func decode(_ body: [UInt8]) throws(MessageDecodingError) -> Message {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw MessageDecodingError(id: nil, error: ResponseError(code: ErrorCode.parseError, message: "parse error: \(error)"))
        }
        return try decode(value)
    }

    /// Decodes a parsed JSON value.
    public static func decode(_ value: JSONValue) throws(MessageDecodingError) -> Message {
        guard case .object(let members) = value else {
            throw MessageDecodingError(
                id: nil, error: ResponseError(code: ErrorCode.invalidRequest, message: "a message must be a JSON object (batches are not supported)"))
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        func invalid(_ message: String) -> MessageDecodingError {
            MessageDecodingError(id: id, error: ResponseError(code: ErrorCode.invalidRequest, message: message))
        }
        guard members["jsonrpc"]?.stringValue == "2.0" else { throw invalid("\"jsonrpc\" must be \"2.0\"") }
        if let rawID, id == nil, !rawID.isNull { throw invalid("\"id\" must be an integer or a string") }
        // A null `params` (sent by some clients) counts as absent.
        let params = members["params"].flatMap { $0.isNull ? nil : $0 }
        if let params {
            switch params {
            case .object, .array: break
            default: throw invalid("\"params\" must be an object or an array")
            }
        }
        if let methodValue = members["method"] {
            guard let method = methodValue.stringValue else { throw invalid("\"method\" must be a string") }
            if let id { return .request(id: id, method: method, params: params) }
            return .notification(method: method, params: params)
        }
        if let error = members["error"] {
            guard let code = error["code"]?.intValue, let message = error["message"]?.stringValue else {
                throw invalid("\"error\" must have an integer code and a string message")
            }
            return .errorResponse(id: id, error: ResponseError(code: code, message: message, data: error["data"]))
        }
        if let result = members["result"], let id { return .response(id: id, result: result) }
        throw invalid("a message needs \"method\", \"result\" or \"error\"")
    }
}

/// A message that could not be decoded, with the error to answer it with.
public struct MessageDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request id, when it could be read (answer that id); nil otherwise (answer with id null).
    public var id: RequestID?
    /// The error to send back.
    public var error: ResponseError

    public init(id: RequestID?, error: ResponseError) {
        self.id = id
        self.error = error
    }

    /// The error response that answers it.
    public var response: Message { .errorResponse(id: id, error: error) }

    public var description: String { error.description }
}
