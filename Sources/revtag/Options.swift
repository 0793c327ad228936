import ArgumentParser
import Foundation
import Tagging

/// `--store PATH` (or `REVTAG_STORE`), shared by every command that reads or writes decisions.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The annotation store (SQLite). Default: $REVTAG_STORE, else annotations/revtag.sqlite.",
        valueName: "path"))
    var store: String?

    /// The store path to open: the option, then `REVTAG_STORE`, then the project default.
    var resolvedStorePath: String {
        if let store { return store }
        if let fromEnvironment = ProcessInfo.processInfo.environment["REVTAG_STORE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "annotations/revtag.sqlite"
    }
}

/// `--codebook PATH`, shared by every command that tags.
struct CodebookOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A codebook YAML file to use instead of the shipped one (or revtag.yaml in the current folder).",
        valueName: "path"))
    var codebook: String?

    /// The codebook path: the option, then `./revtag.yaml` when present, else nil (the shipped default).
    var resolvedCodebookPath: String? {
        if let codebook { return codebook }
        if FileManager.default.fileExists(atPath: "revtag.yaml") { return "revtag.yaml" }
        return nil
    }

    /// The codebook these options name, or the shipped one.
    func loadCodebook() throws(CodebookError) -> Codebook {
        if let path = resolvedCodebookPath { return try Codebook.load(path: path) }
        return try Codebook.loadDefault()
    }

    /// ``loadCodebook()`` for a command: an error is printed after `command` ("revtag lint")
    /// and becomes the exit code (66 when the file cannot be read, 65 when it is invalid).
    func loadCodebook(for command: String) throws -> Codebook {
        do {
            return try loadCodebook()
        } catch {
            printError("\(command): \(error)")
            if case .unreadable = error { throw RevtagExit.noInput }
            throw RevtagExit.dataError
        }
    }
}

/// `--coder NAME` (or `REVTAG_CODER`, or the login name), shared by every command that records a human decision.
struct CoderOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Who is coding. Default: $REVTAG_CODER, else the login name.", valueName: "name"))
    var coder: String?

    /// The coder's name.
    var resolvedCoder: String {
        if let coder, !coder.isEmpty { return coder }
        let environment = ProcessInfo.processInfo.environment
        if let fromEnvironment = environment["REVTAG_CODER"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        return NSUserName()
    }
}

/// Exit codes scripts can rely on (sysexits-style), as `revtag --help` lists them.
enum RevtagExit {
    /// Some inputs failed; the others were processed.
    static let someFailed = ExitCode(1)
    /// Bad usage (unknown tag id, subject, option value).
    static let usage = ExitCode(64)
    /// Input data malformed (invalid UTF-8, bad JSON line, hostile XML).
    static let dataError = ExitCode(65)
    /// An input file is missing or unreadable.
    static let noInput = ExitCode(66)
    /// Internal error.
    static let software = ExitCode(70)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
