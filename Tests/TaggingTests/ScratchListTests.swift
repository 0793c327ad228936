import TestSupport
import Testing

@testable import Tagging

@Suite struct ScratchListTests {
    /// Refilled many times over with lists of different lengths (shorter and longer than the
    /// storage left by the one before), a scratch list holds exactly what an array refilled the
    /// same way holds: emptying it leaves nothing of the earlier elements visible.
    @Test func holdsWhatAnArrayHoldsAcrossRefills() {
        var numbers = SeededGenerator(seed: 5)
        var list = ScratchList<Int>()
        var array: [Int] = []
        for round in 0..<300 {
            list.truncate(to: 0)
            array.removeAll()
            for _ in 0..<Int(numbers.next() % 12) {
                let value = Int(numbers.next() % 50)
                list.append(value)
                array.append(value)
            }
            if round % 3 == 0, !array.isEmpty {
                let kept = Int(numbers.next() % UInt64(array.count))
                list.truncate(to: kept)
                array.removeLast(array.count - kept)
            }
            if round % 5 == 0 {
                list.sort()
                array.sort()
            }
            #expect(Array(list) == array, "round \(round)")
            #expect(list.count == array.count)
            #expect(list.isEmpty == array.isEmpty)
        }
    }

    /// A refill replaces the elements with the ones written, however many the storage held
    /// before (room is made for the capacity asked, past the storage's end too), and the buffer
    /// changes them in place.
    @Test func refillReplacesTheElements() {
        var numbers = SeededGenerator(seed: 9)
        var list = ScratchList<Int>()
        for round in 0..<200 {
            let capacity = Int(numbers.next() % 20)
            let values = (0..<Int(numbers.next() % UInt64(capacity + 1))).map { _ in Int(numbers.next() % 50) }
            list.refill(capacity: capacity, filler: -1) { buffer in
                #expect(buffer.count >= capacity, "round \(round)")
                for (index, value) in values.enumerated() { buffer[index] = value }
                return values.count
            }
            #expect(Array(list) == values, "round \(round)")
            list.withUnsafeMutableBufferPointer { buffer in
                #expect(buffer.count == values.count)
                for index in buffer.indices { buffer[index] += 1 }
            }
            #expect(Array(list) == values.map { $0 + 1 }, "round \(round)")
        }
    }

    /// Truncating to more than the count keeps the list as it is.
    @Test func truncatingPastTheEndKeepsTheList() {
        var list = ScratchList<Int>()
        for value in [3, 1, 2] { list.append(value) }
        list.truncate(to: 5)
        #expect(Array(list) == [3, 1, 2])
        list[1] = 7
        #expect(Array(list) == [3, 7, 2])
    }
}
