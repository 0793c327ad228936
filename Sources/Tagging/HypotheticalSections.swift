import ReviewModel

/// The section headings that make their content hypothetical ("Recommendations", "Terms of
/// reference"): a block lies in such a section when a heading of its section path, or the block
/// itself when it is a heading, contains one of the words (ASCII case-insensitively, anywhere in
/// the heading, as bytes).
struct HypotheticalSections {
    /// The words, lower-cased (empty ones dropped: they would name every section).
    private let words: [[UInt8]]
    /// Per lower-cased byte value, whether some word starts with it: the search compares words
    /// only at the heading bytes that may start one.
    private let startsWord: [Bool]

    init(_ sections: [String]) {
        words = sections.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        var starts = [Bool](repeating: false, count: 256)
        for word in words { starts[Int(word[0])] = true }
        startsWord = starts
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// Whether the heading bytes contain one of the words.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        var start = 0
        while start < count {
            let first = HypotheticalSections.lower(bytes[start])
            if startsWord[Int(first)] {
                for word in words where word[0] == first && start + word.count <= count {
                    var matched = 1
                    while matched < word.count, HypotheticalSections.lower(bytes[start + matched]) == word[matched] { matched += 1 }
                    if matched == word.count { return true }
                }
            }
            start += 1
        }
        return false
    }

    /// Whether the heading contains one of the words.
    func contains(_ heading: String) -> Bool {
        var heading = heading
        return heading.withUTF8 { contains($0) }
    }

    /// Per block of the document, whether it lies in (or is the heading of) such a section.
    /// Consecutive blocks of one section share its path (often the same array storage, which
    /// `==` compares first): the previous answer is reused without reading the path again. A
    /// heading's own text is searched in the document's bytes (no string cut out).
    func blocks(of document: ReviewDocument) -> [Bool] {
        var result: [Bool] = []
        result.reserveCapacity(document.blocks.count)
        var previousSection: [String]?
        var previousValue = false
        var text = document.text
        text.withUTF8 { utf8 in
            for index in document.blocks.indices {
                let isHeading = document.blocks[index].kind == .heading
                if !isHeading, let previousSection, previousSection == document.blocks[index].section {
                    result.append(previousValue)
                    continue
                }
                let section = document.blocks[index].section
                var value = section.contains { contains($0) }
                if isHeading, !value {
                    let range = document.blocks[index].range
                    value = contains(UnsafeBufferPointer(rebasing: utf8[range.start..<range.end]))
                }
                if !isHeading {
                    previousSection = section
                    previousValue = value
                }
                result.append(value)
            }
        }
        return result
    }
}
