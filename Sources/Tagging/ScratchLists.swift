/// Helpers for the per-sentence scratch lists of the sweep and people discovery.
extension Array {
    /// Removes elements from the end until `count` are left, keeping the storage. For the few
    /// elements of a sentence's scratch list far cheaper than `removeAll(keepingCapacity:)` or
    /// `removeLast(_:)`, which go through the generic `replaceSubrange`.
    @inline(__always)
    mutating func truncate(to count: Int) {
        while self.count > count { removeLast() }
    }

    /// Whether no element comes before the one ahead of it: sorting by the same order would
    /// leave the array as it is (the standard sort is stable), so a sentence's list, nearly
    /// always in order already, is checked before it is sorted.
    @inline(__always)
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        var index = 1
        while index < count {
            if areInIncreasingOrder(self[index], self[index - 1]) { return false }
            index += 1
        }
        return true
    }
}
