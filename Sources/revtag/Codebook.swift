import ArgumentParser
import ReviewModel
import Tagging

/// `revtag codebook`: inspect and lint the codebook.
struct CodebookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codebook",
        abstract: "Inspect and lint the codebook.",
        subcommands: [CodebookLintCommand.self, CodebookShowCommand.self],
        defaultSubcommand: CodebookShowCommand.self)
}

/// `revtag codebook lint`: unknown ids, missing rules, duplicate, dead and shadowed phrases, wildcards missing their bare word.
struct CodebookLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check the codebook: unknown tag ids, taxonomy ids without rules, phrases claimed by two tags, rules that can never match, shadowed phrases, wildcards (word*) whose bare word no rule of the tag matches.",
        discussion: "Exits non-zero when there is an error; warnings are printed but do not fail.")

    @OptionGroup var codebookOptions: CodebookOptions

    @Flag(name: .long, help: "Print errors only.")
    var quiet = false

    func run() async throws {
        let codebook = try codebookOptions.loadCodebook(for: "revtag codebook lint")
        let findings = CodebookLint.lint(codebook)
        let errors = findings.filter { $0.severity == .error }
        for finding in findings where !quiet || finding.severity == .error { print(finding) }
        let rules = codebook.entries.reduce(0) { $0 + $1.ruleCount }
        print("codebook \(codebook.version) (\(codebook.hash)): \(codebook.entries.count) tags, \(rules) rules; \(errors.count) errors, \(findings.count - errors.count) warnings")
        if !errors.isEmpty { throw RevtagExit.dataError }
    }
}

/// `revtag codebook show [TAG]`: a tag's label, definition and rules, or the list of tags.
struct CodebookShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a tag's label, definition and rules (or list every tag).")

    @Argument(help: ArgumentHelp("A tag id such as characteristic/alcohol-misuse (or just alcohol-misuse).", valueName: "tag"))
    var tag: String?

    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        let codebook = try codebookOptions.loadCodebook(for: "revtag codebook show")
        guard let tag else {
            print("codebook \(codebook.version) (\(codebook.hash))")
            for entry in codebook.entries {
                print("\(entry.tag.description.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(entry.ruleCount).padding(toLength: 4, withPad: " ", startingAt: 0)) \(entry.label)")
            }
            return
        }
        let matches = codebook.entries.filter { $0.tag.description == tag || $0.tag.id == tag }
        guard !matches.isEmpty else {
            printError("revtag codebook show: '\(tag)' is not a tag of the codebook; run 'revtag codebook show' for the list")
            throw RevtagExit.usage
        }
        for entry in matches {
            let prefix = codebook.rulePrefix(for: entry.tag)
            print("\(entry.tag)  \(entry.label)")
            print("  \(entry.definition)")
            if entry.ignoreContext { print("  (ignores negation and hypothetical context)") }
            for (index, phrase) in entry.phrases.enumerated() { print("  \(prefix)/\(index + 1)  \(phrase)") }
            for (index, near) in entry.near.enumerated() {
                print("  \(prefix)/\(entry.phrases.count + index + 1)  [\(near.a.joined(separator: " | "))] within \(near.within) words of [\(near.b.joined(separator: " | "))]")
            }
            for phrase in entry.exclude { print("  exclude  \(phrase)") }
        }
    }
}
