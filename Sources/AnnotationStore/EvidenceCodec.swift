import ReviewModel

/// The compact encoding of a suggestion's evidence in `suggestions.evidence` (format `e1`).
///
/// Earlier stores hold a JSON array of ``StoredEvidence`` per suggestion, every item with
/// 32 characters of quote context either side and its scalar offsets: about 260 bytes an
/// item, twice the corpus text in all. Only the first item's context is ever read (a
/// confirm or reject anchors the decision on the first evidence span), so `e1` keeps the
/// anchor context once per suggestion and each item as a few delta-encoded numbers:
///
/// ```
/// e1|<rule count>|(<bytes>:<rule>)*<text count>|(<bytes>:<text>)*
///   A<bytes>:<prefix><bytes>:<suffix><characterStart>,<characterEnd>|     (or "-|" without items)
///   (<start - previous start>,<end - start>,<line - previous line>,<character>,<rule index>,<text index>;)*
/// ```
///
/// Strings are length-prefixed UTF-8 (no escaping); numbers are decimal, possibly
/// negative. About 18 bytes an item. ``decode(_:)`` reads both this and the old JSON, so
/// stores written before keep working unchanged.
enum EvidenceCodec {
    /// What a stored evidence list decodes to: the spans, and the anchor of the first one.
    struct Decoded: Equatable {
        var evidence: [Evidence]
        var anchor: TextAnchor?
    }

    private static let magic: [UInt8] = Array("e1|".utf8)

    /// Working storage that ``encode(_:anchor:scratch:)`` reuses from one suggestion to the
    /// next: a document's rows are encoded with one, so that a suggestion allocates only its
    /// string, not its tables too.
    struct Scratch {
        fileprivate var rules = Interner(rules: true)
        fileprivate var texts = Interner(rules: false)
        fileprivate var ruleNumbers = NumberTable()
        fileprivate var textNumbers = NumberTable()
        /// Each span's rule and text numbers: grown, never shrunk (a suggestion uses the
        /// first of them), and written through a buffer.
        fileprivate var indexes: [(rule: Int, text: Int)] = []
        /// Where an encoding is written (sized by its bound) before its bytes are appended:
        /// grown, never shrunk, so that a row's bound is not zero-filled in the output.
        fileprivate var output: [UInt8] = []

        init() {}
    }

    /// The anchor context an encoding keeps (the first item's): the UTF-8 of its prefix and
    /// suffix and its scalar offsets. The bytes are borrowed for the call only.
    struct Context {
        var prefix: UnsafeBufferPointer<UInt8>
        var suffix: UnsafeBufferPointer<UInt8>
        var characterStart: Int
        var characterEnd: Int
    }

    /// Encodes `items` with `anchor`, the first item's anchor (nil when there are no items).
    static func encode(_ items: [Evidence], anchor: TextAnchor?) -> String {
        var scratch = Scratch()
        return encode(items, anchor: anchor, scratch: &scratch)
    }

    /// ``encode(_:anchor:)`` with working storage kept between calls.
    static func encode(_ items: [Evidence], anchor: TextAnchor?, scratch: inout Scratch) -> String {
        var bytes: [UInt8] = []
        append(items, anchor: anchor, to: &bytes, scratch: &scratch)
        // Valid UTF-8 by construction: separators, digits and the bytes of whole strings.
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the encoding of `items` with `anchor` to `bytes`.
    static func append(_ items: [Evidence], anchor: TextAnchor?, to bytes: inout [UInt8], scratch: inout Scratch) {
        guard let anchor, !items.isEmpty else { return append(items, context: nil, to: &bytes, scratch: &scratch) }
        var prefix = anchor.prefix
        var suffix = anchor.suffix
        prefix.withUTF8 { prefix in
            suffix.withUTF8 { suffix in
                append(
                    items, context: Context(prefix: prefix, suffix: suffix, characterStart: anchor.characterStart, characterEnd: anchor.characterEnd),
                    to: &bytes, scratch: &scratch)
            }
        }
    }

    /// Appends the encoding of `items` with the first item's anchor `context` (ignored
    /// without items) to `bytes`: the bulk path of a retag, which writes every row of a
    /// document into one buffer and takes the context straight from the document's bytes.
    ///
    /// `numbered`: the items' ``Evidence/numbers`` come from one numbering
    /// (``TaggingResult/evidenceNumbered``), so that rules and texts are numbered by their
    /// numbers, without comparing strings. Items without numbers are compared in any case.
    static func append(_ items: [Evidence], context: Context?, numbered: Bool = false, to bytes: inout [UInt8], scratch: inout Scratch) {
        scratch.rules.reset()
        scratch.texts.reset()
        if scratch.indexes.count < items.count {
            scratch.indexes = Array(repeating: (0, 0), count: max(items.count, 2 * scratch.indexes.count))
        }
        append(
            items, context: context, numbered: numbered, to: &bytes, rules: &scratch.rules, texts: &scratch.texts,
            ruleNumbers: &scratch.ruleNumbers, textNumbers: &scratch.textNumbers, indexes: &scratch.indexes,
            output: &scratch.output)
    }

    private static func append(
        _ items: [Evidence], context: Context?, numbered: Bool, to bytes: inout [UInt8], rules: inout Interner,
        texts: inout Interner, ruleNumbers: inout NumberTable, textNumbers: inout NumberTable,
        indexes: inout [(rule: Int, text: Int)], output: inout [UInt8]
    ) {
        // Borrowed in place: copying each item would retain and release its two strings.
        items.withUnsafeBufferPointer { items in
            indexes.withUnsafeMutableBufferPointer { indexes in
                guard !items.isEmpty else { return }
                if numbered, number(items, rules: &rules, texts: &texts, ruleNumbers: &ruleNumbers, textNumbers: &textNumbers, into: indexes) {
                    return
                }
                // A span usually has the rule (and often the text) of the one before: compared
                // in place, without asking the interner.
                var rule = rules.index(0, in: items)
                var text = texts.index(0, in: items)
                indexes[0] = (rule, text)
                for position in items.indices.dropFirst() {
                    let previous = position - 1
                    if !same(items[position].rule, items[previous].rule) { rule = rules.index(position, in: items) }
                    if !same(items[position].text, items[previous].text) { text = texts.index(position, in: items) }
                    indexes[position] = (rule, text)
                }
            }
        }
        let context = items.isEmpty ? nil : context
        // An upper bound of the size: 20 digits and a sign for a number, plus separators.
        var capacity = magic.count + 2 * 22 + 2 + items.count * 6 * 22
        items.withUnsafeBufferPointer { items in
            for first in rules.firsts { capacity += items[first].rule.utf8.count + 22 }
            for first in texts.firsts { capacity += items[first].text.utf8.count + 22 }
        }
        if let context { capacity += context.prefix.count + context.suffix.count + 4 * 22 }
        // Written in place into the scratch output (zero-filled only when it grows), then
        // appended: zero-filling the bound in `bytes` and trimming it cost more than the copy.
        if output.count < capacity { output = [UInt8](repeating: 0, count: max(capacity, 2 * output.count)) }
        let written = output.withUnsafeMutableBufferPointer { buffer in
            var out = Writer(base: buffer.baseAddress!)
            for byte in magic { out.byte(byte) }
            items.withUnsafeBufferPointer { items in
                out.number(rules.firsts.count)
                out.byte(UInt8(ascii: "|"))
                for first in rules.firsts { out.string(items[first].rule) }
                out.number(texts.firsts.count)
                out.byte(UInt8(ascii: "|"))
                for first in texts.firsts { out.string(items[first].text) }
            }
            if let context {
                out.byte(UInt8(ascii: "A"))
                out.string(context.prefix)
                out.string(context.suffix)
                out.number(context.characterStart)
                out.byte(UInt8(ascii: ","))
                out.number(context.characterEnd)
            } else {
                out.byte(UInt8(ascii: "-"))
            }
            out.byte(UInt8(ascii: "|"))
            var previousStart = 0
            var previousLine = 0
            items.withUnsafeBufferPointer { items in
                for position in 0..<items.count {
                    let range = items[position].range
                    let line = items[position].line
                    out.number(range.start &- previousStart)
                    out.byte(UInt8(ascii: ","))
                    out.number(range.end &- range.start)
                    out.byte(UInt8(ascii: ","))
                    out.number(line &- previousLine)
                    out.byte(UInt8(ascii: ","))
                    out.number(items[position].character)
                    out.byte(UInt8(ascii: ","))
                    out.number(indexes[position].rule)
                    out.byte(UInt8(ascii: ","))
                    out.number(indexes[position].text)
                    out.byte(UInt8(ascii: ";"))
                    previousStart = range.start
                    previousLine = line
                }
            }
            precondition(out.count <= capacity, "EvidenceCodec: the size bound is wrong")
            return out.count
        }
        output.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<written])) }
    }

    /// Numbers the rules and texts of `items` by the tagger's numbers (``EvidenceNumbers``), in
    /// order of first appearance as the interners do, writing each span's pair to `indexes`;
    /// false (nothing done) when a span has no numbers.
    private static func number(
        _ items: UnsafeBufferPointer<Evidence>, rules: inout Interner, texts: inout Interner, ruleNumbers: inout NumberTable,
        textNumbers: inout NumberTable, into indexes: UnsafeMutableBufferPointer<(rule: Int, text: Int)>
    ) -> Bool {
        // The lowest and highest numbers: the tables need room for the highest.
        var lowest: Int32 = .max
        var highestRule: Int32 = -1
        var highestText: Int32 = -1
        for position in items.indices {
            let numbers = items[position].numbers
            lowest = min(lowest, numbers.rule, numbers.text)
            highestRule = max(highestRule, numbers.rule)
            highestText = max(highestText, numbers.text)
        }
        guard lowest >= 0 else { return false }
        ruleNumbers.begin(count: Int(highestRule) + 1)
        textNumbers.begin(count: Int(highestText) + 1)
        ruleNumbers.withSlots { ruleSlots, ruleGeneration in
            textNumbers.withSlots { textSlots, textGeneration in
                for position in items.indices {
                    let numbers = items[position].numbers
                    let rule = Int(numbers.rule)
                    if ruleSlots[rule].generation != ruleGeneration {
                        ruleSlots[rule] = (ruleGeneration, Int32(truncatingIfNeeded: rules.count))
                        rules.add(position)
                    }
                    let text = Int(numbers.text)
                    if textSlots[text].generation != textGeneration {
                        textSlots[text] = (textGeneration, Int32(truncatingIfNeeded: texts.count))
                        texts.add(position)
                    }
                    indexes[position] = (Int(ruleSlots[rule].index), Int(textSlots[text].index))
                }
            }
        }
        return true
    }

    /// Whether two strings are equal, without the general comparison when their lengths
    /// differ (a span's text or rule against the previous span's, usually another string
    /// object: `==` then compares the contents).
    @inline(__always)
    fileprivate static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs == rhs
    }

    /// Decodes a stored evidence list, compact or legacy JSON; nil when it is neither.
    static func decode(_ string: String) -> Decoded? {
        var string = string
        let compact = string.withUTF8 { bytes -> Decoded?? in
            guard bytes.count >= magic.count, bytes[0] == magic[0], bytes[1] == magic[1], bytes[2] == magic[2] else {
                return .none
            }
            var reader = Reader(bytes: bytes, index: magic.count)
            return .some(reader.decoded())
        }
        if let compact { return compact }
        guard let legacy = AnnotationStore.decode([StoredEvidence].self, string) else { return nil }
        return Decoded(evidence: legacy.map(\.evidence), anchor: legacy.first?.anchor)
    }

    // MARK: - Writing

    /// Numbers the distinct rules (or texts) of one suggestion's spans in order of first
    /// appearance. Each is kept as the position of the span that brought it and read in place
    /// from the spans, so that numbering retains no string. A suggestion's spans share a few
    /// texts and rules, so a linear search over the ones seen beats hashing each; a dictionary
    /// takes over when there are many. (Spans the tagger numbered are counted here by
    /// ``EvidenceCodec/number(_:rules:texts:ruleNumbers:textNumbers:into:)`` without comparing.)
    fileprivate struct Interner {
        /// Whether this numbers the spans' rules (else their texts).
        let rules: Bool
        /// The position of the span that brought each distinct string, in order: the first
        /// ``count`` entries (the list is grown, never shrunk, so that a reset frees nothing).
        private var positions: [Int] = []
        /// How many distinct strings there are.
        private(set) var count = 0
        private var lookup: [String: Int] = [:]

        init(rules: Bool) {
            self.rules = rules
        }

        /// The position of the span that brought each distinct string, in order.
        var firsts: ArraySlice<Int> { positions[..<count] }

        /// Forgets every string, keeping the storage.
        mutating func reset() {
            count = 0
            if !lookup.isEmpty { lookup.removeAll(keepingCapacity: true) }
        }

        /// The number of the rule (or text) of the span at `position` of `items`, the spans
        /// this interner has seen since ``reset()`` (it reads them again).
        mutating func index(_ position: Int, in items: UnsafeBufferPointer<Evidence>) -> Int {
            if count <= 8 {
                var index = 0
                while index < count {
                    if same(items, positions[index], position) { return index }
                    index += 1
                }
                add(position)
                if count > 8 {
                    for index in 0..<count { lookup[string(items, positions[index])] = index }
                }
                return count - 1
            }
            let string = string(items, position)
            if let found = lookup[string] { return found }
            add(position)
            lookup[string] = count - 1
            return count - 1
        }

        /// Counts a new string, brought by the span at `position`.
        mutating func add(_ position: Int) {
            if count < positions.count {
                positions[count] = position
            } else {
                positions.append(position)
            }
            count += 1
        }

        /// Whether the spans at `lhs` and `rhs` have the same rule (or text), compared in place.
        @inline(__always)
        private func same(_ items: UnsafeBufferPointer<Evidence>, _ lhs: Int, _ rhs: Int) -> Bool {
            rules ? EvidenceCodec.same(items[lhs].rule, items[rhs].rule) : EvidenceCodec.same(items[lhs].text, items[rhs].text)
        }

        private func string(_ items: UnsafeBufferPointer<Evidence>, _ position: Int) -> String {
            rules ? items[position].rule : items[position].text
        }
    }

    /// The suggestion that last saw each of the tagger's numbers of rules (or texts)
    /// (``EvidenceNumbers``), and that number's index there: kept for all of a document's
    /// suggestions, each one a new generation, so that no table is cleared per suggestion.
    fileprivate struct NumberTable {
        private var seen: [(generation: UInt32, index: Int32)] = []
        private var generation: UInt32 = 0

        /// Starts a suggestion whose numbers are below `count`.
        mutating func begin(count: Int) {
            if count > seen.count {
                seen.append(contentsOf: repeatElement((generation: 0, index: 0), count: max(count, 2 * seen.count) - seen.count))
            }
            if generation == .max {
                for index in seen.indices { seen[index].generation = 0 }
                generation = 0
            }
            generation += 1
        }

        /// Calls `body` with the table and the current suggestion's generation.
        mutating func withSlots<R>(_ body: (UnsafeMutableBufferPointer<(generation: UInt32, index: Int32)>, UInt32) -> R) -> R {
            let generation = self.generation
            return seen.withUnsafeMutableBufferPointer { body($0, generation) }
        }
    }

    /// Writes into memory the caller sized (see the bound in ``encode(_:anchor:)``).
    private struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        @inline(__always)
        mutating func byte(_ byte: UInt8) {
            base[count] = byte
            count += 1
        }

        @inline(__always)
        mutating func number(_ value: Int) {
            // Most numbers are indexes, deltas and lengths of one or two digits.
            if UInt(bitPattern: value) < 10 {
                byte(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
                return
            }
            if UInt(bitPattern: value) < 100 {
                pair(value, at: count)
                count += 2
                return
            }
            // Most of the others (the distances between spans, their columns) have three or
            // four digits: a digit and a pair, or two pairs, without counting the digits.
            if UInt(bitPattern: value) < 10_000 {
                let high = value / 100
                if high < 10 {
                    base[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: high)
                    count += 1
                } else {
                    pair(high, at: count)
                    count += 2
                }
                pair(value &- high &* 100, at: count)
                count += 2
                return
            }
            if value < 0 { byte(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var digits = 1
            var scale: UInt = 10
            while digits < 20, magnitude >= scale {
                digits += 1
                scale = scale &* 10
            }
            // Two digits a division, from the right.
            var index = count + digits
            while magnitude >= 100 {
                let quotient = magnitude / 100
                index -= 2
                pair(Int(magnitude &- quotient &* 100), at: index)
                magnitude = quotient
            }
            if magnitude >= 10 {
                pair(Int(magnitude), at: index - 2)
            } else {
                base[index - 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
            }
            count += digits
        }

        /// The two digits of `value` (0 to 99) at `index`, by a multiply and shift (a table of
        /// pairs, a global, cost a check of its lazy initialisation per number).
        @inline(__always)
        private func pair(_ value: Int, at index: Int) {
            let tens = value / 10
            base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)
            base[index + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value &- tens &* 10)
        }

        mutating func string(_ string: String) {
            var string = string
            string.withUTF8 { self.string($0) }
        }

        mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) {
            number(bytes.count)
            byte(UInt8(ascii: ":"))
            if let source = bytes.baseAddress { (base + count).initialize(from: source, count: bytes.count) }
            count += bytes.count
        }
    }

    // MARK: - Reading

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int

        mutating func decoded() -> Decoded? {
            guard let ruleCount = number(then: "|"), ruleCount >= 0 else { return nil }
            var rules: [String] = []
            for _ in 0..<ruleCount {
                guard let rule = string() else { return nil }
                rules.append(rule)
            }
            guard let textCount = number(then: "|"), textCount >= 0 else { return nil }
            var texts: [String] = []
            for _ in 0..<textCount {
                guard let text = string() else { return nil }
                texts.append(text)
            }
            var context: (prefix: String, suffix: String, start: Int, end: Int)?
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "A") {
                index += 1
                guard let prefix = string(), let suffix = string(), let start = number(then: ","), let end = number(then: "|")
                else { return nil }
                context = (prefix, suffix, start, end)
            } else {
                guard bytes[index] == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "|") else {
                    return nil
                }
                index += 2
            }
            var evidence: [Evidence] = []
            var start = 0
            var line = 0
            while index < bytes.count {
                guard let startDelta = number(then: ","), let length = number(then: ","), let lineDelta = number(then: ","),
                    let character = number(then: ","), let rule = number(then: ","), let text = number(then: ";"),
                    rules.indices.contains(rule), texts.indices.contains(text)
                else { return nil }
                start &+= startDelta
                line &+= lineDelta
                evidence.append(Evidence(
                    text: texts[text], range: TextRange(start: start, end: max(start, start &+ length)), rule: rules[rule],
                    line: line, character: character))
            }
            guard context == nil || !evidence.isEmpty else { return nil }
            var anchor: TextAnchor?
            if let first = evidence.first, let context {
                anchor = TextAnchor(
                    exact: first.text, prefix: context.prefix, suffix: context.suffix, range: first.range,
                    characterStart: context.start, characterEnd: context.end)
            }
            return Decoded(evidence: evidence, anchor: anchor)
        }

        /// A decimal number followed by `terminator`.
        mutating func number(then terminator: Unicode.Scalar) -> Int? {
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            var value = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
                digits += 1
                index += 1
            }
            guard digits > 0, index < bytes.count, bytes[index] == UInt8(terminator.value) else { return nil }
            index += 1
            return negative ? -value : value
        }

        /// A length-prefixed UTF-8 string.
        mutating func string() -> String? {
            guard let length = number(then: ":"), length >= 0, length <= bytes.count - index else { return nil }
            let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]), as: UTF8.self)
            index += length
            return string
        }
    }
}
