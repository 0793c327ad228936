extension SourceMap {
    /// The source positions of many text offsets at once (any order): for each offset the
    /// same position as ``position(ofText:)``.
    ///
    /// Offsets are visited in ascending order, so the segment is found by stepping forward
    /// instead of a binary search per offset, and ``LineIndex/positions(ofBytes:)`` shares one
    /// scan per line. Used by the tagger, which places thousands of evidence spans per document.
    ///
    /// - Complexity: O(n log n) for `n` offsets when they are not already ascending, plus
    ///   O(segments + lines touched + bytes scanned).
    public func positions(ofText offsets: [Int]) -> [SourcePosition] {
        var sourceOffsets = [Int](repeating: 0, count: offsets.count)
        if !segments.isEmpty, !offsets.isEmpty {
            let order = LineIndex.ascendingOrder(offsets)
            segments.withUnsafeBufferPointer { segments in
                var low = 0
                for index in order {
                    let offset = offsets[index]
                    // The last segment starting at or before the offset (the first when none does).
                    while low + 1 < segments.count, segments[low + 1].textStart <= offset { low += 1 }
                    let segment = segments[low]
                    let result: Int
                    if offset < segment.textStart {
                        result = segment.sourceStart
                    } else {
                        let delta = offset - segment.textStart
                        if delta >= segment.textLength {
                            result = segment.sourceStart + segment.sourceLength
                        } else if segment.isVerbatim {
                            result = segment.sourceStart + delta
                        } else {
                            result = segment.sourceStart
                        }
                    }
                    sourceOffsets[index] = result
                }
            }
        }
        return lines.positions(ofBytes: sourceOffsets)
    }
}
