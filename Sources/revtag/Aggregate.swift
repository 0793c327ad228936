import Aggregation
import AnnotationStore
import ArgumentParser
import Foundation
import ReviewModel
import Tagging

/// `revtag aggregate`: the reference report's Tables 3 to 6 from the store's confirmed
/// decisions and imported case records.
struct AggregateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Count confirmed annotations into report tables (Tables 3-6) as Markdown, CSV, JSON or HTML.",
        discussion: """
            Per category (youth peer, intimate partner, adult family, adult peer, within-family \
            violence towards children, child sexual abuse), with its number of reviews: victims' \
            and perpetrators' gender, age range and ethnicity (per person; not reported is counted), \
            the top N victim and perpetrator characteristics (per review, every characteristic tied \
            at the N-th count included), relationship types and characteristics, escalation \
            features (ticked when present in at least K reviews) and review types. A category \
            without reviews says "No information". Every output names the codebook version and \
            the number of decisions it was made from.

            Examples:
              revtag aggregate --store annotations/revtag.sqlite
              revtag aggregate --format html --out report.html
              revtag aggregate --format csv --coder amira --review-type dhr > dhr.csv
            """
    )

    /// The formats, as the option spells them.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case markdown, csv, json, html

        var aggregateFormat: AggregateFormat { AggregateFormat(rawValue: rawValue)! }
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var codebookOptions: CodebookOptions

    @Option(name: .long, help: ArgumentHelp(
        "Output format: markdown, csv, json or html. Default: from the --out extension (.md, .csv, .json, .html), else markdown.",
        valueName: "format"))
    var format: Format?

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp(
        "How many victim and perpetrator characteristics to list per category; ties at the last count are all listed. 0 lists all.",
        valueName: "n"))
    var top = 5

    @Option(name: .customLong("min-cases"), help: ArgumentHelp(
        "Tick an escalation feature in a category when it is present in at least this many of its reviews.", valueName: "k"))
    var minCases = 2

    @Option(name: .customLong("review-type"), help: ArgumentHelp(
        "Count only reviews of this type: \(Taxonomy.reviewTypes.joined(separator: ", ")).", valueName: "type"))
    var reviewType: String?

    @Option(name: .long, help: ArgumentHelp(
        "Count only this coder's decisions. Default: every coder (a document coded by several is counted once, with the tags of all).",
        valueName: "name"))
    var coder: String?

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 (all) or more, not \(top).") }
        guard minCases >= 1 else { throw ValidationError("--min-cases must be 1 or more, not \(minCases).") }
        if let reviewType, !Taxonomy.reviewTypes.contains(reviewType) {
            throw ValidationError(
                "--review-type '\(reviewType)' is not a review type; use one of \(Taxonomy.reviewTypes.joined(separator: ", ")).")
        }
        if let coder, coder.isEmpty { throw ValidationError("--coder needs a name.") }
    }

    /// The format an output file's extension asks for.
    static func format(forPath path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "md", "markdown": .markdown
        case "csv": .csv
        case "json": .json
        case "html", "htm": .html
        default: nil
        }
    }

    func run() async throws {
        let storePath = storeOptions.resolvedStorePath
        guard FileManager.default.fileExists(atPath: storePath) else {
            printError("revtag aggregate: no annotation store at \(storePath); pass --store, set REVTAG_STORE, "
                + "or create one with `revtag retag` or `revtag annotations import`.")
            throw RevtagExit.noInput
        }
        let codebook = try codebookOptions.loadCodebook(for: "revtag aggregate")
        let records: [CaseRecord]
        let decisions: Int
        do {
            let store = try AnnotationStore(path: storePath)
            records = try store.caseRecords(coder: coder)
            decisions = try store.decisionCount()
        } catch {
            printError("revtag aggregate: \(error)")
            throw RevtagExit.dataError
        }

        let report = AggregateReport(
            records: records,
            labels: { codebook.label(for: $0) },
            provenance: AggregateProvenance(codebookVersion: codebook.version, codebookHash: codebook.hash, decisions: decisions),
            options: AggregateOptions(top: top, minCases: minCases, reviewType: reviewType, coder: coder))
        let chosen = format ?? out.flatMap(Self.format(forPath:)) ?? .markdown
        let text = report.render(chosen.aggregateFormat)

        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                printError("revtag aggregate: cannot write \(out): \(error.localizedDescription); "
                    + "check that its folder exists and is writable.")
                throw RevtagExit.usage
            }
            printError("revtag aggregate: wrote \(out) (\(chosen.rawValue); \(report.recordsCounted) reviews, "
                + "\(decisions) decisions, codebook \(codebook.version))")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if records.isEmpty {
            printError("revtag aggregate: the store at \(storePath) holds no coded reviews"
                + (coder.map { " by \($0)" } ?? "") + "; every category says No information.")
        }
        if !report.uncategorised.isEmpty {
            printError("revtag aggregate: \(report.uncategorised.count) coded document(s) without a category left out, e.g. "
                + "\(report.uncategorised.prefix(3).joined(separator: ", ")); confirm a category/* tag to count them.")
        }
    }
}
