#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What the transport delivers, in arrival order.
public enum TransportEvent: Sendable {
    /// A decoded message.
    case message(Message)
    /// A body that is not a valid JSON-RPC message (answer it with ``MessageDecodingError/response``).
    case undecodable(MessageDecodingError)
    /// Bytes that were not a valid frame and were skipped.
    case framingError(MessageFramer.FramingError)
}

/// JSON-RPC over a pair of file descriptors (stdin/stdout for a language server).
///
/// Input is read on a dedicated thread, framed and decoded there, and delivered as an
/// `AsyncStream`; an `intercept` closure sees each message first on that thread (a server
/// uses it to register `$/cancelRequest` before queued work reaches it). Output frames are
/// written whole under a lock, so concurrent senders never interleave.
public final class StdioTransport: Sendable {
    private let inputFD: Int32
    private let outputFD: Int32
    /// Serialises writes to `outputFD` so that frames are never interleaved.
    private let writeLock = NSLock()

    /// A transport over the given descriptors.
    public init(input: Int32, output: Int32) {
        self.inputFD = input
        self.outputFD = output
        signal(SIGPIPE, SIG_IGN)
    }

    /// A transport over stdin and a private duplicate of stdout; file descriptor 1 is then
    /// pointed at stderr, so a stray `print` goes to the log instead of corrupting frames.
    public static func guardingStandardOutput() -> StdioTransport {
        fflush(nil)
        let protocolFD = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        return StdioTransport(input: STDIN_FILENO, output: protocolFD >= 0 ? protocolFD : STDOUT_FILENO)
    }

    /// Writes one framed message; returns false when the peer has gone.
    @discardableResult
    public func send(_ message: Message) -> Bool {
        sendFramed(message.framed())
    }

    /// Writes an already framed message (header and body) atomically with respect to other sends.
    @discardableResult
    public func sendFramed(_ frame: [UInt8]) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        return frame.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written = write(outputFD, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Starts the reader thread and returns the incoming events; the stream finishes at end of input.
    ///
    /// - Parameter intercept: called on the reader thread for every decoded message; return
    ///   true to consume it there (it is then not delivered to the stream).
    public func start(intercept: @escaping @Sendable (Message) -> Bool = { _ in false }) -> AsyncStream<TransportEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TransportEvent.self)
        let fd = inputFD
        let thread = Thread {
            var framer = MessageFramer()
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    break
                }
                if count == 0 { break }
                framer.feed(chunk[0..<count])
                while let event = framer.next() {
                    switch event {
                    case .message(let body):
                        switch Result(catching: { () throws(MessageDecodingError) -> Message in try Message.decode(body) }) {
                        case .success(let message):
                            if !intercept(message) { continuation.yield(.message(message)) }
                        case .failure(let error):
                            continuation.yield(.undecodable(error))
                        }
                    case .error(let error):
                        continuation.yield(.framingError(error))
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "jsonrpc-reader"
        thread.stackSize = 8 << 20
        thread.start()
        return stream
    }
}
