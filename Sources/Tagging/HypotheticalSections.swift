import ReviewModel

/// The section headings that make their content hypothetical ("Recommendations", "Terms of
/// reference"): a block lies in such a section when a heading of its section path, or the block
/// itself when it is a heading, names one: it contains one of the words (ASCII
/// case-insensitively, as whole words) and no analysis word comes before it in the heading.
/// "8. Analysis against the terms of reference", "Findings and recommendations" and "Findings
/// of the research" hold the case's facts; "Terms of reference", "Single agency
/// recommendations" and "Summary of recommendations" do not.
struct HypotheticalSections {
    /// The words' lower-cased bytes back to back, grouped by first byte (empty words dropped:
    /// they would name every section), and where each word starts and ends in them.
    private let bytes: [UInt8]
    private let wordStarts: [Int32]
    private let wordEnds: [Int32]
    /// Per lower-cased byte value `b`, the words starting with it: `groups[b]..<groups[b + 1]`.
    /// The search compares only the words that start with the heading byte at hand.
    private let groups: [Int32]

    init(_ sections: [String]) {
        let words = sections.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        // Words in order of first byte (stable), then each group's start: the count of words
        // with a smaller first byte.
        var groups = [Int32](repeating: 0, count: 257)
        for word in words { groups[Int(word[0]) + 1] += 1 }
        for first in 0..<256 { groups[first + 1] += groups[first] }
        for word in words.sorted(by: { $0[0] < $1[0] }) {
            starts.append(Int32(bytes.count))
            bytes.append(contentsOf: word)
            ends.append(Int32(bytes.count))
        }
        self.bytes = bytes
        wordStarts = starts
        wordEnds = ends
        self.groups = groups
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// Whether a byte belongs to a word: an ASCII letter or digit, or any non-ASCII byte.
    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
    }

    /// Whether the heading bytes name a hypothetical section (see the type's comment).
    func contains(_ heading: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { words in
            wordStarts.withUnsafeBufferPointer { wordStarts in
                wordEnds.withUnsafeBufferPointer { wordEnds in
                    groups.withUnsafeBufferPointer { groups in
                        let count = heading.count
                        var start = 0
                        while start < count {
                            // A section word names the heading only as a whole word (``names``):
                            // only the word starts are tried.
                            if start > 0, HypotheticalSections.isWordByte(heading[start - 1]) {
                                start += 1
                                continue
                            }
                            let first = Int(HypotheticalSections.lower(heading[start]))
                            var word = Int(groups[first])
                            let last = Int(groups[first + 1])
                            while word < last {
                                let from = Int(wordStarts[word])
                                let length = Int(wordEnds[word]) - from
                                if start + length <= count {
                                    var matched = 1
                                    while matched < length, HypotheticalSections.lower(heading[start + matched]) == words[from + matched] {
                                        matched += 1
                                    }
                                    if matched == length, HypotheticalSections.names(heading, from: start, to: start + length) {
                                        return true
                                    }
                                }
                                word += 1
                            }
                            start += 1
                        }
                        return false
                    }
                }
            }
        }
    }

    /// Words before a section word that make the heading an analysis of it, not the thing
    /// itself ("Analysis against the terms of reference", "Findings of the research").
    static let analysisWords: Set<String> = [
        "analysis", "analyses", "analysing", "analyzing", "finding", "findings", "conclusion", "conclusions",
        "lessons", "discussion", "evaluation", "chronology", "response", "responses", "addressing",
        "answering",
    ]

    /// Whether the word found at `from..<to` names the heading's section: it is a whole word
    /// ("research" is not "researcher") and no analysis word (``analysisWords``) comes before it.
    static func names(_ heading: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        if from > 0, isWordByte(heading[from - 1]) { return false }
        if to < heading.count, isWordByte(heading[to]) { return false }
        var word: [UInt8] = []
        var index = 0
        while index <= from {
            let byte = index < from ? heading[index] : 0x20
            if index < from, isWordByte(byte) {
                word.append(lower(byte))
            } else if !word.isEmpty {
                if analysisWords.contains(String(decoding: word, as: UTF8.self)) { return false }
                word.removeAll(keepingCapacity: true)
            }
            index += 1
        }
        return true
    }

    /// Whether the heading names a hypothetical section (see the type's comment).
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
