import ReviewModel
import Tagging

/// Builds a document from plain text: one paragraph per blank-line-separated chunk; a chunk
/// starting with "# " is a heading (level 1), "## " level 2.
func makeDocument(_ text: String, name: String = "test.txt", reviewType: String? = nil) -> ReviewDocument {
    var builder = DocumentBuilder(name: name, format: .text, source: LineIndex(text))
    let bytes = Array(text.utf8)
    var offset = 0
    var line = 0
    let chunks = text.components(separatedBy: "\n\n")
    for chunk in chunks {
        let length = chunk.utf8.count
        if !chunk.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            var body = chunk
            var start = offset
            if chunk.hasPrefix("## ") {
                builder.beginBlock(.heading, level: 2, sourceLine: line)
                body = String(chunk.dropFirst(3))
                start += 3
            } else if chunk.hasPrefix("# ") {
                builder.beginBlock(.heading, level: 1, sourceLine: line)
                body = String(chunk.dropFirst(2))
                start += 2
            } else {
                builder.beginBlock(.paragraph, sourceLine: line)
            }
            builder.append(body, sourceStart: start, sourceLength: body.utf8.count)
            builder.endBlock()
        }
        line += chunk.filter { $0 == "\n" }.count + 2
        offset += length + 2
    }
    _ = bytes
    if let reviewType {
        builder.metadata.reviewType = ReviewTypeDetection(id: reviewType, evidence: "test")
    }
    return builder.build()
}

/// The shipped codebook's tagger, compiled once for all tests.
let sharedTagger: Tagger = {
    do {
        return try Tagger(codebook: try Codebook.loadDefault())
    } catch {
        fatalError("the shipped codebook does not compile: \(error)")
    }
}()

extension TaggingResult {
    /// The suggested keys as strings: "characteristic/alcohol-misuse (victim)", "weapon/knife".
    var keys: Set<String> { Set(suggestions.map(\.key.description)) }

    /// Whether a tag was suggested (any subject).
    func has(_ tag: String) -> Bool { suggestions.contains { $0.tag.description == tag } }

    /// The subjects a tag was suggested for.
    func subjects(_ tag: String) -> Set<Subject> {
        Set(suggestions.filter { $0.tag.description == tag }.compactMap(\.subject))
    }
}
