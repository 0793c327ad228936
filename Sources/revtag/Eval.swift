import ArgumentParser
import Foundation
import ReviewModel
import ReviewParsing
import Tagging

/// Output formats of `revtag eval`.
enum EvalFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// `revtag eval`: precision, recall and F1 of `suggest` against the gold annotations.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate suggestions against gold annotations.",
        discussion: """
            Tags every document the gold files name and scores the suggestions over (tag, \
            subject) pairs: per tag, per facet and micro-averaged precision, recall and F1, \
            subject attribution accuracy, category and review-type accuracy, demographics, and \
            the tags with the most errors.
            """)

    @Option(name: .long, help: ArgumentHelp("Folder of gold annotation files (*.json).", valueName: "dir"))
    var gold = "annotations/gold"

    @Option(name: .long, help: "Output: text or json.")
    var format: EvalFormat = .text

    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        let tagger = try makeTagger(codebookOptions)
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: gold) else {
            printError("revtag eval: \(gold): cannot read the gold folder; pass --gold DIR")
            throw RevtagExit.noInput
        }
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
        if files.isEmpty {
            printError("revtag eval: \(gold): no gold files (*.json) found")
            throw RevtagExit.noInput
        }
        let root = URL(fileURLWithPath: gold).deletingLastPathComponent().deletingLastPathComponent().path
        let reader = DocumentReader()
        var cases: [(gold: CaseRecord, result: TaggingResult)] = []
        var failed = false
        for file in files {
            let path = (gold as NSString).appendingPathComponent(file)
            guard let data = manager.contents(atPath: path) else {
                printError("revtag eval: \(path): cannot read")
                failed = true
                continue
            }
            let record: CaseRecord
            do {
                record = try JSONDecoder().decode(CaseRecord.self, from: data)
            } catch {
                printError("revtag eval: \(path): not a gold annotation file: \(error)")
                failed = true
                continue
            }
            let documentPath = manager.fileExists(atPath: record.document)
                ? record.document : (root as NSString).appendingPathComponent(record.document)
            do {
                let document = try reader.read(path: documentPath)
                cases.append((record, tagger.tag(document)))
            } catch {
                printError("revtag eval: \(path): \(error)")
                failed = true
            }
        }
        let evaluation = Evaluation(cases: cases)
        switch format {
        case .text: print(EvalRenderer.text(evaluation))
        case .json: print(EvalRenderer.json(evaluation).serialised)
        }
        if failed { throw RevtagExit.someFailed }
    }
}

/// Renders an ``Evaluation``.
enum EvalRenderer {
    static func percent(_ value: Double) -> String { String(format: "%.3f", value) }

    static func row(_ name: String, _ counts: Evaluation.Counts, width: Int) -> String {
        let padded = name.padding(toLength: max(width, name.count), withPad: " ", startingAt: 0)
        return "\(padded)  \(percent(counts.precision))  \(percent(counts.recall))  \(percent(counts.f1))  \(String(format: "%4d %4d %4d", counts.truePositives, counts.falsePositives, counts.falseNegatives))"
    }

    static func text(_ evaluation: Evaluation) -> String {
        var lines: [String] = []
        let width = max(40, evaluation.perTag.keys.map(\.count).max() ?? 0)
        let header = "tag".padding(toLength: width, withPad: " ", startingAt: 0) + "  P      R      F1       TP   FP   FN"
        lines.append("Documents: \(evaluation.documents)")
        lines.append("")
        lines.append(header.replacingOccurrences(of: "tag  ", with: "facet"))
        for facet in Taxonomy.facets.map(\.facet) + evaluation.perFacet.keys.sorted() where evaluation.perFacet[facet] != nil {
            if let counts = evaluation.perFacet[facet], !lines.contains(where: { $0.hasPrefix(facet + " ") }) {
                lines.append(row(facet, counts, width: width))
            }
        }
        lines.append(row("micro (tag, subject)", evaluation.micro, width: width))
        lines.append("")
        lines.append(header)
        for tag in evaluation.perTag.keys.sorted() {
            lines.append(row(tag, evaluation.perTag[tag]!, width: width))
        }
        lines.append("")
        lines.append("micro-F1 over (tag, subject): \(percent(evaluation.micro.f1))  (P \(percent(evaluation.micro.precision)), R \(percent(evaluation.micro.recall)))")
        lines.append("subject attribution accuracy: \(percent(evaluation.subjectAccuracy))  (\(evaluation.subjectCorrect)/\(evaluation.subjectTotal))")
        lines.append("category accuracy: \(percent(evaluation.categoryAccuracy))  (\(evaluation.categoryCorrect)/\(evaluation.categoryTotal))")
        lines.append("review type accuracy: \(percent(evaluation.reviewTypeAccuracy))  (\(evaluation.reviewTypeCorrect)/\(evaluation.reviewTypeTotal))")
        lines.append("demographics accuracy: \(percent(evaluation.demographicsAccuracy))  (\(evaluation.demographicsCorrect)/\(evaluation.demographicsTotal))")
        lines.append("")
        lines.append("worst tags:")
        for (tag, counts) in evaluation.worstTags() {
            let examples = evaluation.errors.filter { $0.key.hasPrefix(tag) }.prefix(3)
                .map { "\($0.kind) \($0.key.dropFirst(tag.count).trimmingCharacters(in: .whitespaces)) in \(($0.document as NSString).lastPathComponent)" }
            lines.append("  \(tag)  F1 \(percent(counts.f1))  FP \(counts.falsePositives) FN \(counts.falseNegatives)  e.g. \(examples.joined(separator: "; "))")
        }
        return lines.joined(separator: "\n")
    }

    static func countsValue(_ counts: Evaluation.Counts) -> JSONValue {
        .object([
            ("precision", .number(counts.precision)), ("recall", .number(counts.recall)), ("f1", .number(counts.f1)),
            ("tp", .number(Double(counts.truePositives))), ("fp", .number(Double(counts.falsePositives))),
            ("fn", .number(Double(counts.falseNegatives))),
        ])
    }

    static func json(_ evaluation: Evaluation) -> JSONValue {
        .object([
            ("documents", .number(Double(evaluation.documents))),
            ("micro", countsValue(evaluation.micro)),
            ("perFacet", .object(evaluation.perFacet.keys.sorted().map { ($0, countsValue(evaluation.perFacet[$0]!)) })),
            ("perTag", .object(evaluation.perTag.keys.sorted().map { ($0, countsValue(evaluation.perTag[$0]!)) })),
            ("subjectAccuracy", .number(evaluation.subjectAccuracy)),
            ("categoryAccuracy", .number(evaluation.categoryAccuracy)),
            ("reviewTypeAccuracy", .number(evaluation.reviewTypeAccuracy)),
            ("demographicsAccuracy", .number(evaluation.demographicsAccuracy)),
            ("worstTags", .array(evaluation.worstTags().map { .object([("tag", .string($0.tag)), ("counts", countsValue($0.counts))]) })),
            ("errors", .array(evaluation.errors.map { .object([("document", .string($0.document)), ("key", .string($0.key)), ("kind", .string($0.kind))]) })),
        ])
    }
}
