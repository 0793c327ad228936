#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension LineIndex {
    /// Appends the line starts (after the first) of a source without carriage returns, the
    /// usual case: every line ends at a line feed, which `memchr` finds many bytes at a time.
    /// Returns false, appending nothing, when the source has a carriage return (the caller
    /// then scans it for CR, LF and CRLF).
    static func lineFeedStarts(of buffer: UnsafeBufferPointer<UInt8>, into starts: inout [Int]) -> Bool {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return true }
        let count = buffer.count
        if memchr(base, 0x0D, count) != nil { return false }
        var from = 0
        while from < count, let hit = memchr(base + from, 0x0A, count - from) {
            let index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            starts.append(index + 1)
            from = index + 1
        }
        return true
    }
}
