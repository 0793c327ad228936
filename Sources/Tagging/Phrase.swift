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

    private enum Item {
        case required([[PhraseElement]])
        case optional([[PhraseElement]])
        case gap(Int, Int)
    }

    /// Every element sequence the phrase stands for, or a message saying what is wrong.
    static func expand(_ phrase: String) -> Result<[[PhraseElement]], PhraseSyntaxError> {
        var items: [Item] = []
        let characters = Array(phrase)
        var index = 0
        var word = ""
        func flushWord() -> PhraseSyntaxError? {
            defer { word = "" }
            guard !word.isEmpty else { return nil }
            let elements = words(word)
            if elements.isEmpty { return nil }
            items.append(.required([elements]))
            return nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "(" || character == "[" {
                let suffixOf = word  // "record(s)": alternatives are endings of the word before
                word = ""
                if suffixOf.isEmpty { _ = flushWord() }
                let close: Character = character == "(" ? ")" : "]"
                // The matching close bracket (groups may nest).
                var depth = 0
                var cursor = index
                var found: Int?
                while cursor < characters.count {
                    if characters[cursor] == "(" || characters[cursor] == "[" { depth += 1 }
                    if characters[cursor] == ")" || characters[cursor] == "]" {
                        depth -= 1
                        if depth == 0 {
                            found = cursor
                            break
                        }
                    }
                    cursor += 1
                }
                guard let end = found, characters[end] == close else {
                    return .failure(PhraseSyntaxError("unclosed '\(character)'"))
                }
                let inner = String(characters[(index + 1)..<end])
                // Split on top-level '|'.
                var choices: [String] = []
                var current = ""
                var level = 0
                for symbol in inner {
                    if symbol == "(" || symbol == "[" { level += 1 }
                    if symbol == ")" || symbol == "]" { level -= 1 }
                    if symbol == "|" && level == 0 {
                        choices.append(current)
                        current = ""
                    } else {
                        current.append(symbol)
                    }
                }
                choices.append(current)
                // "(a)" and "(a|b)?" are optional; "(a|b)" and "[a|b]" choose one.
                var optional = character == "(" && choices.count == 1
                var next = end + 1
                if next < characters.count, characters[next] == "?" {
                    optional = true
                    next += 1
                }
                var alternatives: [[PhraseElement]] = []
                if !suffixOf.isEmpty {
                    if optional { alternatives.append(words(suffixOf)) }
                    for ending in choices {
                        let elements = words(suffixOf + ending.trimmingCharacters(in: .whitespaces))
                        if elements.isEmpty { return .failure(PhraseSyntaxError("empty ending in '\(suffixOf)(\(inner))'")) }
                        alternatives.append(elements)
                    }
                    items.append(.required(alternatives))
                    index = next
                    continue
                }
                for alternative in choices {
                    guard alternative.contains(where: { !$0.isWhitespace }) else {
                        return .failure(PhraseSyntaxError("empty alternative in '\(character)\(inner)\(close)'"))
                    }
                    switch expand(alternative) {
                    case .success(let sequences): alternatives.append(contentsOf: sequences)
                    case .failure(let error): return .failure(error)
                    }
                }
                items.append(optional ? .optional(alternatives) : .required(alternatives))
                index = next
            } else if character == "{" {
                _ = flushWord()
                guard let end = characters[(index + 1)...].firstIndex(of: "}") else {
                    return .failure(PhraseSyntaxError("unclosed '{'"))
                }
                let parts = String(characters[(index + 1)..<end]).split(separator: ",")
                guard parts.count == 2, let low = Int(parts[0].trimmingSpaces), let high = Int(parts[1].trimmingSpaces),
                    low >= 0, high >= low, high <= 10
                else {
                    return .failure(PhraseSyntaxError("a gap is written {min,max} with 0 <= min <= max <= 10"))
                }
                items.append(.gap(low, high))
                index = end + 1
            } else if character == " " || character == "\t" || character == "?" {
                _ = flushWord()
                index += 1
            } else {
                word.append(character)
                index += 1
            }
        }
        _ = flushWord()
        // Expand.
        var sequences: [[PhraseElement]] = [[]]
        for item in items {
            switch item {
            case .required(let alternatives):
                sequences = sequences.flatMap { prefix in alternatives.map { prefix + $0 } }
            case .optional(let alternatives):
                sequences = sequences.flatMap { prefix in [prefix] + alternatives.map { prefix + $0 } }
            case .gap(let low, let high):
                sequences = sequences.map { $0 + [.gap(low, high)] }
            }
            if sequences.count > maxExpansions {
                return .failure(PhraseSyntaxError("expands to more than \(maxExpansions) variants"))
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
        if result.isEmpty { return .failure(PhraseSyntaxError("the phrase has no words")) }
        return .success(result)
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
        let pieces = lowerWords(String(text))
        var elements: [PhraseElement] = []
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
    static func lowerWords(_ string: String) -> [String] {
        let bytes = Array(string.utf8)
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
                    current = []
                    index += separator
                    continue
                }
                var byte = base[index]
                if ByteClass.isWordByte(byte) {
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    current.append(byte)
                } else {
                    if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
                    current = []
                }
                index += 1
            }
            if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        }
        return result
    }
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

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u"]

    /// The word and its regular inflections (the word itself first).
    static func forms(of word: String) -> [String] {
        // Byte-level ASCII-letter check (`Character.isLetter` looks up Unicode properties).
        guard word.utf8.count >= 3, word.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
            !functionWords.contains(word)
        else {
            return [word]
        }
        var forms = [word]
        let characters = Array(word)
        let last = characters[characters.count - 1]
        let beforeLast = characters[characters.count - 2]
        let endsConsonantY = last == "y" && !vowels.contains(beforeLast)
        // Plural / third person.
        if word.hasSuffix("s") || word.hasSuffix("x") || word.hasSuffix("z") || word.hasSuffix("ch")
            || word.hasSuffix("sh")
        {
            forms.append(word + "es")
        } else if endsConsonantY {
            forms.append(String(word.dropLast()) + "ies")
        } else {
            forms.append(word + "s")
        }
        // Past and -ing.
        if word.hasSuffix("ie") {
            forms.append(word + "d")
            forms.append(String(word.dropLast(2)) + "ying")
        } else if word.hasSuffix("ee") {
            forms.append(word + "d")
            forms.append(word + "ing")
        } else if last == "e" {
            forms.append(word + "d")
            forms.append(String(word.dropLast()) + "ing")
        } else if endsConsonantY {
            forms.append(String(word.dropLast()) + "ied")
            forms.append(word + "ing")
        } else {
            // Consonant-vowel-consonant: the doubled forms (stab → stabbed, travel → travelled);
            // a word of one syllable has only those ("car" does not give "cared" and "caring",
            // which would make it match "care").
            let third = characters.count >= 3 ? characters[characters.count - 3] : "a"
            let consonantVowelConsonant = !vowels.contains(last) && last != "w" && last != "x" && last != "y"
                && vowels.contains(beforeLast) && !vowels.contains(third)
            var syllables = 0
            var previousVowel = false
            for character in characters {
                let vowel = vowels.contains(character)
                if vowel, !previousVowel { syllables += 1 }
                previousVowel = vowel
            }
            if !(consonantVowelConsonant && syllables == 1) {
                forms.append(word + "ed")
                forms.append(word + "ing")
            }
            if consonantVowelConsonant {
                forms.append(word + String(last) + "ed")
                forms.append(word + String(last) + "ing")
            }
        }
        return forms
    }
}
