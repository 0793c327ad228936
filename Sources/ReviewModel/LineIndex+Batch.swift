extension LineIndex {
    /// The positions of many byte offsets at once (any order; each clamped to the source).
    ///
    /// Offsets are visited in ascending order by one ``PositionCursor``, so that offsets on the
    /// same line share one scan of it: the cost is one binary search per line touched plus the
    /// bytes scanned, instead of a scan from the line start for every offset. Used by the
    /// language server, which places hundreds of diagnostics per keystroke.
    public func positions(ofBytes offsets: [Int]) -> [SourcePosition] {
        var result = [SourcePosition](repeating: SourcePosition(line: 0, utf16Column: 0, utf8Column: 0, byteOffset: 0), count: offsets.count)
        var cursor = positionCursor()
        for index in LineIndex.ascendingOrder(offsets) { result[index] = cursor.position(ofByte: offsets[index]) }
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
