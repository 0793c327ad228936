extension SourceMap {
    /// A cursor for the source positions of many text offsets asked one at a time, mostly in
    /// ascending order, that does not count UTF-16 units through ASCII: each answer is
    /// ``SourceMap/position(ofText:)``'s, but where the bytes from the line's start to the offset
    /// are all ASCII (most of a review's lines, up to its first typographic quote or dash) the
    /// UTF-16 column is the UTF-8 column: the source's non-ASCII bytes are listed once (32 bytes
    /// checked a step), and no byte is walked up to a line's first of them. Past it the cursor
    /// walks the characters as ``PositionCursor`` does.
    ///
    /// For the tagger, which places tens of thousands of evidence spans per document.
    ///
    /// ```swift
    /// var cursor = document.sourceMap.asciiPositionCursor()
    /// for range in ranges { print(cursor.position(ofText: range.start).utf16Column) }
    /// ```
    ///
    /// - Complexity: amortised O(1) per offset plus the bytes checked, for ascending offsets.
    public struct ASCIIPositionCursor {
        /// Finds the segment of a text offset (its line and column are found here).
        private var segments: PositionCursor
        private let lines: LineIndex
        private let bytes: [UInt8]
        private let starts: [Int]
        /// The offsets of the source's bytes that are not ASCII, ascending.
        private let wide: [Int]
        /// The line of the previous offset (-1: none yet), where it starts, and where the next
        /// one starts (one past the source's end for the last line).
        private var line = -1
        private var lineStart = 0
        private var lineEnd = -1
        /// The first byte at or after `lineStart` that is not ASCII (the source's end when none
        /// is), and its place in `wide`: the bytes `lineStart..<asciiEnd` are all ASCII.
        private var asciiEnd = 0
        private var wideIndex = 0
        /// The character walk past `asciiEnd`: the UTF-16 units of `lineStart..<scanned`.
        private var scanned = 0
        private var utf16 = 0

        init(_ map: SourceMap) {
            segments = map.positionCursor()
            lines = map.lines
            bytes = map.lines.bytes
            starts = map.lines.lineStarts
            wide = Self.nonASCIIOffsets(map.lines.bytes)
        }

        /// The source position of a text offset (the same as ``SourceMap/position(ofText:)``).
        public mutating func position(ofText offset: Int) -> SourcePosition {
            position(ofByte: segments.sourceOffset(ofText: offset))
        }

        /// The position of a source byte offset, clamped to the source (the same as
        /// ``LineIndex/position(ofByte:)``).
        public mutating func position(ofByte byteOffset: Int) -> SourcePosition {
            let offset = max(0, min(byteOffset, bytes.count))
            if line < 0 || offset >= lineEnd || offset < lineStart { enterLine(of: offset) }
            let column = offset - lineStart
            if offset <= asciiEnd {
                return SourcePosition(line: line, utf16Column: column, utf8Column: column, byteOffset: offset)
            }
            // Past the line's first non-ASCII byte: characters walked from the last walked one, or
            // from that byte (everything before it is one unit a byte).
            if offset < scanned || scanned < asciiEnd {
                scanned = asciiEnd
                utf16 = asciiEnd - lineStart
            }
            let (units, reached) = bytes.withUnsafeBufferPointer { LineIndex.utf16Units($0, from: scanned, to: offset) }
            utf16 += units
            scanned = reached
            return SourcePosition(line: line, utf16Column: utf16, utf8Column: column, byteOffset: offset)
        }

        /// Moves to the line that holds `offset` (a few lines on: stepped to, else searched) and
        /// finds the line's first non-ASCII byte in `wide`.
        private mutating func enterLine(of offset: Int) {
            var next = max(line, 0)
            let stepLimit = line < 0 || offset < lineStart ? next : min(starts.count - 1, line + 16)
            while next < stepLimit, starts[next + 1] <= offset { next += 1 }
            if offset < starts[next] || (next + 1 < starts.count && starts[next + 1] <= offset) { next = lines.line(ofByte: offset) }
            line = next
            lineStart = starts[next]
            lineEnd = next + 1 < starts.count ? starts[next + 1] : bytes.count + 1
            scanned = lineStart
            utf16 = 0
            // The first entry of `wide` at or after the line's start: a few entries on, else searched.
            let wideLimit = wideIndex > 0 && wide[wideIndex - 1] >= lineStart ? wideIndex : min(wide.count, wideIndex + 16)
            while wideIndex < wideLimit, wide[wideIndex] < lineStart { wideIndex += 1 }
            if (wideIndex < wide.count && wide[wideIndex] < lineStart) || (wideIndex > 0 && wide[wideIndex - 1] >= lineStart) {
                wideIndex = Self.firstIndex(of: wide, atOrAfter: lineStart)
            }
            asciiEnd = wideIndex < wide.count ? wide[wideIndex] : bytes.count
        }

        /// The offsets of the bytes that are not ASCII (32 bytes checked a step; few reviews have
        /// more than a few hundred such bytes, typographic quotes and dashes).
        static func nonASCIIOffsets(_ bytes: [UInt8]) -> [Int] {
            var offsets: [Int] = []
            bytes.withUnsafeBufferPointer { buffer in
                let raw = UnsafeRawBufferPointer(buffer)
                let high: UInt64 = 0x8080_8080_8080_8080
                var index = 0
                while index + 32 <= buffer.count {
                    let a = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let b = raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    let c = raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                    let d = raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
                    if (a | b | c | d) & high != 0 {
                        for offset in index..<index + 32 where buffer[offset] >= 0x80 { offsets.append(offset) }
                    }
                    index += 32
                }
                while index < buffer.count {
                    if buffer[index] >= 0x80 { offsets.append(index) }
                    index += 1
                }
            }
            return offsets
        }

        /// The first index of ascending `values` whose value is at or after `offset`
        /// (`values.count` when none is).
        private static func firstIndex(of values: [Int], atOrAfter offset: Int) -> Int {
            var low = 0
            var high = values.count
            while low < high {
                let middle = (low + high) >> 1
                if values[middle] < offset { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// A cursor that answers ``position(ofText:)`` for offsets asked mostly in ascending order,
    /// reading the UTF-16 column off the UTF-8 column while a line is ASCII.
    public func asciiPositionCursor() -> ASCIIPositionCursor { ASCIIPositionCursor(self) }
}
