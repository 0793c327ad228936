import Aggregation
import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag agreement [--coders A,B] [--format text|json]`.
struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.",
        discussion: """
            On documents coded by every compared coder, per tag (and subject, for characteristics) \
            over presence or absence in each document, and pooled over every (document, tag, subject) \
            where some coder used that tag in those documents. Krippendorff's alpha (nominal) is given \
            when more than two coders are compared. With more than two coders, percent agreement and kappa \
            are means over coder pairs. Review types are not compared; categories are.
            """)

    @Option(help: ArgumentHelp("Comma-separated coders to compare (default: every coder in the store).", valueName: "a,b"))
    var coders: String?

    @Option(help: ArgumentHelp("text or json.", valueName: "format"))
    var format: String = "text"

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("unknown format '\(format)'; valid: text, json") }
    }

    func run() async throws {
        try StoreSupport.reporting {
            let store = try StoreSupport.open(storeOptions)
            var codings: [String: [String: Set<TagKey>]] = [:]
            for record in try store.codedRecords() {
                guard let coder = record.coder else { continue }
                var keys = Set(record.tags.map(\.key))
                if let category = record.category { keys.insert(TagKey(tag: TagID(facet: Taxonomy.categoryFacet, id: category), subject: nil)) }
                codings[coder, default: [:]][record.document, default: []].formUnion(keys)
            }
            let available = codings.keys.sorted()
            var selected = available
            if let coders {
                selected = coders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let unknown = selected.filter { codings[$0] == nil }
                if !unknown.isEmpty {
                    throw CLIFailure(
                        message: "no decisions by coder(s) \(unknown.joined(separator: ", ")); coders in the store: "
                            + (available.isEmpty ? "none" : available.joined(separator: ", ")),
                        code: RevtagExit.usage)
                }
            }
            guard Set(selected).count >= 2 else {
                throw CLIFailure(
                    message: "agreement needs at least two coders; coders in the store: "
                        + (available.isEmpty ? "none" : available.joined(separator: ", ")),
                    code: RevtagExit.usage)
            }
            let report = Agreement.report(codings: codings, coders: selected)
            print(format == "json" ? report.json() : report.text(), terminator: "")
        }
    }
}
