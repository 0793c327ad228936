/// A half-open range of UTF-8 byte offsets into a document's normalised ``ReviewDocument/text``.
public struct TextRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// First byte (inclusive).
    public var start: Int
    /// End byte (exclusive).
    public var end: Int

    /// Creates a range; `end` must not be below `start`.
    public init(start: Int, end: Int) {
        precondition(end >= start, "TextRange end \(end) < start \(start)")
        self.start = start
        self.end = end
    }

    /// Number of bytes covered.
    public var length: Int { end - start }
    /// Whether `offset` lies inside the range.
    public func contains(_ offset: Int) -> Bool { offset >= start && offset < end }
    /// Whether the two ranges share at least one byte.
    public func overlaps(_ other: TextRange) -> Bool { start < other.end && other.start < end }
    public var description: String { "\(start)..<\(end)" }
}

/// The source format a document was read from.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case html
    case xml
    case pdfXML = "pdf2xml"
    case pdf
    case text
    case markdown
}

/// What kind of block of text a ``Block`` is.
public enum BlockKind: String, Sendable, Codable, CaseIterable {
    case heading
    case paragraph
    case listItem
    case tableCell
    case quote
}

/// One block of the document's text: a heading, a paragraph, a list item, a table cell or a quote.
public struct Block: Hashable, Sendable, Codable {
    /// What kind of block it is.
    public var kind: BlockKind
    /// Heading level 1-6 for headings, nil otherwise.
    public var level: Int?
    /// The texts of the headings above this block, outermost first (a heading's own
    /// section path does not include itself).
    public var section: [String]
    /// Where the block's text lies in ``ReviewDocument/text``.
    public var range: TextRange
    /// 0-based line in the (decoded) source where the block starts.
    public var sourceLine: Int
    /// Table row and column (0-based) for table cells.
    public var row: Int?
    public var column: Int?
    /// 1-based page for documents converted from PDF.
    public var page: Int?

    public init(
        kind: BlockKind, level: Int? = nil, section: [String] = [], range: TextRange, sourceLine: Int = 0,
        row: Int? = nil, column: Int? = nil, page: Int? = nil
    ) {
        self.kind = kind
        self.level = level
        self.section = section
        self.range = range
        self.sourceLine = sourceLine
        self.row = row
        self.column = column
        self.page = page
    }
}

/// The review type a document declares, with the text that decided it.
public struct ReviewTypeDetection: Hashable, Sendable, Codable {
    /// A `review-type` id of the taxonomy (`dhr`, `scr`, `sar`, `iir`, `other`).
    public var id: String
    /// The title or heading text that names the review type.
    public var evidence: String

    public init(id: String, evidence: String) {
        self.id = id
        self.evidence = evidence
    }
}

/// What the document says about itself.
public struct DocumentMetadata: Hashable, Sendable, Codable {
    /// The document's title (`<title>`, first heading, or first line), if any.
    public var title: String?
    /// The review type detected from the title and headings.
    public var reviewType: ReviewTypeDetection?
    /// The publication date as stated (free text such as "March 2021"), if stated.
    public var publicationDate: String?
    /// The area, borough, partnership or board that commissioned the review, if stated.
    public var area: String?

    public init(
        title: String? = nil, reviewType: ReviewTypeDetection? = nil, publicationDate: String? = nil,
        area: String? = nil
    ) {
        self.title = title
        self.reviewType = reviewType
        self.publicationDate = publicationDate
        self.area = area
    }
}

/// A parsed review document: metadata, ordered blocks, sentences, and one exact source map.
///
/// The normalised ``text`` is the blocks' texts joined by `"\n\n"`; every range in the
/// document (blocks, sentences, evidence) is a ``TextRange`` of UTF-8 offsets into it, and
/// ``sourceMap`` converts such offsets to positions in the source.
public struct ReviewDocument: Sendable {
    /// The name the document was read under (a path, or the name given with in-memory bytes).
    public var name: String
    /// The format it was read as.
    public var format: DocumentFormat
    /// Title, review type, date and area.
    public var metadata: DocumentMetadata
    /// The normalised text.
    public var text: String
    /// The blocks in reading order.
    public var blocks: [Block]
    /// Sentence ranges in reading order; no sentence crosses a block boundary.
    public var sentences: [TextRange]
    /// Exact mapping between offsets in ``text`` and positions in the source.
    public var sourceMap: SourceMap

    public init(
        name: String, format: DocumentFormat, metadata: DocumentMetadata = DocumentMetadata(), text: String,
        blocks: [Block], sentences: [TextRange], sourceMap: SourceMap
    ) {
        self.name = name
        self.format = format
        self.metadata = metadata
        self.text = text
        self.blocks = blocks
        self.sentences = sentences
        self.sourceMap = sourceMap
    }

    /// The text of a range (ranges must lie on UTF-8 scalar boundaries, as all of ours do).
    public func substring(_ range: TextRange) -> String {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.start)
        let upper = utf8.index(lower, offsetBy: range.length)
        return String(text[lower..<upper])
    }

    /// The text of a block.
    public func text(of block: Block) -> String { substring(block.range) }

    /// Index of the block containing `offset`, or nil when the offset falls between blocks.
    public func blockIndex(containing offset: Int) -> Int? {
        var low = 0
        var high = blocks.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = blocks[mid].range
            if offset < range.start {
                high = mid - 1
            } else if offset >= range.end {
                low = mid + 1
            } else {
                return mid
            }
        }
        return nil
    }

    /// Index of the sentence containing `offset`, or nil.
    public func sentenceIndex(containing offset: Int) -> Int? {
        var low = 0
        var high = sentences.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = sentences[mid]
            if offset < range.start {
                high = mid - 1
            } else if offset >= range.end {
                low = mid + 1
            } else {
                return mid
            }
        }
        return nil
    }
}
