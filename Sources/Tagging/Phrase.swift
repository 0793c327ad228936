import Foundation

/// One element of a compiled phrase.
enum PhraseElement: Hashable, Sendable {
    /// A word; `exact` turns off inflection.
    case word(String, exact: Bool)
    /// Any word starting with the prefix.
    case prefix(String)
    /// A gap of `min...max` arbitrary words.
    case gap(Int, Int)
}

/// Parses the codebook's phrase syntax into element sequences (alternatives expanded).
enum PhraseParser {
    /// The most sequences one phrase may expand to.
    static let maxExpansions = 20000

    /// One item of a parsed phrase: the phrase stands for every choice of one alternative per
    /// item, in order (an optional item may also be left out), concatenated.
    enum Item: Sendable {
        case required([[PhraseElement]])
        case optional([[PhraseElement]])
        case gap(Int, Int)
    }

    /// Every element sequence the phrase stands for, or a message saying what is wrong.
    static func expand(_ phrase: String) -> Result<[[PhraseElement]], PhraseSyntaxError> {
        parse(phrase).map(expand(items:))
    }

    /// The phrase's items (alternatives inside a group already expanded), or a message saying what
    /// is wrong: the failures of ``expand(_:)``, checked without expanding the items.
    ///
    /// An ASCII phrase (every shipped one) is read byte by byte; any other Character by Character,
    /// so that a combining mark after a bracket or a space makes one symbol with it, as it always did.
    static func parse(_ phrase: String) -> Result<[Item], PhraseSyntaxError> {
        if phrase.utf8.allSatisfy({ $0 < 0x80 }) { return parse(symbols: Array(phrase.utf8)) }
        return parse(symbols: Array(phrase))
    }

    /// ``parse(_:)`` over the phrase's symbols (bytes of an ASCII phrase, or Characters).
    static func parse<Symbol: PhraseSymbol>(symbols characters: [Symbol]) -> Result<[Item], PhraseSyntaxError> {
        let openParenthesis = Symbol(ascii: UInt8(ascii: "(")), closeParenthesis = Symbol(ascii: UInt8(ascii: ")"))
        let openBracket = Symbol(ascii: UInt8(ascii: "[")), closeBracket = Symbol(ascii: UInt8(ascii: "]"))
        let bar = Symbol(ascii: UInt8(ascii: "|")), question = Symbol(ascii: UInt8(ascii: "?"))
        let openBrace = Symbol(ascii: UInt8(ascii: "{")), closeBrace = Symbol(ascii: UInt8(ascii: "}"))
        let space = Symbol(ascii: UInt8(ascii: " ")), tab = Symbol(ascii: UInt8(ascii: "\t"))
        var items: [Item] = []
        var index = 0
        var word: [Symbol] = []
        func flushWord() -> PhraseSyntaxError? {
            defer { word = [] }
            guard !word.isEmpty else { return nil }
            let elements = Symbol.words(word)
            if elements.isEmpty { return nil }
            items.append(.required([elements]))
            return nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == openParenthesis || character == openBracket {
                let suffixOf = word  // "record(s)": alternatives are endings of the word before
                word = []
                if suffixOf.isEmpty { _ = flushWord() }
                let close = character == openParenthesis ? closeParenthesis : closeBracket
                // The matching close bracket (groups may nest).
                var depth = 0
                var cursor = index
                var found: Int?
                while cursor < characters.count {
                    if characters[cursor] == openParenthesis || characters[cursor] == openBracket { depth += 1 }
                    if characters[cursor] == closeParenthesis || characters[cursor] == closeBracket {
                        depth -= 1
                        if depth == 0 {
                            found = cursor
                            break
                        }
                    }
                    cursor += 1
                }
                guard let end = found, characters[end] == close else {
                    return .failure(PhraseSyntaxError("unclosed '\(Symbol.string([character]))'"))
                }
                let inner = characters[(index + 1)..<end]
                // Split on top-level '|'.
                var choices: [[Symbol]] = []
                var current: [Symbol] = []
                var level = 0
                for symbol in inner {
                    if symbol == openParenthesis || symbol == openBracket { level += 1 }
                    if symbol == closeParenthesis || symbol == closeBracket { level -= 1 }
                    if symbol == bar && level == 0 {
                        choices.append(current)
                        current = []
                    } else {
                        current.append(symbol)
                    }
                }
                choices.append(current)
                // "(a)" and "(a|b)?" are optional; "(a|b)" and "[a|b]" choose one.
                var optional = character == openParenthesis && choices.count == 1
                var next = end + 1
                if next < characters.count, characters[next] == question {
                    optional = true
                    next += 1
                }
                var alternatives: [[PhraseElement]] = []
                if !suffixOf.isEmpty {
                    if optional { alternatives.append(Symbol.words(suffixOf)) }
                    for ending in choices {
                        let elements = Symbol.words(suffixOf + Symbol.trimmingSpaces(ending))
                        if elements.isEmpty {
                            return .failure(PhraseSyntaxError("empty ending in '\(Symbol.string(suffixOf))(\(Symbol.string(inner)))'"))
                        }
                        alternatives.append(elements)
                    }
                    items.append(.required(alternatives))
                    index = next
                    continue
                }
                for alternative in choices {
                    guard alternative.contains(where: { !$0.isWhitespace }) else {
                        return .failure(
                            PhraseSyntaxError("empty alternative in '\(Symbol.string([character]))\(Symbol.string(inner))\(Symbol.string([close]))'"))
                    }
                    switch Symbol.expand(alternative) {
                    case .success(let sequences): alternatives.append(contentsOf: sequences)
                    case .failure(let error): return .failure(error)
                    }
                }
                items.append(optional ? .optional(alternatives) : .required(alternatives))
                index = next
            } else if character == openBrace {
                _ = flushWord()
                guard let end = characters[(index + 1)...].firstIndex(of: closeBrace) else {
                    return .failure(PhraseSyntaxError("unclosed '{'"))
                }
                let parts = Symbol.string(characters[(index + 1)..<end]).split(separator: ",")
                guard parts.count == 2, let low = Int(parts[0].trimmingSpaces), let high = Int(parts[1].trimmingSpaces),
                    low >= 0, high >= low, high <= 10
                else {
                    return .failure(PhraseSyntaxError("a gap is written {min,max} with 0 <= min <= max <= 10"))
                }
                items.append(.gap(low, high))
                index = end + 1
            } else if character == space || character == tab || character == question {
                _ = flushWord()
                index += 1
            } else {
                word.append(character)
                index += 1
            }
        }
        _ = flushWord()
        // The variants counted item by item, as ``expand(items:)`` makes them (every alternative
        // holds at most `maxExpansions` sequences, so the product cannot overflow before the check).
        var variants = 1
        var hasWords = false
        for item in items {
            switch item {
            case .required(let alternatives):
                variants *= alternatives.count
                hasWords = hasWords || alternatives.contains { !$0.isEmpty }
            case .optional(let alternatives):
                variants *= alternatives.count + 1
                hasWords = hasWords || alternatives.contains { !$0.isEmpty }
            case .gap:
                break
            }
            if variants > maxExpansions {
                return .failure(PhraseSyntaxError("expands to more than \(maxExpansions) variants"))
            }
        }
        // A variant has words when some alternative has: it can be chosen.
        if !hasWords || variants == 0 { return .failure(PhraseSyntaxError("the phrase has no words")) }
        return .success(items)
    }

    /// The element sequences of parsed items: one per choice of alternatives, the earlier item's
    /// choice varying slowest (a left-out optional item first), with adjacent gaps merged and
    /// gaps at either end dropped; sequences left without words are skipped.
    static func expand(items: [Item]) -> [[PhraseElement]] {
        var sequences: [[PhraseElement]] = [[]]
        for item in items {
            switch item {
            case .required(let alternatives) where alternatives.count == 1:
                // One way on (a plain word): appended in place, no new arrays.
                for index in sequences.indices { sequences[index].append(contentsOf: alternatives[0]) }
            case .required(let alternatives):
                sequences = sequences.flatMap { prefix in alternatives.map { prefix + $0 } }
            case .optional(let alternatives):
                sequences = sequences.flatMap { prefix in [prefix] + alternatives.map { prefix + $0 } }
            case .gap(let low, let high):
                for index in sequences.indices { sequences[index].append(.gap(low, high)) }
            }
        }
        var result: [[PhraseElement]] = []
        for sequence in sequences {
            // Merge adjacent gaps; a sequence must start and end with a word.
            var merged: [PhraseElement] = []
            for element in sequence {
                if case .gap(let low, let high) = element, case .gap(let lastLow, let lastHigh)? = merged.last {
                    merged[merged.count - 1] = .gap(lastLow + low, lastHigh + high)
                } else {
                    merged.append(element)
                }
            }
            while case .gap? = merged.first { merged.removeFirst() }
            while case .gap? = merged.last { merged.removeLast() }
            if merged.isEmpty { continue }
            result.append(merged)
        }
        return result
    }

    /// Splits one written word into elements the way the tokenizer splits text
    /// ("ex-partner" → ex, partner), honouring `=` (exact) and `*` (prefix).
    static func words(_ written: String) -> [PhraseElement] {
        var text = Substring(written)
        var exact = false
        var prefix = false
        if text.hasPrefix("=") {
            exact = true
            text = text.dropFirst()
        }
        if text.hasSuffix("*") {
            prefix = true
            text = text.dropLast()
        }
        return words(Array(text.utf8), exact: exact, prefix: prefix)
    }

    /// ``words(_:)`` of an ASCII word's bytes.
    static func words(ascii written: [UInt8]) -> [PhraseElement] {
        var text = written[...]
        let exact = text.first == UInt8(ascii: "=")
        if exact { text = text.dropFirst() }
        let prefix = text.last == UInt8(ascii: "*")
        if prefix { text = text.dropLast() }
        return words(Array(text), exact: exact, prefix: prefix)
    }

    /// The elements of a word's bytes without its `=` and `*`.
    private static func words(_ bytes: [UInt8], exact: Bool, prefix: Bool) -> [PhraseElement] {
        let pieces = lowerWords(bytes)
        var elements: [PhraseElement] = []
        elements.reserveCapacity(pieces.count)
        for (offset, piece) in pieces.enumerated() {
            if prefix && offset == pieces.count - 1 {
                elements.append(.prefix(piece))
            } else {
                elements.append(.word(piece, exact: exact))
            }
        }
        return elements
    }

    /// The lower-case words of a string, split as the tokenizer splits text.
    static func lowerWords(_ string: String) -> [String] { lowerWords(Array(string.utf8)) }

    /// The lower-case words of UTF-8 bytes, split as the tokenizer splits text.
    static func lowerWords(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var index = 0
            let end = buffer.count
            var current: [UInt8] = []
            while index < end {
                let separator = ByteClass.separatorLength(base, index, end)
                if separator > 0 {
                    if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
                    current.removeAll(keepingCapacity: true)
                    index += separator
                    continue
                }
                var byte = base[index]
                if ByteClass.isWordByte(byte) {
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    current.append(byte)
                } else {
                    if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
                    current.removeAll(keepingCapacity: true)
                }
                index += 1
            }
            if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        }
        return result
    }
}

/// A symbol of phrase text: a byte of an ASCII phrase, or a Character of any other.
protocol PhraseSymbol: Equatable {
    /// The symbol of an ASCII character.
    init(ascii: UInt8)
    var isWhitespace: Bool { get }
    /// The text of symbols.
    static func string(_ symbols: some Collection<Self>) -> String
    /// The elements of one written word (``PhraseParser/words(_:)``).
    static func words(_ symbols: [Self]) -> [PhraseElement]
    /// The symbols without the spaces and tabs at either end (`.whitespaces`).
    static func trimmingSpaces(_ symbols: [Self]) -> [Self]
    /// The sequences of a group's alternative (``PhraseParser/expand(_:)``).
    static func expand(_ symbols: [Self]) -> Result<[[PhraseElement]], PhraseSyntaxError>
}

extension UInt8: PhraseSymbol {
    init(ascii: UInt8) { self = ascii }
    var isWhitespace: Bool { self == 0x20 || (self >= 0x09 && self <= 0x0D) }
    static func string(_ symbols: some Collection<UInt8>) -> String { String(decoding: symbols, as: UTF8.self) }
    static func words(_ symbols: [UInt8]) -> [PhraseElement] { PhraseParser.words(ascii: symbols) }
    static func trimmingSpaces(_ symbols: [UInt8]) -> [UInt8] {
        var slice = symbols[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return Array(slice)
    }
    static func expand(_ symbols: [UInt8]) -> Result<[[PhraseElement]], PhraseSyntaxError> {
        PhraseParser.expand(String(decoding: symbols, as: UTF8.self))
    }
}

extension Character: PhraseSymbol {
    init(ascii: UInt8) { self = Character(Unicode.Scalar(ascii)) }
    static func string(_ symbols: some Collection<Character>) -> String { String(symbols) }
    static func words(_ symbols: [Character]) -> [PhraseElement] { PhraseParser.words(String(symbols)) }
    static func trimmingSpaces(_ symbols: [Character]) -> [Character] { Array(String(symbols).trimmingCharacters(in: .whitespaces)) }
    static func expand(_ symbols: [Character]) -> Result<[[PhraseElement]], PhraseSyntaxError> { PhraseParser.expand(String(symbols)) }
}

/// A phrase that cannot be parsed.
struct PhraseSyntaxError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}

/// A light English inflector: the regular plural, past and -ing forms of a word.
enum Inflector {
    /// Function words are never inflected.
    static let functionWords: Set<String> = [
        "the", "and", "for", "with", "his", "her", "hers", "him", "she", "was", "were", "are", "has", "had", "have",
        "not", "from", "their", "they", "them", "this", "that", "these", "those", "been", "being", "its", "who",
        "whom", "whose", "which", "what", "when", "where", "there", "then", "than", "any", "all", "some", "into",
        "onto", "upon", "under", "over", "about", "after", "before", "during", "while", "whilst", "our", "your",
        "you", "she", "also", "very", "more", "most", "less", "least", "such", "same", "other", "others", "did",
        "does", "done", "can", "could", "would", "should", "may", "might", "must", "will", "shall", "but", "nor",
        "yet", "per", "via", "out", "off", "own", "only", "ever", "never", "nothing", "none", "each", "both",
        "either", "neither", "himself", "herself", "themselves", "children", "men", "women",
        "people", "police", "news", "always", "as", "is", "of", "to", "in", "on", "at", "by", "or", "no", "be", "it",
    ]

    /// Whether an ASCII byte is a lower-case vowel.
    @inline(__always)
    private static func isVowel(_ byte: UInt8) -> Bool {
        byte == 0x61 || byte == 0x65 || byte == 0x69 || byte == 0x6F || byte == 0x75
    }

    /// The word and its regular inflections (the word itself first).
    static func forms(of word: String) -> [String] {
        // Byte-level ASCII-letter check (`Character.isLetter` looks up Unicode properties); past
        // it every Character is one byte, and the rules read bytes.
        let bytes = Array(word.utf8)
        guard bytes.count >= 3, bytes.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
            !functionWords.contains(word)
        else {
            return [word]
        }
        let count = bytes.count
        func plus(_ suffix: String, dropping: Int = 0) -> String {
            var form = bytes[..<(count - dropping)]
            form.append(contentsOf: suffix.utf8)
            return String(decoding: form, as: UTF8.self)
        }
        func ends(_ suffix: StaticString) -> Bool {
            let length = suffix.utf8CodeUnitCount
            return length <= count && (0..<length).allSatisfy { bytes[count - length + $0] == suffix.utf8Start[$0] }
        }
        var forms = [word]
        let last = bytes[count - 1]
        let beforeLast = bytes[count - 2]
        let endsConsonantY = last == 0x79 && !isVowel(beforeLast)
        // Plural / third person.
        if last == 0x73 || last == 0x78 || last == 0x7A || ends("ch") || ends("sh") {
            forms.append(plus("es"))
        } else if endsConsonantY {
            forms.append(plus("ies", dropping: 1))
        } else {
            forms.append(plus("s"))
        }
        // Past and -ing.
        if ends("ie") {
            forms.append(plus("d"))
            forms.append(plus("ying", dropping: 2))
        } else if ends("ee") {
            forms.append(plus("d"))
            forms.append(plus("ing"))
        } else if last == 0x65 {
            forms.append(plus("d"))
            forms.append(plus("ing", dropping: 1))
        } else if endsConsonantY {
            forms.append(plus("ied", dropping: 1))
            forms.append(plus("ing"))
        } else {
            // Consonant-vowel-consonant: the doubled forms (stab → stabbed, travel → travelled);
            // a word of one syllable has only those ("car" does not give "cared" and "caring",
            // which would make it match "care").
            let third = bytes[count - 3]
            let consonantVowelConsonant = !isVowel(last) && last != 0x77 && last != 0x78 && last != 0x79
                && isVowel(beforeLast) && !isVowel(third)
            var syllables = 0
            var previousVowel = false
            for byte in bytes {
                let vowel = isVowel(byte)
                if vowel, !previousVowel { syllables += 1 }
                previousVowel = vowel
            }
            if !(consonantVowelConsonant && syllables == 1) {
                forms.append(plus("ed"))
                forms.append(plus("ing"))
            }
            if consonantVowelConsonant {
                let doubled = String(decoding: [last], as: UTF8.self)
                forms.append(plus(doubled + "ed"))
                forms.append(plus(doubled + "ing"))
            }
        }
        return forms
    }
}
