import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag status [FILE]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show per document: pending suggestions, confirmed, rejected, added and orphaned decisions.",
        discussion: """
            Counts are the coder's own (pending = suggested and not yet decided by this coder) unless \
            --all-coders is given. Orphaned decisions (their quote vanished when the text changed) are listed.
            """)

    @Argument(help: ArgumentHelp("One document (a file or a stored document); all documents when omitted.", valueName: "file"))
    var file: String?

    @Flag(help: "Count every coder's decisions (pending = decided by nobody).")
    var allCoders = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions

    func run() async throws {
        try StoreSupport.reporting {
            let store = try StoreSupport.open(storeOptions)
            var document: String?
            if let file {
                document = try StoreSupport.prepare(file, store: store, codebookOptions: nil, tag: false).path
            }
            let coder = allCoders ? nil : coderOptions.resolvedCoder
            let rows = try store.statusCounts(document: document, coder: coder)
            print(StoreSupport.statusTable(rows, coder: coder))
            let orphaned = try store.orphanedDecisions(document: document).filter { coder == nil || $0.coder == coder }
            if !orphaned.isEmpty {
                print("\nOrphaned decisions (quote not found in the current text; kept, check and re-decide):")
                for decision in orphaned {
                    print("  \(decision.document): \(StoreSupport.describe(decision)) \(decision.status.rawValue) by \(decision.coder) (decision \(decision.id))")
                }
            }
        }
    }
}

extension StoreSupport {
    static func statusTable(_ rows: [DocumentStatus], coder: String?) -> String {
        let header = ["document", "pending", "confirmed", "rejected", "added", "orphaned"]
        let width = max(header[0].count, rows.map(\.document.count).max() ?? 0)
        func line(_ cells: [String]) -> String {
            cells[0].padding(toLength: width, withPad: " ", startingAt: 0)
                + cells.dropFirst().enumerated().map { index, cell in
                    let column = header[index + 1].count
                    return "  " + String(repeating: " ", count: max(0, column - cell.count)) + cell
                }.joined()
        }
        var lines = [coder.map { "Coder: \($0)" } ?? "All coders", line(header)]
        for row in rows {
            lines.append(line([row.document, "\(row.pending)", "\(row.confirmed)", "\(row.rejected)", "\(row.added)", "\(row.orphaned)"]))
        }
        if rows.isEmpty { lines.append("(no documents in the store)") }
        return lines.joined(separator: "\n")
    }
}
