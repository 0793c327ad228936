import Foundation
import ReviewModel
import ReviewParsing
import TestSupport
import Testing

/// Reads an in-memory fixture.
func parse(_ source: String, name: String, format: DocumentFormat? = nil, options: ParseOptions = ParseOptions()) throws -> ReviewDocument {
    try DocumentReader(options: options).read(bytes: Array(source.utf8), name: name, format: format)
}

/// The blocks' texts.
func texts(_ document: ReviewDocument) -> [String] {
    document.blocks.map { document.text(of: $0) }
}

/// The text of the first block whose text contains `needle`.
func block(_ document: ReviewDocument, containing needle: String) -> Block? {
    document.blocks.first { document.text(of: $0).contains(needle) }
}

/// Checks the source map is exact: verbatim segments copy the source byte for byte (a
/// single whitespace byte may stand for a space), segments are ordered and inside the source,
/// and every occurrence of each `needle` in the text maps to the same bytes in the source.
func expectExactMap(
    _ document: ReviewDocument, needles: [String] = ["é", "’", "😀"], sourceLocation: SourceLocation = #_sourceLocation
) {
    let text = Array(document.text.utf8)
    let source = document.sourceMap.lines.bytes
    var previousEnd = 0
    for segment in document.sourceMap.segments {
        #expect(segment.textStart >= previousEnd, "segments overlap", sourceLocation: sourceLocation)
        previousEnd = segment.textStart + segment.textLength
        #expect(segment.sourceStart >= 0 && segment.sourceStart + segment.sourceLength <= source.count, sourceLocation: sourceLocation)
        guard segment.isVerbatim else { continue }
        for offset in 0..<segment.textLength {
            let t = text[segment.textStart + offset]
            let s = source[segment.sourceStart + offset]
            let ok = t == s || (t == 0x20 && (s == 0x0A || s == 0x0D || s == 0x09))
            if !ok {
                Issue.record(
                    "verbatim segment \(segment) differs at +\(offset): text \(t) source \(s)", sourceLocation: sourceLocation)
                break
            }
        }
    }
    for needle in needles {
        let bytes = Array(needle.utf8)
        var found = 0
        var index = 0
        while index + bytes.count <= text.count {
            if Array(text[index..<(index + bytes.count)]) == bytes {
                found += 1
                let start = document.sourceMap.sourceOffset(ofText: index)
                let end = document.sourceMap.sourceOffset(ofText: index + bytes.count)
                let mapped = Array(source[start..<min(start + bytes.count, source.count)])
                // Either the same bytes, or the character reference that stands for them.
                let isReference = source[start] == UInt8(ascii: "&") && end > start && source[end - 1] == UInt8(ascii: ";")
                #expect(mapped == bytes || isReference, "\(needle) at text \(index) maps to source \(start)..<\(end)", sourceLocation: sourceLocation)
                // Back again.
                #expect(document.sourceMap.textOffset(ofSource: start) == index, sourceLocation: sourceLocation)
                // Line and UTF-16 column agree with counting on the source string.
                let position = document.sourceMap.position(ofText: index)
                let lineStart = document.sourceMap.lines.lineStarts[position.line]
                let prefix = String(decoding: source[lineStart..<start], as: UTF8.self)
                #expect(position.utf16Column == prefix.utf16.count, sourceLocation: sourceLocation)
                #expect(position.utf8Column == start - lineStart, sourceLocation: sourceLocation)
                index += bytes.count
            } else {
                index += 1
            }
        }
        #expect(found > 0, "fixture text should contain \(needle)", sourceLocation: sourceLocation)
    }
}

/// A unique temporary path.
func temporaryPath(_ name: String) -> String {
    // A scratch folder of the test process (removed when it exits).
    guard let directory = try? TestPaths.scratchDirectory("revtag-parse-tests") else {
        return FileManager.default.temporaryDirectory.appendingPathComponent("revtag-parse-tests-\(UUID().uuidString)-\(name)").path
    }
    return directory.appendingPathComponent(name).path
}

/// The repository root (for corpus/ and fixtures).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
