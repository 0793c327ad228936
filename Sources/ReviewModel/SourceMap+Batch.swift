extension SourceMap {
    /// The source positions of many text offsets at once (any order): for each offset the
    /// same position as ``position(ofText:)``.
    ///
    /// Offsets are visited in ascending order by one ``PositionCursor``, so the segment is found
    /// by stepping forward instead of a binary search per offset, and offsets on one line share
    /// one scan of it. Used by the tagger, which places thousands of evidence spans per document.
    ///
    /// - Complexity: O(n log n) for `n` offsets when they are not already ascending, plus
    ///   O(segments + lines touched + bytes scanned).
    public func positions(ofText offsets: [Int]) -> [SourcePosition] {
        var result = [SourcePosition](repeating: SourcePosition(line: 0, utf16Column: 0, utf8Column: 0, byteOffset: 0), count: offsets.count)
        var cursor = positionCursor()
        for index in LineIndex.ascendingOrder(offsets) { result[index] = cursor.position(ofText: offsets[index]) }
        return result
    }
}
