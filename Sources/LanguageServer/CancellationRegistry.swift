import Foundation
import JSONRPC

/// Requests in flight and the ones the client cancelled, shared between the transport's
/// reader thread (which sees `$/cancelRequest` as soon as it arrives, ahead of queued work)
/// and the server.
///
/// `@unchecked Sendable`: every access to the two sets happens under `lock`.
public final class CancellationRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var inFlight: Set<RequestID> = []
    private var cancelled: Set<RequestID> = []

    public init() {}

    /// The transport's intercept: records requests as in flight and consumes `$/cancelRequest`.
    public func intercept(_ message: Message) -> Bool {
        switch message {
        case .request(let id, _, _):
            lock.lock()
            inFlight.insert(id)
            lock.unlock()
            return false
        case .notification("$/cancelRequest", let params):
            if let raw = params?["id"], let id = RequestID(json: raw) {
                lock.lock()
                if inFlight.contains(id) { cancelled.insert(id) }
                lock.unlock()
            }
            return true
        default:
            return false
        }
    }

    /// Whether the client cancelled the request.
    public func isCancelled(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled.contains(id)
    }

    /// Forgets a request once it has been answered; returns whether it had been cancelled.
    @discardableResult
    public func finish(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        inFlight.remove(id)
        return cancelled.remove(id) != nil
    }
}
