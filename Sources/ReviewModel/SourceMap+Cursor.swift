extension LineIndex {
    /// A cursor for the positions of many byte offsets asked one at a time, mostly in ascending
    /// order: each answer is ``LineIndex/position(ofByte:)``'s, but the line is found by stepping
    /// forward from the previous offset's (a binary search only after a backward or a long
    /// jump), and an offset on the same line as the previous one continues its UTF-16 count
    /// instead of scanning the line from its start.
    ///
    /// - Complexity: amortised O(1) per offset plus the bytes scanned, for ascending offsets.
    public struct PositionCursor {
        private let lines: LineIndex
        /// The line of the previous offset (-1: none yet), the offset where the next line
        /// starts, and how far into the line the UTF-16 count `utf16` has been taken.
        private var line = -1
        private var lineEnd = -1
        private var scanned = 0
        private var utf16 = 0

        init(_ lines: LineIndex) { self.lines = lines }

        /// The position of a byte offset, clamped to the source (the same as ``LineIndex/position(ofByte:)``).
        public mutating func position(ofByte byteOffset: Int) -> SourcePosition {
            let starts = lines.lineStarts
            return lines.bytes.withUnsafeBufferPointer { bytes in
                let offset = max(0, min(byteOffset, bytes.count))
                if line < 0 || offset >= lineEnd || offset < scanned {
                    var next = line
                    if line >= 0, offset >= lineEnd {
                        // Usually a few lines on: stepped to, else searched.
                        var steps = 0
                        while next + 1 < starts.count, starts[next + 1] <= offset, steps < 16 {
                            next += 1
                            steps += 1
                        }
                        if next + 1 < starts.count, starts[next + 1] <= offset { next = lines.line(ofByte: offset) }
                    } else if line < 0 || offset < starts[line] {
                        next = lines.line(ofByte: offset)
                    }
                    line = next
                    scanned = starts[line]
                    lineEnd = line + 1 < starts.count ? starts[line + 1] : bytes.count + 1
                    utf16 = 0
                }
                // Eight ASCII bytes at a time (one UTF-16 unit each) while they all lie before the offset.
                let raw = UnsafeRawBufferPointer(bytes)
                while scanned + 8 <= offset, raw.loadUnaligned(fromByteOffset: scanned, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    utf16 += 8
                    scanned += 8
                }
                let (units, reached) = LineIndex.utf16Units(bytes, from: scanned, to: offset)
                utf16 += units
                scanned = reached
                return SourcePosition(line: line, utf16Column: utf16, utf8Column: offset - starts[line], byteOffset: offset)
            }
        }
    }

    /// A cursor that answers ``position(ofByte:)`` for offsets asked mostly in ascending order.
    public func positionCursor() -> PositionCursor { PositionCursor(self) }
}

extension SourceMap.Segment {
    /// The source byte offset of a text offset, for the segment found for it (the last one
    /// starting at or before it, or the first): exact inside a verbatim run, the start of the
    /// source span inside a transformed one, the span's end past the run's text.
    @inline(__always)
    func sourceOffset(ofText offset: Int) -> Int {
        if offset < textStart { return sourceStart }
        let delta = offset - textStart
        if delta >= textLength { return sourceStart + sourceLength }
        if isVerbatim { return sourceStart + delta }
        return sourceStart
    }
}

extension SourceMap {
    /// A cursor for the source positions of many text offsets asked one at a time, mostly in
    /// ascending order: each answer is ``SourceMap/position(ofText:)``'s, but the segment is
    /// found by stepping forward from the previous offset's (a binary search only after a
    /// backward or a long jump), and the line and column by a ``LineIndex/PositionCursor``.
    ///
    /// For callers that place thousands of spans in text order (the tagger's evidence) without
    /// collecting the offsets into an array first, as ``SourceMap/positions(ofText:)`` needs.
    ///
    /// ```swift
    /// var cursor = document.sourceMap.positionCursor()
    /// for range in ranges { print(cursor.position(ofText: range.start).line) }
    /// ```
    ///
    /// - Complexity: amortised O(1) per offset plus the bytes scanned, for ascending offsets.
    public struct PositionCursor {
        private let segments: [Segment]
        private var lines: LineIndex.PositionCursor
        /// The segment of the previous offset.
        private var segment = 0

        init(_ map: SourceMap) {
            segments = map.segments
            lines = map.lines.positionCursor()
        }

        /// The source position of a text offset (the same as ``SourceMap/position(ofText:)``).
        public mutating func position(ofText offset: Int) -> SourcePosition {
            lines.position(ofByte: sourceOffset(ofText: offset))
        }

        /// ``SourceMap/sourceOffset(ofText:)`` from the previous offset's segment.
        mutating func sourceOffset(ofText offset: Int) -> Int {
            let count = segments.count
            guard count > 0 else { return 0 }
            if segments[segment].textStart > offset {
                // Backwards: the last segment starting at or before the offset (the first when none does).
                segment = lastSegment(startingAtOrBefore: offset, in: 0, segment)
            } else {
                var steps = 0
                while segment + 1 < count, segments[segment + 1].textStart <= offset, steps < 16 {
                    segment += 1
                    steps += 1
                }
                if segment + 1 < count, segments[segment + 1].textStart <= offset {
                    segment = lastSegment(startingAtOrBefore: offset, in: segment, count - 1)
                }
            }
            return segments[segment].sourceOffset(ofText: offset)
        }

        /// The last segment of `low...high` starting at or before `offset` (`low` when none does).
        private func lastSegment(startingAtOrBefore offset: Int, in low: Int, _ high: Int) -> Int {
            var low = low
            var high = high
            while low < high {
                let mid = (low + high + 1) / 2
                if segments[mid].textStart <= offset { low = mid } else { high = mid - 1 }
            }
            return low
        }
    }

    /// A cursor that answers ``position(ofText:)`` for offsets asked mostly in ascending order.
    public func positionCursor() -> PositionCursor { PositionCursor(self) }
}
