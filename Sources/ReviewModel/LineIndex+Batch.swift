extension LineIndex {
    /// The positions of many byte offsets at once (any order; each clamped to the source).
    ///
    /// Offsets are visited in ascending order so that offsets on the same line share one
    /// scan of it: the cost is one binary search per line touched plus the bytes scanned,
    /// instead of a scan from the line start for every offset. Used by the language server,
    /// which places hundreds of diagnostics per keystroke.
    public func positions(ofBytes offsets: [Int]) -> [SourcePosition] {
        var result = [SourcePosition](repeating: SourcePosition(line: 0, utf16Column: 0, utf8Column: 0, byteOffset: 0), count: offsets.count)
        let order = LineIndex.ascendingOrder(offsets)
        var line = -1
        var lineEnd = -1
        var cursor = 0
        var utf16 = 0
        bytes.withUnsafeBufferPointer { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            for index in order {
                let offset = max(0, min(offsets[index], bytes.count))
                if line < 0 || offset >= lineEnd || offset < cursor {
                    // Offsets ascend: a later line is usually a few lines on (stepped to), else searched.
                    var next = line
                    if line >= 0, offset >= lineEnd {
                        var steps = 0
                        while next + 1 < lineStarts.count, lineStarts[next + 1] <= offset, steps < 16 {
                            next += 1
                            steps += 1
                        }
                        if next + 1 < lineStarts.count, lineStarts[next + 1] <= offset { next = self.line(ofByte: offset) }
                    } else if line < 0 || offset < lineStarts[line] {
                        next = self.line(ofByte: offset)
                    }
                    line = next
                    cursor = lineStarts[line]
                    lineEnd = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count + 1
                    utf16 = 0
                }
                // Eight ASCII bytes at a time (one UTF-16 unit each) while they all lie before the offset.
                while cursor + 8 <= offset, raw.loadUnaligned(fromByteOffset: cursor, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    utf16 += 8
                    cursor += 8
                }
                while cursor < offset {
                    let byte = bytes[cursor]
                    let width: Int
                    if byte < 0x80 { width = 1 } else if byte < 0xE0 { width = 2 } else if byte < 0xF0 { width = 3 } else { width = 4 }
                    utf16 += width == 4 ? 2 : 1
                    cursor += width
                }
                result[index] = SourcePosition(line: line, utf16Column: utf16, utf8Column: offset - lineStarts[line], byteOffset: offset)
            }
        }
        return result
    }

    /// The indices of `offsets` in ascending order of offset (equal offsets in index order).
    static func ascendingOrder(_ offsets: [Int]) -> [Int] {
        var ascending = true
        var index = 1
        while index < offsets.count {
            if offsets[index] < offsets[index - 1] {
                ascending = false
                break
            }
            index += 1
        }
        if ascending { return Array(offsets.indices) }
        // Offset and index packed in one integer when both fit in 32 bits: a plain integer sort.
        if offsets.count < 1 << 31, !offsets.contains(where: { $0 < 0 || $0 >= 1 << 32 }) {
            var packed = offsets.indices.map { UInt64(offsets[$0]) << 32 | UInt64($0) }
            packed.sort()
            return packed.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
        }
        return offsets.indices.sorted { (offsets[$0], $0) < (offsets[$1], $1) }
    }
}
