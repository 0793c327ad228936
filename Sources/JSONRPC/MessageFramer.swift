/// The base protocol's framing as a state machine with no I/O: feed it bytes as they arrive
/// (in any chunking), take complete message bodies out.
///
/// A frame is a header block of `Name: value` lines ended by `\r\n`, an empty line, then
/// exactly `Content-Length` **bytes** of content. `Content-Type` is accepted when its charset
/// is `utf-8` (or the legacy `utf8`); other headers are ignored. Garbage (a header block
/// without a valid `Content-Length`, an oversized header, an unknown charset) yields one
/// ``Event/error(_:)`` and the framer resynchronises at the next `Content-Length:`.
///
/// ```swift
/// var framer = MessageFramer()
/// framer.feed(Array("Content-Length: 2\r\n\r\n{}".utf8))
/// while let event = framer.next() { ... }   // .message([0x7B, 0x7D])
/// ```
public struct MessageFramer: Sendable {
    /// What ``next()`` produces.
    public enum Event: Sendable, Hashable {
        /// A complete message body (the bytes after the header).
        case message([UInt8])
        /// Bytes that are not a valid frame were skipped.
        case error(FramingError)
    }

    /// Why bytes were skipped.
    public struct FramingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What was wrong.
        public var reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { "bad message frame: \(reason)" }
    }

    /// The longest header block accepted before the bytes are treated as garbage.
    public var maxHeaderBytes: Int
    /// The largest `Content-Length` accepted.
    public var maxContentLength: Int

    private var buffer: [UInt8] = []
    private var start = 0
    /// Offset (absolute in `buffer`) from which to continue looking for the header end.
    private var scanFrom = 0
    /// Content length of a parsed header whose content has not fully arrived.
    private var pendingLength: Int?
    /// Skipping garbage until the next `Content-Length:`.
    private var resyncing = false
    /// Content bytes still to skip after a header that was refused but gave its length.
    private var pendingSkip = 0

    /// Creates an empty framer.
    public init(maxHeaderBytes: Int = 8 * 1024, maxContentLength: Int = 512 * 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxContentLength = maxContentLength
    }

    /// Number of bytes received but not yet returned as a message or skipped.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends received bytes.
    public mutating func feed(_ bytes: some Collection<UInt8>) {
        if start > 0, start >= 64 * 1024, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            scanFrom -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message or framing error, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        while true {
            if pendingSkip > 0 {
                let available = min(pendingSkip, buffer.count - start)
                consume(available)
                pendingSkip -= available
                guard pendingSkip == 0 else { return nil }
            }
            if let length = pendingLength {
                guard buffer.count - start >= length else { return nil }
                let body = Array(buffer[start..<(start + length)])
                consume(length)
                pendingLength = nil
                return .message(body)
            }
            if resyncing {
                guard resynchronise() else { return nil }
                continue
            }
            guard let headerEnd = findHeaderEnd() else {
                if buffer.count - start > maxHeaderBytes {
                    consume(1)
                    resyncing = true
                    return .error(FramingError(reason: "no header end within \(maxHeaderBytes) bytes"))
                }
                return nil
            }
            let header = buffer[start..<headerEnd]
            consume(headerEnd + 4 - start)
            let parsed = Self.parseHeader(header, maxContentLength: maxContentLength)
            if let error = parsed.error {
                if let length = parsed.length {
                    pendingSkip = length
                } else {
                    resyncing = true
                }
                return .error(error)
            }
            pendingLength = parsed.length
        }
    }

    /// Frames a message body: `Content-Length` counts its UTF-8 bytes.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var out = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        out.append(contentsOf: body)
        return out
    }

    // MARK: - Internals

    private mutating func consume(_ count: Int) {
        start += count
        if scanFrom < start { scanFrom = start }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count <= 1 << 20)
            start = 0
            scanFrom = 0
        }
    }

    /// Absolute offset of the `\r\n\r\n` ending the header block that begins at `start`.
    private mutating func findHeaderEnd() -> Int? {
        var index = max(scanFrom, start)
        let count = buffer.count
        while index + 3 < count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        scanFrom = max(start, count - 3)
        return nil
    }

    /// Drops bytes up to the next `Content-Length:` (case-insensitive); false when it has not arrived.
    private mutating func resynchronise() -> Bool {
        let needle = Array("content-length:".utf8)
        var index = start
        let count = buffer.count
        while index + needle.count <= count {
            var matched = true
            for offset in 0..<needle.count {
                var byte = buffer[index + offset]
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if byte != needle[offset] {
                    matched = false
                    break
                }
            }
            if matched {
                consume(index - start)
                resyncing = false
                return true
            }
            index += 1
        }
        // Keep a tail that may be the start of a split "Content-Length:".
        let keep = min(needle.count - 1, count - start)
        consume(count - start - keep)
        return false
    }

    private static func parseHeader(
        _ header: ArraySlice<UInt8>, maxContentLength: Int
    ) -> (length: Int?, error: FramingError?) {
        var contentLength: Int?
        var charsetError: FramingError?
        let text = String(decoding: header, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                return (nil, FramingError(reason: "header line without ':' (\(line.prefix(40).debugDescription))"))
            }
            let name = line[..<colon].trimmingSpaces.lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(value) else {
                    return (nil, FramingError(reason: "Content-Length is not a number (\(value.prefix(40).debugDescription))"))
                }
                guard length <= maxContentLength else {
                    return (nil, FramingError(reason: "Content-Length \(length) exceeds the limit of \(maxContentLength) bytes"))
                }
                contentLength = length
            case "content-type":
                for parameter in value.split(separator: ";").dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "charset" else { continue }
                    let charset = pair[1].trimmingSpaces.lowercased().replacingQuotes
                    guard charset == "utf-8" || charset == "utf8" else {
                        charsetError = FramingError(reason: "unsupported charset \(charset.debugDescription); only utf-8 is supported")
                        continue
                    }
                }
            default:
                continue
            }
        }
        guard let contentLength else { return (nil, FramingError(reason: "missing Content-Length header")) }
        return (contentLength, charsetError)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

extension String {
    fileprivate var trimmingSpaces: String { self[...].trimmingSpaces }
    fileprivate var replacingQuotes: String { filter { $0 != "\"" } }
}
