import ReviewModel

/// What a block about to be written is.
///
/// Requests are copied, saved and restored around every element of a markup walk, so the
/// optional numbers are kept as plain integers with `Int.min` standing for nil (40 bytes
/// rather than the 72 of four optionals); no parser gives `Int.min` as a level, row, column or
/// page.
struct BlockRequest {
    var kind: BlockKind
    private var storedLevel: Int
    private var storedRow: Int
    private var storedColumn: Int
    private var storedPage: Int

    init(kind: BlockKind, level: Int? = nil, row: Int? = nil, column: Int? = nil, page: Int? = nil) {
        self.kind = kind
        storedLevel = Self.store(level)
        storedRow = Self.store(row)
        storedColumn = Self.store(column)
        storedPage = Self.store(page)
    }

    var level: Int? { get { Self.load(storedLevel) } set { storedLevel = Self.store(newValue) } }
    var row: Int? { get { Self.load(storedRow) } set { storedRow = Self.store(newValue) } }
    var column: Int? { get { Self.load(storedColumn) } set { storedColumn = Self.store(newValue) } }
    var page: Int? { get { Self.load(storedPage) } set { storedPage = Self.store(newValue) } }

    @inline(__always)
    private static func store(_ value: Int?) -> Int { value ?? .min }

    @inline(__always)
    private static func load(_ value: Int) -> Int? { value == .min ? nil : value }
}

/// Writes blocks into a ``DocumentBuilder`` from spans of the decoded source, collapsing
/// whitespace, decoding character references and recording exact source spans.
///
/// A block is requested first and begun lazily at its first visible character, so its
/// `sourceLine` is the line of that character and empty blocks cost nothing. Runs of source
/// text that are copied unchanged (including single spaces between words) become verbatim
/// segments; a character reference becomes one segment spanning the reference; a run of
/// whitespace (spaces, tabs, line breaks, no-break spaces) becomes one space spanning the run,
/// and leading and trailing whitespace of a block is dropped. Soft hyphens are dropped.
struct BlockWriter {
    var builder: DocumentBuilder
    var scanner: MarkupScanner
    private let lines: LineIndex
    private var request: BlockRequest?
    private var begun = false
    private var pendingSpace: (start: Int, length: Int)?
    private var scalarBuffer: [UInt8] = []
    /// The line of the last block start: blocks begin in source order, so the next one is
    /// usually on that line or a few after it.
    private var lineHint = 0

    init(name: String, format: DocumentFormat, source: [UInt8], syntax: SourceSyntax) {
        let lines = LineIndex(bytes: source)
        self.lines = lines
        builder = DocumentBuilder(name: name, format: format, source: lines)
        scanner = MarkupScanner(source: source, syntax: syntax)
    }

    /// The decoded source.
    var source: [UInt8] { scanner.source }

    /// Where each line of the source starts (``LineIndex/lineStarts``).
    var lineStarts: [Int] { lines.lineStarts }

    /// The 0-based source line of a byte offset.
    func line(ofByte offset: Int) -> Int { lines.line(ofByte: offset) }

    /// Whether a block has been requested (begun or not).
    var hasRequest: Bool { request != nil }

    /// Whether the current block has visible text.
    var hasText: Bool { begun }

    /// Ends the current block and requests a new one.
    mutating func requestBlock(_ request: BlockRequest) {
        endBlock()
        self.request = request
    }

    /// Ends the current block, if any.
    mutating func endBlock() {
        if begun { builder.endBlock() }
        begun = false
        request = nil
        pendingSpace = nil
    }

    /// A word break with no source text of its own (`<br>`, a line join): a space unless the
    /// block is empty or already ends in one.
    mutating func softBreak(at offset: Int) {
        guard begun, pendingSpace == nil else { return }
        pendingSpace = (offset, 0)
    }

    /// Writes the text of a source range (markup inside it is skipped, references decoded).
    mutating func write(_ range: Range<Int>) {
        if let plain = scanner.plainRun, plain.range == range {
            write(range, plainRunFrom: plain.runStart)
            return
        }
        write(range, raw: false)
    }

    /// Writes a source range that the scanner located as a plain run from `runStart` (its
    /// ``MarkupScanner/plainRun`` then): what ``write(_:)`` writes right after that locate,
    /// without scanning the run again.
    mutating func write(_ range: Range<Int>, plainRunFrom runStart: Int) {
        if runStart > range.lowerBound { addSpace(start: range.lowerBound, length: runStart - range.lowerBound) }
        if runStart < range.upperBound {
            emit(
                UnsafeBufferPointer(rebasing: scanner.bytes[runStart..<range.upperBound]), sourceStart: runStart,
                sourceLength: range.upperBound - runStart)
        }
    }

    /// Writes a source range whose bytes are all text (CDATA, plain text).
    mutating func writeRaw(_ range: Range<Int>) {
        write(range, raw: true)
    }

    /// Writes text that could not be located in the source; it maps to `offset` with no length.
    mutating func writeUnlocated(_ content: UnsafeBufferPointer<UInt8>, at offset: Int) {
        var index = 0
        let count = content.count
        while index < count {
            let byte = content[index]
            if ByteClass.isSpace(byte) {
                addSpace(start: offset, length: 0)
                index += 1
                continue
            }
            if byte == 0xC2, index + 1 < count, content[index + 1] == 0xA0 {
                addSpace(start: offset, length: 0)
                index += 2
                continue
            }
            var stop = index + 1
            while stop < count, !ByteClass.isSpace(content[stop]), !(content[stop] == 0xC2 && stop + 1 < count && content[stop + 1] == 0xA0) {
                stop += 1
            }
            emit(UnsafeBufferPointer(rebasing: content[index..<stop]), sourceStart: offset, sourceLength: 0)
            index = stop
        }
    }

    /// Writes one character that stands for the source span `range` (an entity reference).
    mutating func writeCharacter(_ scalar: UInt32, for range: Range<Int>) {
        let value = Self.remapC1(scalar)
        if value == 0xA0 || value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D {
            addSpace(start: range.lowerBound, length: range.count)
            return
        }
        if value == 0xAD { return }
        scalarBuffer.removeAll(keepingCapacity: true)
        SourceDecoder.appendUTF8(value, to: &scalarBuffer)
        let bytes = scalarBuffer
        bytes.withUnsafeBufferPointer { emit($0, sourceStart: range.lowerBound, sourceLength: range.count) }
    }

    private mutating func write(_ range: Range<Int>, raw: Bool) {
        write(range, raw: raw, in: scanner.bytes)
    }

    private mutating func write(_ range: Range<Int>, raw: Bool, in source: UnsafeBufferPointer<UInt8>) {
        var index = range.lowerBound
        let end = min(range.upperBound, source.count)
        var runStart = -1
        while index < end {
            let byte = source[index]
            if byte < 0x80 && !ByteClass.isSpace(byte) && byte != 0x26 && byte != 0x3C {
                if runStart < 0 { runStart = index }
                index += 1
                // The rest of the run: what the branches below would add to it one byte at a
                // time (ordinary ASCII, a single space between two ordinary characters, and
                // non-ASCII bytes other than a no-break or soft hyphen's lead byte).
                let base = UnsafeRawPointer(source.baseAddress!)
                while index < end {
                    // Sixteen, then eight plain bytes without a 0xC2 lead byte (no no-break
                    // space or soft hyphen) at a time: all of them stay in the run by the rules
                    // below.
                    if index + 17 <= end {
                        let advance = Self.plainBytes(base, at: index)
                        if advance > 0 {
                            index += advance
                            continue
                        }
                    } else if index + 17 <= source.count {
                        // The range's last bytes (a line of plain text's last sixteen, say), one
                        // vector too when the source goes on after them.
                        let advance = Self.plainTail(base, at: index, count: end - index)
                        if advance > 0 {
                            index += advance
                            continue
                        }
                    }
                    if index + 8 <= end {
                        let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        if ByteClass.isPlain(word), ByteClass.bytes(word, equalTo: 0xC2) == 0 {
                            index += 8
                            continue
                        }
                    }
                    let next = source[index]
                    if next < 0x80 {
                        if !ByteClass.isSpace(next) && next != 0x26 && next != 0x3C {
                            index += 1
                            continue
                        }
                        if next == 0x20, index + 1 < end, Self.isOrdinary(source[index + 1]) {
                            index += 1
                            continue
                        }
                        break
                    }
                    if next == 0xC2, index + 1 < end, source[index + 1] == 0xA0 || source[index + 1] == 0xAD { break }
                    index += 1
                }
                continue
            }
            if ByteClass.isSpace(byte) {
                // A single space between two ordinary characters stays inside the run.
                if byte == 0x20, runStart >= 0, index + 1 < end, Self.isOrdinary(source[index + 1]) {
                    index += 1
                    continue
                }
                flush(&runStart, to: index)
                let start = index
                while index < end, ByteClass.isSpace(source[index]) { index += 1 }
                addSpace(start: start, length: index - start)
                continue
            }
            if byte == 0xC2, index + 1 < end, source[index + 1] == 0xA0 || source[index + 1] == 0xAD {
                flush(&runStart, to: index)
                if source[index + 1] == 0xA0 { addSpace(start: index, length: 2) }
                index += 2
                continue
            }
            if !raw, byte == 0x3C, scanner.isMarkupStart(index) {
                flush(&runStart, to: index)
                index = scanner.skipMarkup(index)
                continue
            }
            if !raw, byte == 0x26, let reference = scanner.decodeReference(at: index) {
                flush(&runStart, to: index)
                writeCharacter(reference.scalar, for: index..<(index + reference.length))
                index += reference.length
                continue
            }
            if runStart < 0 { runStart = index }
            index += 1
        }
        flush(&runStart, to: end)
    }

    /// How many of the sixteen bytes at `offset` stay in a verbatim run by the rules of
    /// ``write(_:raw:in:)``, one vector at a time: 16, or 15 when the last is a space (its
    /// follower decides), or 0 when any is a control character, `<`, `&` or 0xC2 or two spaces
    /// meet (the byte rules decide). Reads the byte after them too.
    @inline(__always)
    static func plainBytes(_ base: UnsafeRawPointer, at offset: Int) -> Int {
        typealias Bytes = SIMD16<UInt8>
        let bytes = base.loadUnaligned(fromByteOffset: offset, as: Bytes.self)
        let next = base.loadUnaligned(fromByteOffset: offset + 1, as: Bytes.self)
        let spaces = Bytes(repeating: 0x20)
        // (Vector compares, one instruction each, where bit tricks took four.)
        let special = (bytes .< spaces) .| (bytes .== Bytes(repeating: 0x3C)) .| (bytes .== Bytes(repeating: 0x26))
            .| (bytes .== Bytes(repeating: 0xC2))
        let reject = unsafeBitCast(Bytes().replacing(with: 0x80, where: special .| ((bytes .== spaces) .& (next .== spaces))), to: SIMD2<UInt64>.self)
        guard reject[0] | reject[1] == 0 else { return 0 }
        return base.load(fromByteOffset: offset + 15, as: UInt8.self) == 0x20 ? 15 : 16
    }

    /// How many of the `count` (1 to 16) bytes at `offset`, the last of a range, stay in a
    /// verbatim run by the rules of ``write(_:raw:in:)``: all of them, or all but the last
    /// when it is a space (a space ends the run at the range's end), or 0 when any is a
    /// control character, `<`, `&` or 0xC2 or two spaces meet (the byte rules decide). Reads
    /// seventeen bytes from `offset`, past the range.
    @inline(__always)
    static func plainTail(_ base: UnsafeRawPointer, at offset: Int, count: Int) -> Int {
        typealias Bytes = SIMD16<UInt8>
        let bytes = base.loadUnaligned(fromByteOffset: offset, as: Bytes.self)
        let next = base.loadUnaligned(fromByteOffset: offset + 1, as: Bytes.self)
        let spaces = Bytes(repeating: 0x20)
        let lanes = Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        // Two spaces meeting count only inside the range: its last byte's follower lies past it.
        let special = (bytes .< spaces) .| (bytes .== Bytes(repeating: 0x3C)) .| (bytes .== Bytes(repeating: 0x26))
            .| (bytes .== Bytes(repeating: 0xC2)) .| ((bytes .== spaces) .& (next .== spaces) .& (lanes .< Bytes(repeating: UInt8(count - 1))))
        let inRange = lanes .< Bytes(repeating: UInt8(count))
        guard !any(special .& inRange) else { return 0 }
        return base.load(fromByteOffset: offset + count - 1, as: UInt8.self) == 0x20 ? count - 1 : count
    }

    @inline(__always)
    private static func isOrdinary(_ byte: UInt8) -> Bool {
        !ByteClass.isSpace(byte) && byte != 0x26 && byte != 0x3C && byte != 0xC2
    }

    private mutating func flush(_ runStart: inout Int, to end: Int) {
        guard runStart >= 0 else { return }
        let start = runStart
        runStart = -1
        emit(UnsafeBufferPointer(rebasing: scanner.bytes[start..<end]), sourceStart: start, sourceLength: end - start)
    }

    private mutating func addSpace(start: Int, length: Int) {
        guard begun else { return }
        if let pending = pendingSpace {
            if pending.start + pending.length == start { pendingSpace = (pending.start, pending.length + length) }
        } else {
            pendingSpace = (start, length)
        }
    }

    private mutating func emit(_ bytes: UnsafeBufferPointer<UInt8>, sourceStart: Int, sourceLength: Int) {
        guard !bytes.isEmpty else { return }
        if !begun {
            let request = self.request ?? BlockRequest(kind: .paragraph)
            // A list item's own bullet glyph (Word writes "·" in the Symbol font) is not text.
            if request.kind == .listItem, bytes.count <= 3, Self.bulletGlyphs.contains(where: { $0.elementsEqual(bytes) }) {
                return
            }
            self.request = request
            builder.beginBlock(
                request.kind, level: request.level, sourceLine: lineStarting(sourceStart), row: request.row,
                column: request.column, page: request.page)
            begun = true
            pendingSpace = nil
        } else if let pending = pendingSpace {
            pendingSpace = nil
            builder.appendSpace(sourceStart: pending.start, sourceLength: pending.length)
        }
        builder.append(utf8: bytes, sourceStart: sourceStart, sourceLength: sourceLength)
    }

    /// The same as `lines.line(ofByte:)`, looking forward from the last block's line first.
    private mutating func lineStarting(_ offset: Int) -> Int {
        let starts = lines.lineStarts
        let clamped = max(0, min(offset, lines.bytes.count))
        var line = lineHint
        if line < starts.count, starts[line] <= clamped {
            var steps = 0
            while line + 1 < starts.count, starts[line + 1] <= clamped, steps < 64 {
                line += 1
                steps += 1
            }
            if line + 1 == starts.count || starts[line + 1] > clamped {
                lineHint = line
                return line
            }
        }
        line = lines.line(ofByte: offset)
        lineHint = line
        return line
    }

    private static let bulletGlyphs: [[UInt8]] = ["·", "•", "◦", "▪", "o", "§", "Ø", "-", "–", "*", "●", "○", "■", "\u{F0B7}"].map { Array($0.utf8) }

    /// Numeric references to 0x80-0x9F mean Windows-1252 characters, as browsers read them.
    static func remapC1(_ scalar: UInt32) -> UInt32 {
        guard scalar >= 0x80 && scalar < 0xA0 else { return scalar }
        return SourceDecoder.windows1252High[Int(scalar - 0x80)]
    }

    /// Finishes the document.
    mutating func build() -> ReviewDocument {
        endBlock()
        return builder.build()
    }
}
