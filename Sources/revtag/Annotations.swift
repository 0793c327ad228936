import AnnotationStore
import ArgumentParser
import Foundation
import ReviewModel

/// `revtag annotations import|export`.
struct AnnotationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotations",
        abstract: "Import and export coded case records (JSONL, CSV, W3C Web Annotation).",
        subcommands: [AnnotationsImportCommand.self, AnnotationsExportCommand.self])
}

/// `revtag annotations import FILE.jsonl`.
struct AnnotationsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import case records, one JSON object per line; all or nothing.",
        discussion: """
            Each line: {"document": "<id or path>", "reviewType": "dhr", "category": "<category id>", \
            "coder": "...", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}], \
            "people": [{"subject": "victim", "gender": "female", "age": 34, "ethnicity": "white"}]}. \
            Documents need not exist. Every bad line is reported with its number; if any line is bad, \
            nothing is imported (exit 65).
            """)

    @Argument(help: ArgumentHelp("The JSONL file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Coder of lines that name none (default: such lines are refused; $REVTAG_CODER also applies).", valueName: "name"))
    var coder: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        try StoreSupport.reporting {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIFailure(message: "\(file): no such file or not readable", code: RevtagExit.noInput)
            }
            guard let contents = String(data: data, encoding: .utf8) else {
                throw CLIFailure(message: "\(file): not UTF-8 text", code: RevtagExit.dataError)
            }
            let codebook = try StoreSupport.codebook(codebookOptions)
            let store = try StoreSupport.open(storeOptions)
            let environmentCoder = ProcessInfo.processInfo.environment["REVTAG_CODER"].flatMap { $0.isEmpty ? nil : $0 }
            let actor = CoderOptions.fallbackCoder
            let summary = try store.importRecords(
                contents, file: file, defaultCoder: coder ?? environmentCoder, actor: actor,
                isKnownTag: { Taxonomy.contains($0) || codebook.label(for: $0) != nil })
            print("imported \(summary.records) record(s) from \(file): \(summary.decisions) decision(s), \(summary.people) people record(s), \(summary.newDocuments) new document(s)")
        }
    }
}

/// `revtag annotations export --format jsonl|csv|w3c [--out FILE]`.
struct AnnotationsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the decisions in force: JSONL case records, CSV, or W3C Web Annotation JSON-LD.",
        discussion: "Export then import into an empty store gives the same decisions (JSONL).")

    @Option(help: ArgumentHelp("jsonl (case records, re-importable), csv (one row per document and tag), w3c (Web Annotation JSON-LD).", valueName: "format"))
    var format: String = "jsonl"

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Only this coder's decisions.", valueName: "name"))
    var onlyCoder: String?

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard AnnotationExport.Format(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)'; valid: " + AnnotationExport.Format.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() async throws {
        try StoreSupport.reporting {
            let store = try StoreSupport.open(storeOptions)
            let text = try store.export(format: AnnotationExport.Format(rawValue: format) ?? .jsonl, coder: onlyCoder)
            if let out {
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIFailure(message: "\(out): cannot write: \(error.localizedDescription)", code: RevtagExit.noInput)
                }
                printError("revtag: wrote \(out)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

extension CoderOptions {
    /// The login name (what `resolvedCoder` falls back to).
    static var fallbackCoder: String {
        let environment = ProcessInfo.processInfo.environment
        for name in ["REVTAG_CODER", "USER", "LOGNAME"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return NSUserName()
    }
}
