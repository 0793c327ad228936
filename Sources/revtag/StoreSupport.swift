import AnnotationStore
import ArgumentParser
import Foundation
import ReviewModel
import ReviewParsing
import Tagging

/// A failure the store commands report: a message for stderr and an exit code.
struct CLIFailure: Error {
    var message: String
    var code: ExitCode
}

/// Code shared by the store commands (confirm, reject, add, person, status, review,
/// annotations, agreement): opening the store, validating tag ids and subjects, and making
/// sure a document's suggestions match its current text.
enum StoreSupport {
    /// Runs a command body, rendering failures on stderr with their exit code.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CLIFailure {
            printError("revtag: " + failure.message)
            throw failure.code
        } catch let error as StoreError {
            printError("revtag: \(error)")
            throw exitCode(for: error)
        } catch let error as ParseError {
            printError("revtag: \(error)")
            throw RevtagExit.dataError
        } catch let code as ExitCode {
            throw code
        } catch {
            printError("revtag: \(error)")
            throw RevtagExit.software
        }
    }

    static func exitCode(for error: StoreError) -> ExitCode {
        switch error {
        case .unknownDocument: RevtagExit.noInput
        case .invalidImport: RevtagExit.dataError
        case .quoteNotFound, .invalidRequest, .unknownDecision: RevtagExit.usage
        case .database: RevtagExit.software
        }
    }

    /// Opens the store the options name.
    static func open(_ options: StoreOptions) throws -> AnnotationStore {
        try AnnotationStore(path: options.resolvedStorePath)
    }

    /// Loads the codebook the options name (or the shipped one).
    static func codebook(_ options: CodebookOptions) throws -> Codebook {
        do {
            return try options.loadCodebook()
        } catch {
            throw CLIFailure(message: "cannot load the codebook: \(error)", code: RevtagExit.dataError)
        }
    }

    /// Parses and checks a tag id against the taxonomy and the codebook.
    static func tag(_ string: String, codebook: Codebook?) throws -> TagID {
        guard let tag = TagID(string) else {
            throw CLIFailure(
                message: "'\(string)' is not a tag id; write facet/id, for example characteristic/alcohol-misuse. Facets: "
                    + Taxonomy.facets.map(\.facet).joined(separator: ", "),
                code: RevtagExit.usage)
        }
        if Taxonomy.contains(tag) || codebook?.label(for: tag) != nil { return tag }
        let ids = Taxonomy.ids(of: tag.facet)
        if ids.isEmpty {
            throw CLIFailure(
                message: "unknown tag id '\(string)': no facet '\(tag.facet)'. Facets: "
                    + Taxonomy.facets.map(\.facet).joined(separator: ", "),
                code: RevtagExit.usage)
        }
        let words = Set(tag.id.split(separator: "-").map(String.init))
        let first = tag.id.split(separator: "-").first.map(String.init)
        let close = ids.map { id in
            let parts = id.split(separator: "-").map(String.init)
            let sharedStart = id.prefix(4) == tag.id.prefix(4) && tag.id.count >= 4 ? 1 : 0
            return (id, Set(parts).intersection(words).count + (parts.first == first ? 1 : 0) + sharedStart)
        }
            .filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(3).map(\.0)
        throw CLIFailure(
            message: "unknown tag id '\(string)'."
                + (close.isEmpty ? "" : " Did you mean " + close.map { "\(tag.facet)/\($0)" }.joined(separator: ", ") + "?")
                + " Valid \(tag.facet) ids: " + ids.joined(separator: ", "),
            code: RevtagExit.usage)
    }

    /// Parses `--subject`.
    static func subject(_ string: String) throws -> Subject {
        guard let subject = Subject(rawValue: string.lowercased()) else {
            throw CLIFailure(
                message: "unknown subject '\(string)'; valid subjects: " + Subject.allCases.map(\.rawValue).joined(separator: ", "),
                code: RevtagExit.usage)
        }
        return subject
    }

    /// The key of `tag` with `--subject`: refused on tags without subject; for a
    /// characteristic without `--subject`, the subject of the only suggestion of that tag,
    /// else `fallback` (nil: ask for one).
    static func key(
        tag: TagID, subject: String?, suggested: [TagKey], fallback: Subject?
    ) throws -> TagKey {
        if let subject {
            guard tag.takesSubject else {
                throw CLIFailure(message: "\(tag) takes no subject (only characteristic/* tags do); leave out --subject", code: RevtagExit.usage)
            }
            return TagKey(tag: tag, subject: try self.subject(subject))
        }
        guard tag.takesSubject else { return TagKey(tag: tag, subject: nil) }
        let subjects = suggested.filter { $0.tag == tag }.compactMap(\.subject)
        if subjects.count == 1 { return TagKey(tag: tag, subject: subjects[0]) }
        if let fallback, subjects.isEmpty { return TagKey(tag: tag, subject: fallback) }
        throw CLIFailure(
            message: "\(tag) needs --subject (victim, perpetrator or unknown)"
                + (subjects.isEmpty ? "" : "; suggested for: " + subjects.map(\.rawValue).joined(separator: ", ")),
            code: RevtagExit.usage)
    }

    /// A document ready for a command: its store name and, when the file exists, its parsed text.
    struct Prepared {
        var path: String
        var document: ReviewDocument?
        /// Whether the document was (re)tagged and a suggestion run recorded.
        var tagged = false
        var registration: DocumentRegistration?
    }

    /// Finds the document a command names. When the file exists it is parsed; with `tag`,
    /// it is tagged and a run recorded when the store has no run for its current text (a
    /// changed text re-anchors the decisions, reported on stderr). A name that is neither a
    /// file nor a stored document is refused (exit 66).
    static func prepare(
        _ file: String, store: AnnotationStore, codebookOptions: CodebookOptions?, tag: Bool, needText: Bool = false
    ) throws -> Prepared {
        let path = AnnotationStore.documentPath(file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            if !needText, try store.document(path: path) != nil { return Prepared(path: path) }
            let known = try store.documents().map(\.path)
            throw CLIFailure(
                message: "\(file): no such file"
                    + (needText ? "" : ", and no document of that name in the store")
                    + (known.isEmpty ? "" : " (the store has \(known.count): " + known.prefix(8).joined(separator: ", ")
                        + (known.count > 8 ? ", ..." : "") + ")"),
                code: RevtagExit.noInput)
        }
        var document = try DocumentReader().read(path: file)
        document.name = path
        var prepared = Prepared(path: path, document: document)
        let stored = try store.document(path: path)
        let current = stored?.contentHash == AnnotationStore.contentHash(of: document.text)
        let hasRun = try store.latestRun(document: path) != nil
        if tag, let codebookOptions, !current || !hasRun {
            let codebook = try codebook(codebookOptions)
            let result = try Tagger(codebook: codebook).tag(document)
            prepared.registration = try store.recordSuggestionRun(
                document: document, result: result, codebookVersion: codebook.version, codebookHash: codebook.hash
            ).registration
            prepared.tagged = true
        } else if !current {
            prepared.registration = try store.registerDocument(document)
        }
        if let registration = prepared.registration, registration.textChanged {
            let report = registration.reanchor
            printError(
                "revtag: \(path) changed since it was last stored; decisions re-anchored: \(report.moved.count) moved, "
                    + "\(report.unchanged.count) unchanged, \(report.recovered.count) found again, \(report.orphaned.count) orphaned"
                    + (report.orphaned.isEmpty ? "" : " (see revtag status \(path))"))
        }
        return prepared
    }

    /// "characteristic/alcohol-misuse (perpetrator)" plus the quote when anchored.
    static func describe(_ decision: Decision) -> String {
        var text = "\(decision.key)"
        if let anchor = decision.anchor { text += " \u{201C}\(anchor.exact)\u{201D}" }
        return text
    }
}
