import AnnotationStore
import ArgumentParser
import Foundation
import ReviewModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `revtag review FILE`: the interactive coding session.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a document's pending suggestions interactively.",
        discussion: """
            Shows each suggestion you have not decided yet with its sentence, the evidence \
            highlighted, the rule and the subject. Keys: y confirm, n reject, s change the subject, \
            a add a tag (Tab completes tag ids), p record a person's demographics, u undo (recorded \
            as a new decision), k skip, q quit, ? help. Quitting keeps every decision; the next \
            session resumes with what is still pending. Needs a terminal; in scripts use \
            confirm/reject/add.
            """)

    @Argument(help: ArgumentHelp("The review document.", valueName: "file"))
    var file: String

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions
    @OptionGroup var codebookOptions: CodebookOptions

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1 else {
            printError("revtag: review needs a terminal (standard input is not one); in scripts use revtag confirm, reject and add")
            throw RevtagExit.usage
        }
        try StoreSupport.reporting {
            let store = try StoreSupport.open(storeOptions)
            let codebook = try StoreSupport.codebook(codebookOptions)
            let prepared = try StoreSupport.prepare(file, store: store, codebookOptions: codebookOptions, tag: true, needText: true)
            guard let document = prepared.document else { return }
            var session = try ReviewSession(store: store, document: document, coder: coderOptions.resolvedCoder)
            let terminal = ReviewTerminal()
            defer { terminal.restore() }
            let tags = Set(Taxonomy.allTags + codebook.entries.map(\.tag)).map(\.description).sorted()
            var screen = ReviewScreen(terminal: terminal, tags: tags, codebook: { codebook.label(for: $0) })
            screen.header(path: prepared.path, session: session)
            try screen.loop(&session)
        }
    }
}

/// Renders the session and turns keys into session inputs.
struct ReviewScreen {
    let terminal: ReviewTerminal
    /// Every valid tag id (taxonomy and codebook), for completion.
    let tags: [String]
    let label: (TagID) -> String?

    init(terminal: ReviewTerminal, tags: [String], codebook label: @escaping (TagID) -> String?) {
        self.terminal = terminal
        self.tags = tags
        self.label = label
    }

    private func style(_ text: String, _ code: String) -> String {
        terminal.colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func say(_ text: String) { terminal.write(text + "\n") }

    func header(path: String, session: ReviewSession) {
        say(style("revtag review \(path)", "1") + " \u{2014} coder \(session.coder)")
        if session.alreadyDecided > 0 {
            say("\(session.alreadyDecided) suggestion(s) already decided; resuming with the \(session.total) still pending.")
        }
        if session.total == 0 { say("Nothing pending. Use a to add a tag, p for people, q to quit.") }
        say("Keys: y confirm  n reject  s subject  a add tag  p person  u undo  k skip  q quit  ? help")
    }

    func show(_ session: ReviewSession) {
        guard let item = session.current else {
            say("")
            say(style("All \(session.total) suggestion(s) seen.", "1") + " a add tag  p person  u undo  q quit")
            return
        }
        let suggestion = item.suggestion
        var facts = [style(suggestion.key.tag.description, "1")]
        if let subject = suggestion.key.subject { facts.append("subject: " + style(subject.rawValue, "36")) }
        facts.append("rule: \(item.rule)")
        facts.append(String(format: "confidence %.2f", suggestion.confidence))
        say("")
        say(style("[\(session.position) of \(session.total)]", "2") + " " + facts.joined(separator: " \u{00B7} "))
        if let name = label(suggestion.key.tag) { say("  " + style(name, "2")) }
        say("  \u{201C}" + highlighted(item) + "\u{201D}")
    }

    private func highlighted(_ item: ReviewSession.Item) -> String {
        let bytes = Array(item.sentence.utf8)
        var out = ""
        var offset = 0
        for range in item.highlights.sorted(by: { $0.start < $1.start }) where range.start >= offset && range.end <= bytes.count {
            out += String(decoding: bytes[offset..<range.start], as: UTF8.self)
            let span = String(decoding: bytes[range.start..<range.end], as: UTF8.self)
            out += terminal.colour ? style(span, "1;33;4") : "[" + span + "]"
            offset = range.end
        }
        out += String(decoding: bytes[offset...], as: UTF8.self)
        return out.replacingOccurrences(of: "\n", with: " ")
    }

    /// Reads keys until quit or end of input.
    mutating func loop(_ session: inout ReviewSession) throws {
        show(session)
        while true {
            terminal.write("> ")
            guard let key = terminal.key() else { break }
            let character = Character(Unicode.Scalar(key))
            if key >= 0x20, key < 0x7F { terminal.write(String(character)) }
            terminal.write("\n")
            var input: ReviewSession.Input?
            switch character {
            case "y": input = .confirm
            case "n": input = .reject
            case "k": input = .skip
            case "u": input = .undo
            case "s":
                guard session.current?.suggestion.key.subject != nil else {
                    say("This tag takes no subject.")
                    continue
                }
                guard let subject = askSubject() else { continue }
                input = .changeSubject(subject)
            case "a":
                guard let key = askTag() else { continue }
                input = .add(key)
            case "p":
                guard let person = askPerson() else { continue }
                input = .person(person)
            case "q", "\u{3}", "\u{4}":
                finish(session)
                return
            case "?", "h":
                say("y confirm \u{00B7} n reject \u{00B7} s change the subject (rejects this one, records the other) \u{00B7} a add a tag here \u{00B7} p person's demographics \u{00B7} u undo the last decision \u{00B7} k skip (stays pending) \u{00B7} q quit")
                continue
            default:
                say("Unknown key; ? for help.")
                continue
            }
            guard let input else { continue }
            do {
                let outcome = try session.handle(input)
                say(style(outcome.message, "32"))
            } catch {
                say(style("not recorded: \(error)", "31"))
            }
            if case .add = input { continue }
            if case .person = input { continue }
            show(session)
        }
        finish(session)
    }

    private func finish(_ session: ReviewSession) {
        let left = (try? session.pendingCount()).map(String.init) ?? "?"
        say("Session: \(session.confirmed) confirmed, \(session.rejected) rejected, \(session.added) added, \(session.skipped) skipped; \(left) pending.")
    }

    private func askSubject() -> Subject? {
        terminal.write("Subject: v victim, p perpetrator, u unknown (Esc cancels): ")
        guard let key = terminal.key() else { return nil }
        let subject: Subject? = switch Character(Unicode.Scalar(key)) {
        case "v": .victim
        case "p": .perpetrator
        case "u": .unknown
        default: nil
        }
        say(subject?.rawValue ?? "cancelled")
        return subject
    }

    private func askTag() -> TagKey? {
        let ids = tags
        while true {
            guard let typed = terminal.line(prompt: "Tag id (Tab completes, Enter on empty cancels): ", completions: ids),
                !typed.isEmpty
            else { return nil }
            guard let tag = TagID(typed), Taxonomy.contains(tag) || label(tag) != nil else {
                let matches = ReviewTerminal.matches(typed, in: ids)
                say(matches.isEmpty ? "No tag id matches '\(typed)'." : "Not a tag id. Matches:\n" + ReviewTerminal.list(matches))
                continue
            }
            guard tag.takesSubject else { return TagKey(tag: tag, subject: nil) }
            guard let subject = askSubject() else { return nil }
            return TagKey(tag: tag, subject: subject)
        }
    }

    private func askPerson() -> Person? {
        guard let subject = askSubject() else { return nil }
        var person = Person(subject: subject)
        func ask<T>(_ prompt: String, _ parse: (String) throws -> T) -> T?? {
            while true {
                guard let answer = terminal.line(prompt: prompt) else { return .some(nil) }
                if answer.isEmpty { return .some(nil) }
                do { return .some(try parse(answer)) } catch let failure as CLIFailure { say(failure.message) } catch { say("\(error)") }
            }
        }
        person.gender = ask("Gender (female, male; Enter keeps): ", StoreSupport.gender) ?? nil
        person.age = ask("Age (34 or 30-39; Enter keeps): ", StoreSupport.age) ?? nil
        person.ethnicity = ask("Ethnicity (white, asian, black, mixed, other; Enter keeps): ", StoreSupport.ethnicity) ?? nil
        person.name = ask("Name or pseudonym (Enter keeps): ", { $0 }) ?? nil
        return person
    }
}
