import ArgumentParser
import Foundation
import ReviewModel
import ReviewParsing
import Tagging

/// Output formats of `revtag suggest`.
enum SuggestFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case jsonl
}

/// `revtag suggest FILE...`: suggested tags with their evidence.
struct SuggestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggest tags for review documents, with the evidence for each.",
        discussion: """
            Matches the codebook's rules, drops negated and hypothetical mentions, attributes \
            characteristics to the victim or the perpetrator, and suggests a category, the \
            review type and each person's demographics. A file that cannot be read is reported \
            on stderr; the others are still processed and the exit code is 1.
            """)

    @Argument(help: ArgumentHelp("Review documents (.html .htm .xhtml .xml .pdf .txt .md).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: "Output: text (for people), json (one array), jsonl (one line per file).")
    var format: SuggestFormat = .text

    @OptionGroup var codebookOptions: CodebookOptions

    @Flag(name: .long, help: "Also show suppressed matches (negated, hypothetical, third party, excluded) and why.")
    var explain = false

    func run() async throws {
        let tagger = try makeTagger(codebookOptions)
        let reader = DocumentReader()
        var failed = false
        var jsonItems: [String] = []
        for file in files {
            let document: ReviewDocument
            do {
                document = try reader.read(path: file)
            } catch {
                printError("revtag suggest: \(error)")
                failed = true
                continue
            }
            var result = tagger.tag(document)
            result.document = file
            switch format {
            case .text:
                print(SuggestRenderer.text(result, document: document, codebook: tagger.codebook, explain: explain))
            case .jsonl:
                print(SuggestRenderer.json(result, explain: explain))
            case .json:
                jsonItems.append(SuggestRenderer.json(result, explain: explain))
            }
        }
        if format == .json { print("[" + jsonItems.joined(separator: ",\n") + "]") }
        if failed { throw RevtagExit.someFailed }
    }
}

/// Loads the codebook the options name (or the shipped one) and compiles a tagger; errors
/// are printed and become exit codes.
func makeTagger(_ options: CodebookOptions) throws -> Tagger {
    let codebook = try options.loadCodebook(for: "revtag")
    do {
        return try Tagger(codebook: codebook)
    } catch {
        printError("revtag: \(error)")
        throw RevtagExit.dataError
    }
}

/// Renders tagging results as text or JSON.
enum SuggestRenderer {
    /// The JSON object of one result (one jsonl line), keys in interface order.
    static func json(_ result: TaggingResult, explain: Bool) -> String {
        jsonValue(result, explain: explain).serialised
    }

    static func jsonValue(_ result: TaggingResult, explain: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [("document", .string(result.document))]
        fields.append(
            ("reviewType", result.reviewType.map { .object([("id", .string($0.id)), ("evidence", .string($0.evidence))]) } ?? .null))
        fields.append(
            ("category",
             result.category.map {
                 .object([
                     ("id", .string($0.id)), ("confidence", .number($0.confidence)),
                     ("evidence", .array($0.evidence.map { .string($0) })),
                 ])
             } ?? .null))
        if explain, let reason = result.categoryReason { fields.append(("categoryReason", .string(reason))) }
        fields.append(
            ("suggestions",
             .array(result.suggestions.map { suggestion in
                 var object: [(String, JSONValue)] = [("tag", .string(suggestion.tag.description))]
                 if let subject = suggestion.subject { object.append(("subject", .string(subject.rawValue))) }
                 object.append(("confidence", .number(suggestion.confidence)))
                 object.append(("evidence", .array(suggestion.evidence.map(evidenceValue))))
                 return .object(object)
             })))
        fields.append(
            ("people",
             .array(result.people.map { person in
                 var object: [(String, JSONValue)] = [("subject", .string(person.subject.rawValue))]
                 if let name = person.name { object.append(("name", .string(name))) }
                 if let gender = person.gender { object.append(("gender", .string(gender.rawValue))) }
                 if let age = person.age {
                     switch age {
                     case .years(let years): object.append(("age", .number(Double(years))))
                     case .range(let low, let high):
                         object.append(("age", .object([("min", .number(Double(low))), ("max", .number(Double(high)))])))
                     }
                 }
                 if let ethnicity = person.ethnicity { object.append(("ethnicity", .string(ethnicity.rawValue))) }
                 return .object(object)
             })))
        if explain {
            fields.append(
                ("suppressed",
                 .array(result.suppressed.map { match in
                     .object([
                         ("tag", .string(match.tag.description)), ("reason", .string(match.reason.rawValue)),
                         ("trigger", .string(match.trigger)), ("evidence", evidenceValue(match.evidence)),
                     ])
                 })))
        }
        return .object(fields)
    }

    private static func evidenceValue(_ evidence: Evidence) -> JSONValue {
        .object([
            ("text", .string(evidence.text)), ("line", .number(Double(evidence.line))),
            ("character", .number(Double(evidence.character))), ("rule", .string(evidence.rule)),
        ])
    }

    /// The human-readable report of one result, grouped by facet.
    static func text(_ result: TaggingResult, document: ReviewDocument, codebook: Codebook, explain: Bool) -> String {
        var lines: [String] = []
        lines.append(result.document)
        if let type = result.reviewType {
            lines.append("  Review type: \(type.id)  (\"\(type.evidence)\")")
        } else {
            lines.append("  Review type: not detected")
        }
        if let category = result.category {
            lines.append("  Category: \(category.id)  confidence \(format(category.confidence))  (\(category.evidence.joined(separator: "; ")))")
        } else {
            lines.append("  Category: none (\(result.categoryReason ?? "no evidence"))")
        }
        for person in result.people {
            var parts = [person.subject.rawValue]
            if let name = person.name { parts.append(name) }
            parts.append(person.gender?.rawValue ?? "gender not stated")
            parts.append(person.age.map { "age \($0)" } ?? "age not stated")
            parts.append(person.ethnicity?.rawValue ?? "ethnicity not stated")
            lines.append("  Person: " + parts.joined(separator: ", "))
        }
        var facetOrder = Taxonomy.facets.map(\.facet)
        for suggestion in result.suggestions where !facetOrder.contains(suggestion.tag.facet) { facetOrder.append(suggestion.tag.facet) }
        for facet in facetOrder {
            let group = result.suggestions.filter { $0.tag.facet == facet }
            guard !group.isEmpty else { continue }
            lines.append("")
            lines.append("  \(facet)")
            for suggestion in group {
                let label = codebook.label(for: suggestion.tag).map { "  \($0)" } ?? ""
                let subject = suggestion.subject.map { " (\($0.rawValue))" } ?? ""
                lines.append("    \(suggestion.tag.id)\(subject)  \(format(suggestion.confidence))\(label)")
                for evidence in suggestion.evidence.prefix(3) {
                    lines.append("      \(evidence.line + 1):\(evidence.character + 1)  \(snippet(evidence.range, in: document))  [\(evidence.rule)]")
                }
                if suggestion.evidence.count > 3 { lines.append("      … and \(suggestion.evidence.count - 3) more") }
            }
        }
        if explain, !result.suppressed.isEmpty {
            lines.append("")
            lines.append("  suppressed")
            for match in result.suppressed {
                lines.append(
                    "    \(match.tag)  \(match.reason.rawValue) by \"\(match.trigger)\"  \(match.evidence.line + 1):\(match.evidence.character + 1)  \(snippet(match.evidence.range, in: document))  [\(match.evidence.rule)]")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The evidence in its sentence, cut to about 40 characters either side, on one line.
    static func snippet(_ range: TextRange, in document: ReviewDocument) -> String {
        let bounds = document.sentenceIndex(containing: range.start).map { document.sentences[$0] } ?? range
        let before = document.substring(TextRange(start: bounds.start, end: max(bounds.start, range.start)))
        let match = document.substring(range)
        let after = document.substring(TextRange(start: min(range.end, bounds.end), end: max(range.end, bounds.end)))
        let head = before.count > 40 ? "…" + before.suffix(40) : Substring(before)
        let tail = after.count > 40 ? after.prefix(40) + "…" : Substring(after)
        return (head + "«" + match + "»" + tail).replacingOccurrences(of: "\n", with: " ")
    }
}

/// A JSON value whose objects keep their key order (the jsonl shape is an interface).
indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Compact JSON text.
    var serialised: String {
        var output = ""
        write(into: &output)
        return output
    }

    func write(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { output += String(Int(value)) } else { output += String(value) }
        case .string(let value): output += JSONValue.quote(value)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(into: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                output += JSONValue.quote(key) + ":"
                value.write(into: &output)
            }
            output += "}"
        }
    }

    static func quote(_ string: String) -> String { JSONString.quoted(string) }
}
