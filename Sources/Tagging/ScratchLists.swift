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

extension MutableCollection where Self: RandomAccessCollection, Index == Int {
    /// Sorts the list in place, keeping equal elements in the order they were in (as the
    /// standard sort does, which is stable): an insertion sort for the few elements of a
    /// sentence's list, which are nearly in order already (no buffer, no generic merge), the
    /// standard sort for a long list (a table row).
    @inline(__always)
    mutating func sortShortList(by areInIncreasingOrder: (Element, Element) -> Bool) {
        if count > 32 {
            sort(by: areInIncreasingOrder)
            return
        }
        var index = startIndex + 1
        while index < endIndex {
            let item = self[index]
            var slot = index
            while slot > startIndex, areInIncreasingOrder(item, self[slot - 1]) {
                self[slot] = self[slot - 1]
                slot -= 1
            }
            if slot != index { self[slot] = item }
            index += 1
        }
    }
}

/// A sentence's list element over a token span, which the sweep orders by start, the longer
/// first at one start (``UnsafeMutableBufferPointer/sortBySpan()``).
protocol TokenSpanned {
    var start: Int { get }
    var end: Int { get }
}

extension Mention: TokenSpanned {}
extension TargetMatch: TokenSpanned {}

extension UnsafeMutableBufferPointer where Element: TokenSpanned {
    /// Sorts by start, the longer first at one start, keeping equal spans in their order: the
    /// order `sortShortList { ($0.start, -$0.end) < ($1.start, -$1.end) }` gives, with the
    /// comparison written into the insertion sort (passed as a closure, it was a call per
    /// comparison).
    @inline(__always)
    func sortBySpan() {
        if count > 32 {
            var list = self
            list.sortShortList { ($0.start, -$0.end) < ($1.start, -$1.end) }
            return
        }
        var index = startIndex + 1
        while index < endIndex {
            let item = self[index]
            var slot = index
            while slot > startIndex, item.start < self[slot - 1].start || (item.start == self[slot - 1].start && item.end > self[slot - 1].end) {
                self[slot] = self[slot - 1]
                slot -= 1
            }
            if slot != index { self[slot] = item }
            index += 1
        }
    }
}

/// A list the sweep refills for every sentence, whose storage only grows: it is emptied by
/// resetting its count, where an `Array` emptied element by element checked its uniqueness for
/// every element (and `removeAll(keepingCapacity:)` cost more still). Its elements are the first
/// `count` of the storage; the ones after are left over from earlier sentences (plain values:
/// nothing is kept alive by them).
struct ScratchList<Element: BitwiseCopyable>: RandomAccessCollection, MutableCollection {
    private var storage: [Element] = []
    /// One past the last element (the count).
    private(set) var endIndex = 0

    var startIndex: Int { 0 }

    /// (Debug builds check the index against the count; release builds rely on the storage's own
    /// bounds check, which keeps a wrong index memory-safe: a second check per access cost the
    /// sweep more than its lists' refills saved.)
    subscript(position: Int) -> Element {
        @inline(__always) get {
            assert(position < endIndex, "ScratchList index out of range")
            return storage[position]
        }
        @inline(__always) set {
            assert(position < endIndex, "ScratchList index out of range")
            storage[position] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if endIndex < storage.count {
            storage[endIndex] = element
        } else {
            storage.append(element)
        }
        endIndex += 1
    }

    /// Keeps the first `count` elements (the storage is kept).
    mutating func truncate(to count: Int) {
        if count < endIndex { endIndex = count }
    }

    /// Replaces the elements with the ones `body` writes: `body` gets a buffer of room for at
    /// least `capacity` elements (the storage grown with copies of `filler` when short) and
    /// returns how many it wrote, from the buffer's start. One uniqueness check of the storage
    /// for the whole list, where each append checks it again.
    mutating func refill(capacity: Int, filler: Element, _ body: (UnsafeMutableBufferPointer<Element>) -> Int) {
        if storage.count < capacity { storage.append(contentsOf: repeatElement(filler, count: capacity - storage.count)) }
        let count = storage.withUnsafeMutableBufferPointer { body($0) }
        precondition(count <= storage.count, "ScratchList refilled past its storage")
        endIndex = count
    }

    /// The elements in place, to change (not to add or remove: see ``truncate(to:)``).
    mutating func withUnsafeMutableBufferPointer<Result>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> Result) rethrows -> Result {
        let count = endIndex
        return try storage.withUnsafeMutableBufferPointer { try body(UnsafeMutableBufferPointer(rebasing: $0[..<count])) }
    }

    /// The elements in place, for the standard algorithms' contiguous paths (a sort through
    /// the collection's subscript was ten times slower).
    func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result? {
        let count = endIndex
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    mutating func withContiguousMutableStorageIfAvailable<Result>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> Result
    ) rethrows -> Result? {
        let count = endIndex
        return try storage.withUnsafeMutableBufferPointer { storage in
            var elements = UnsafeMutableBufferPointer(rebasing: storage[..<count])
            return try body(&elements)
        }
    }
}
