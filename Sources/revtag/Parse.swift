import ArgumentParser
import Foundation
import ReviewModel
import ReviewParsing

/// `revtag parse`: read documents and print their blocks.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse review documents and print their metadata and blocks.",
        discussion: """
            Reads HTML, XHTML and other XML, pdftohtml XML, PDF (through pdftohtml from \
            poppler-utils), plain text and Markdown. A directory argument is read recursively \
            (files with a supported extension, in name order). Documents are read and printed \
            one at a time, so memory stays flat over large corpora.

            --format text prints each document's metadata, then one block per line as \
            "LINE: [kind level] text" with 1-based source lines, and a closing summary line.

            --format json prints JSON Lines: one object per document and line, \
            {"document", "format", "title", "reviewType": {"id", "evidence"} | null, \
            "publicationDate", "area", "blocks": [{"kind", "level"?, "section", "text", \
            "line", "row"?, "column"?, "page"?}]}, where "line" is the 0-based line of the \
            block's first character in the decoded (UTF-8) source.

            Errors go to standard error, each naming its file; the other files are still read. \
            Exit status: 0 all read; 1 some failed; 65 every file failed on bad data; 66 every \
            file was missing or unreadable.
            """)

    @Argument(help: ArgumentHelp("Documents or directories to read.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp(
        "Output: text (readable blocks), json (JSON Lines, one document per line) or summary (one line per document).",
        valueName: "format"))
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Replace invalid UTF-8 with U+FFFD, read unknown encodings as UTF-8 and recover broken XML instead of failing.")
    var lenient = false

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Refuse inputs larger than this many megabytes (MiB).", valueName: "MB"))
    var maxSize: Int = 64

    @Option(name: .customLong("max-depth"), help: ArgumentHelp("Refuse markup nested deeper than this many elements.", valueName: "n"))
    var maxDepth: Int = 256

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, summary
    }

    func validate() throws {
        guard maxSize > 0, maxSize <= 2000 else { throw ValidationError("--max-size must be between 1 and 2000 (MB)") }
        guard maxDepth > 0, maxDepth <= 10_000 else { throw ValidationError("--max-depth must be between 1 and 10000") }
    }

    func run() throws {
        let reader = DocumentReader(options: ParseOptions(maxInputBytes: maxSize << 20, maxDepth: maxDepth, lenient: lenient))
        var output = BufferedOutput()
        var failures = 0
        var missing = 0
        var attempted = 0
        var totalBytes = 0
        var totalBlocks = 0
        let started = Date()
        for path in DocumentPaths.expand(files) {
            attempted += 1
            do {
                let document = try reader.read(path: path)
                totalBytes += document.sourceMap.lines.bytes.count
                totalBlocks += document.blocks.count
                switch format {
                case .json: ParseRendering.json(document, into: &output)
                case .text: ParseRendering.text(document, into: &output)
                case .summary: ParseRendering.summary(document, into: &output)
                }
                output.flushIfLarge()
            } catch {
                output.flush()
                failures += 1
                if error.isMissingInput { missing += 1 }
                printError("revtag parse: \(error)")
            }
        }
        if format != .json, attempted > 1, failures < attempted {
            let seconds = Date().timeIntervalSince(started)
            output.write("parsed \(attempted - failures) of \(attempted) documents, \(totalBlocks) blocks, ")
            output.write(String(format: "%.1f MB in %.2f s\n", Double(totalBytes) / 1_000_000, seconds))
        }
        output.flush()
        if attempted == 0 {
            printError("revtag parse: no documents found in the given paths")
            throw RevtagExit.noInput
        }
        if failures == 0 { return }
        if failures == attempted { throw missing == attempted ? RevtagExit.noInput : RevtagExit.dataError }
        throw RevtagExit.someFailed
    }
}

/// Expands directory arguments to the supported files inside them.
enum DocumentPaths {
    static let extensions: Set<String> = ["html", "htm", "xhtml", "xml", "pdf", "txt", "md", "markdown"]

    static func expand(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                let base = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
                let found = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
                    .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted()
                result.append(contentsOf: found.map { "\(base)/\($0)" })
            } else {
                result.append(argument)
            }
        }
        return result
    }
}

/// Collects output bytes and writes them to standard output in large chunks.
struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ string: String) { buffer.append(contentsOf: string.utf8) }
    mutating func write(bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    mutating func flushIfLarge() { if buffer.count > 1 << 20 { flush() } }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Renders parsed documents.
enum ParseRendering {
    static func json(_ document: ReviewDocument, into output: inout BufferedOutput) {
        var json = JSONWriter()
        json.objectStart()
        json.key("document"); json.string(document.name)
        json.key("format"); json.string(document.format.rawValue)
        json.key("title"); json.optionalString(document.metadata.title)
        json.key("reviewType")
        if let type = document.metadata.reviewType {
            json.objectStart()
            json.key("id"); json.string(type.id)
            json.key("evidence"); json.string(type.evidence)
            json.objectEnd()
        } else {
            json.null()
        }
        json.key("publicationDate"); json.optionalString(document.metadata.publicationDate)
        json.key("area"); json.optionalString(document.metadata.area)
        json.key("blocks")
        json.arrayStart()
        let text = Array(document.text.utf8)
        // Consecutive blocks share their section path: encode it once.
        var lastSection: [String]?
        var lastSectionJSON: [UInt8] = []
        for block in document.blocks {
            json.objectStart()
            json.key("kind"); json.string(block.kind.rawValue)
            if let level = block.level { json.key("level"); json.number(level) }
            json.key("section")
            if block.section != lastSection {
                var section = JSONWriter()
                section.arrayStart()
                for heading in block.section { section.string(heading) }
                section.arrayEnd()
                lastSection = block.section
                lastSectionJSON = section.bytes
            }
            json.raw(lastSectionJSON)
            json.key("text"); json.string(utf8: text[block.range.start..<block.range.end])
            json.key("line"); json.number(block.sourceLine)
            if let row = block.row { json.key("row"); json.number(row) }
            if let column = block.column { json.key("column"); json.number(column) }
            if let page = block.page { json.key("page"); json.number(page) }
            json.objectEnd()
        }
        json.arrayEnd()
        json.objectEnd()
        output.write(bytes: json.bytes)
        output.write("\n")
    }

    static func text(_ document: ReviewDocument, into output: inout BufferedOutput) {
        output.write("== \(document.name) (\(document.format.rawValue))\n")
        output.write("title: \(document.metadata.title ?? "-")\n")
        if let type = document.metadata.reviewType {
            output.write("review type: \(type.id) (\"\(type.evidence)\")\n")
        } else {
            output.write("review type: -\n")
        }
        if let date = document.metadata.publicationDate { output.write("published: \(date)\n") }
        if let area = document.metadata.area { output.write("area: \(area)\n") }
        for block in document.blocks {
            var label = block.kind.rawValue
            if let level = block.level { label += " \(level)" }
            if let row = block.row, let column = block.column { label += " r\(row)c\(column)" }
            output.write("\(block.sourceLine + 1): [\(label)] \(document.text(of: block))\n")
        }
        output.write("\n")
    }

    static func summary(_ document: ReviewDocument, into output: inout BufferedOutput) {
        let type = document.metadata.reviewType?.id ?? "-"
        let title = document.metadata.title ?? "-"
        output.write("\(document.name)\t\(document.format.rawValue)\t\(type)\t\(document.blocks.count) blocks\t\(document.sentences.count) sentences\t\(title)\n")
    }
}

/// A minimal streaming JSON writer (keys in the order written).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func objectStart() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func objectEnd() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    mutating func arrayStart() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func arrayEnd() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    mutating func key(_ key: String) {
        separator()
        var key = key
        key.withUTF8 { appendQuoted($0) }
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String) {
        separator()
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }
    mutating func string(utf8 value: ArraySlice<UInt8>) {
        separator()
        value.withUnsafeBufferPointer { appendQuoted($0) }
    }
    mutating func optionalString(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func number(_ value: Int) { separator(); bytes.append(contentsOf: String(value).utf8) }
    mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }
    /// Already-encoded JSON.
    mutating func raw(_ encoded: [UInt8]) { separator(); bytes.append(contentsOf: encoded) }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<value.count {
            let byte = value[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            default:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            }
        }
        if value.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart..<value.count])) }
        bytes.append(UInt8(ascii: "\""))
    }
}
