import Foundation
import GRDB
import ReviewModel
import ReviewParsing
import TestSupport
import Testing
@testable import AnnotationStore
#if canImport(Glibc)
import Glibc
#endif

/// A project folder with one review file and a store whose latest run for it holds the
/// fixture's suggestions (anchored on the text the parser reads from the file), so the CLI
/// uses them without re-tagging.
struct ProjectFixture {
    let directory: URL
    let storePath: String
    let store: AnnotationStore
    let document: ReviewDocument
    static let file = "corpus/test-dhr.txt"

    init() throws {
        directory = try TestPaths.scratchDirectory("revtag-cli")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        let fileURL = directory.appendingPathComponent(Self.file)
        try (Fixture.text + "\n").write(to: fileURL, atomically: true, encoding: .utf8)
        var document = try DocumentReader().read(path: fileURL.path)
        document.name = Self.file
        self.document = document
        storePath = directory.appendingPathComponent("annotations/revtag.sqlite").path
        store = try AnnotationStore(path: storePath)
        let suggestions = Fixture.suggestions.map { item in
            suggestion(item.tag.description, item.subject, quote: item.evidence[0].text, in: document.text, rule: item.evidence[0].rule)
        }
        try store.recordSuggestionRun(
            document: document, result: result(document, suggestions, category: "intimate-partner-violence"),
            codebookVersion: "test-1", codebookHash: "abc")
    }

    var environment: [String: String] { ["REVTAG_STORE": storePath, "REVTAG_CODER": "amira", "TERM": "xterm"] }
}

@Suite("revtag's store commands as processes", .serialized)
struct ProcessTests {
    @Test func reviewInAPseudoTerminalDecidesUndoesAndResumes() throws {
        let project = try ProjectFixture()
        let session = try PseudoTerminalSession(["review", ProjectFixture.file], in: project.directory, environment: project.environment)
        var mark = try session.wait(for: "[1 of 4]")
        mark = try session.wait(for: "> ", after: mark)
        #expect(session.output.contains("\u{1B}[1;33;4mdrank heavily\u{1B}[0m"), "\(session.output)")
        #expect(session.output.contains("rule: alcohol-misuse/1"))
        #expect(session.output.contains("subject: \u{1B}[36mperpetrator"))
        session.send("y")
        mark = try session.wait(for: "[2 of 4]", after: mark)
        session.send("n")
        mark = try session.wait(for: "[3 of 4]", after: mark)
        session.send("u")
        mark = try session.wait(for: "undone: rejected characteristic/mental-health (victim)", after: mark)
        mark = try session.wait(for: "[2 of 4]", after: mark)
        session.send("a")
        mark = try session.wait(for: "Tag id", after: mark)
        session.send("weapon/kn\t")
        mark = try session.wait(for: "ife", after: mark)
        session.send("\r")
        mark = try session.wait(for: "added weapon/knife", after: mark)
        session.send("k")
        mark = try session.wait(for: "[3 of 4]", after: mark)
        session.send("q")
        try session.wait(for: "Session: 1 confirmed, 0 rejected, 1 added, 1 skipped; 3 pending.", after: mark)
        #expect(try session.finish() == 0)

        let current = try project.store.decisions(document: ProjectFixture.file)
        #expect(current.map(\.key) == [Fixture.alcohol, TagKey(tag: TagID("weapon/knife")!, subject: nil)])
        #expect(current.allSatisfy { $0.origin == .review && $0.coder == "amira" })
        #expect(current[1].anchor?.exact == "low mood")
        let history = try project.store.decisions(document: ProjectFixture.file, history: true)
        #expect(history.map(\.status) == [.confirmed, .rejected, .withdrawn, .added])

        // A second session resumes with what is still pending.
        let resumed = try PseudoTerminalSession(["review", ProjectFixture.file], in: project.directory, environment: project.environment)
        let start = try resumed.wait(for: "1 suggestion(s) already decided; resuming with the 3 still pending.")
        try resumed.wait(for: "characteristic/mental-health", after: start)
        resumed.send("q")
        #expect(try resumed.finish() == 0)
    }

    @Test func reviewKilledBySIGTERMRestoresTheTerminal() throws {
        let project = try ProjectFixture()
        let session = try PseudoTerminalSession(["review", ProjectFixture.file], in: project.directory, environment: project.environment)
        let mark = try session.wait(for: "[1 of 4]")
        try session.wait(for: "> ", after: mark)
        #expect(!session.isCanonical)
        kill(session.process.processIdentifier, SIGTERM)
        #expect(try session.finish() == 128 + SIGTERM)
        #expect(session.isCanonical)
    }

    @Test func reviewWithoutATerminalSaysSoAndFails() throws {
        let project = try ProjectFixture()
        let run = try runRevtag(["review", ProjectFixture.file], in: project.directory, environment: project.environment, input: "y\n")
        #expect(run.status == 64)
        #expect(run.stderr.contains("needs a terminal"))
        #expect(try project.store.decisionCount() == 0)
    }

    @Test func workflowCommandsAndTheirRefusals() throws {
        let project = try ProjectFixture()
        let env = project.environment
        let confirm = try runRevtag(["confirm", ProjectFixture.file, "characteristic/alcohol-misuse"], in: project.directory, environment: env)
        #expect(confirm.status == 0, "\(confirm.stderr)")
        #expect(confirm.stdout.contains("confirmed characteristic/alcohol-misuse (perpetrator)"))
        let unknownTag = try runRevtag(["confirm", ProjectFixture.file, "characteristic/alcohol-abuse"], in: project.directory, environment: env)
        #expect(unknownTag.status == 64)
        #expect(unknownTag.stderr.contains("characteristic/alcohol-misuse"))
        #expect(unknownTag.stderr.contains("Valid characteristic ids:"))
        let unknownSubject = try runRevtag(
            ["reject", ProjectFixture.file, "characteristic/mental-health", "--subject", "mother"], in: project.directory, environment: env)
        #expect(unknownSubject.status == 64)
        #expect(unknownSubject.stderr.contains("victim, perpetrator, unknown"))
        let unknownFile = try runRevtag(["add", "corpus/missing.html", "weapon/knife"], in: project.directory, environment: env)
        #expect(unknownFile.status == 66)
        #expect(unknownFile.stderr.contains("corpus/missing.html: no such file"))
        #expect(unknownFile.stderr.contains(ProjectFixture.file))
        let add = try runRevtag(
            ["add", ProjectFixture.file, "weapon/knife", "--quote", "Cautioned  for ASSAULT", "--note", "knife named later"],
            in: project.directory, environment: env)
        #expect(add.status == 0, "\(add.stderr)")
        let person = try runRevtag(
            ["person", ProjectFixture.file, "--subject", "victim", "--gender", "female", "--age", "34"], in: project.directory, environment: env)
        #expect(person.status == 0, "\(person.stderr)")
        let status = try runRevtag(["status", ProjectFixture.file], in: project.directory, environment: env)
        #expect(status.stdout.contains("corpus/test-dhr.txt        3          1         0      1         0"))
        let decisions = try project.store.decisions(document: ProjectFixture.file)
        #expect(decisions.map(\.status) == [.confirmed, .added])
        #expect(decisions[1].anchor?.exact == "cautioned for assault")
        #expect(try project.store.people(document: ProjectFixture.file).first?.person == Person(subject: .victim, gender: .female, age: .years(34)))
    }

    @Test func anEditedFileIsReanchoredAndOrphansAreListed() throws {
        let project = try ProjectFixture()
        try project.store.confirm(document: ProjectFixture.file, key: Fixture.alcohol, coder: "amira")
        try project.store.confirm(document: ProjectFixture.file, key: Fixture.mood, coder: "amira")
        let edited = "A new opening paragraph added in the published version.\n\n"
            + Fixture.text.replacingOccurrences(of: "Tom drank heavily most evenings and had", with: "Tom had") + "\n"
        try edited.write(to: project.directory.appendingPathComponent(ProjectFixture.file), atomically: true, encoding: .utf8)
        let status = try runRevtag(["status", ProjectFixture.file], in: project.directory, environment: project.environment)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("changed since it was last stored; decisions re-anchored: 1 moved, 0 unchanged, 0 found again, 1 orphaned"))
        #expect(status.stdout.contains("Orphaned decisions"))
        #expect(status.stdout.contains("characteristic/alcohol-misuse (perpetrator) \u{201C}drank heavily\u{201D} confirmed by amira"))
        let decisions = try project.store.decisions(document: ProjectFixture.file)
        #expect(decisions.count == 2)
        #expect(decisions.first { $0.key == Fixture.mood }?.anchor?.range.start == range(of: "low mood", in: edited.trimmingCharacters(in: .whitespacesAndNewlines)).start)
    }

    @Test func importRefusesBadLinesAndExportRoundTrips() throws {
        let project = try ProjectFixture()
        try project.store.confirm(document: ProjectFixture.file, key: Fixture.alcohol, coder: "amira")
        let before = try project.store.contentDump()
        let bad = project.directory.appendingPathComponent("bad.jsonl")
        try """
            {"document": "x.html", "coder": "ben", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}]}
            {"document": "y.html", "coder": "ben", "tags": [{"tag": "weapon/spoon"}]}
            """.write(to: bad, atomically: true, encoding: .utf8)
        let refused = try runRevtag(["annotations", "import", "bad.jsonl"], in: project.directory, environment: project.environment)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.jsonl:2: tags[0]: unknown tag id 'weapon/spoon'"))
        #expect(try project.store.contentDump() == before)

        let export = try runRevtag(["annotations", "export", "--out", "all.jsonl"], in: project.directory, environment: project.environment)
        #expect(export.status == 0)
        let fresh = project.directory.appendingPathComponent("fresh.sqlite").path
        let imported = try runRevtag(
            ["annotations", "import", "all.jsonl", "--store", fresh], in: project.directory, environment: project.environment)
        #expect(imported.status == 0, "\(imported.stderr)")
        let copy = try AnnotationStore(path: fresh)
        #expect(try copy.codedRecords() == project.store.codedRecords())
    }

    @Test func agreementFromTheStore() throws {
        let project = try ProjectFixture()
        let lines = """
            {"document": "d1", "coder": "a", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}]}
            {"document": "d2", "coder": "a", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}]}
            {"document": "d3", "coder": "a", "tags": [{"tag": "weapon/knife"}]}
            {"document": "d4", "coder": "a", "tags": []}
            {"document": "d1", "coder": "b", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}]}
            {"document": "d2", "coder": "b", "tags": [], "rejected": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}]}
            {"document": "d3", "coder": "b", "tags": [{"tag": "weapon/knife"}]}
            {"document": "d4", "coder": "b", "tags": [], "rejected": [{"tag": "weapon/knife"}]}
            """
        try project.store.importRecords(lines, file: "two.jsonl", defaultCoder: nil, actor: "test")
        let run = try runRevtag(["agreement", "--coders", "a,b", "--format", "json"], in: project.directory, environment: project.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["documents"] as? Int == 4)
        #expect(json["coders"] as? [String] == ["a", "b"])
        #expect(json["krippendorffAlpha"] is NSNull)
        let perTag = try #require(json["perTag"] as? [[String: Any]])
        #expect(perTag.first?["tag"] as? String == "characteristic/alcohol-misuse")
        #expect(perTag.first?["kappa"] as? Double == 0.5)
        let unknown = try runRevtag(["agreement", "--coders", "a,zed"], in: project.directory, environment: project.environment)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("coders in the store: a, b"))
    }

    @Test func aWriterKilledMidTransactionLosesNothingCommitted() throws {
        let project = try ProjectFixture()
        try project.store.confirm(document: ProjectFixture.file, key: Fixture.alcohol, coder: "amira")
        try project.store.reject(document: ProjectFixture.file, key: Fixture.police, coder: "amira")
        try project.store.recordPerson(document: ProjectFixture.file, person: Person(subject: .victim, gender: .female), coder: "amira")
        let committed = try project.store.decisions(document: ProjectFixture.file, history: true)
        let documentsBefore = try project.store.documents().count

        // One large import: a single transaction of tens of thousands of rows.
        let tags = ["characteristic/alcohol-misuse", "characteristic/mental-health", "weapon/knife", "agency/police", "location/home", "outcome/homicide"]
        let body = (0..<4000).map { index in
            "{\"document\": \"bulk/doc-\(index).html\", \"coder\": \"bulk\", \"tags\": ["
                + tags.map { $0.hasPrefix("characteristic") ? "{\"tag\": \"\($0)\", \"subject\": \"victim\"}" : "{\"tag\": \"\($0)\"}" }
                    .joined(separator: ", ")
                + "], \"people\": [{\"subject\": \"victim\", \"age\": \(20 + index % 50)}]}"
        }.joined(separator: "\n")
        try body.write(to: project.directory.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)

        let writer = Process()
        writer.executableURL = try revtagBinary()
        writer.arguments = ["annotations", "import", "bulk.jsonl"]
        writer.currentDirectoryURL = project.directory
        writer.environment = ProcessInfo.processInfo.environment.merging(project.environment) { $1 }
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()

        // Wait until the writer holds the write lock (a BEGIN IMMEDIATE of ours is refused), then kill it.
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let probe = try DatabaseQueue(path: project.storePath, configuration: configuration)
        var sawTransaction = false
        let deadline = Date().addingTimeInterval(30)
        while writer.isRunning, Date() < deadline {
            do {
                try probe.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "ROLLBACK")
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                sawTransaction = true
                break
            }
            usleep(2_000)
        }
        try probe.close()
        #expect(sawTransaction, "the writer never held the write lock")
        usleep(150_000)
        #expect(writer.isRunning, "the import finished before it could be killed")
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)

        let reopened = try AnnotationStore(path: project.storePath)
        #expect(try reopened.integrityCheck() == "ok")
        #expect(try reopened.decisions(document: ProjectFixture.file, history: true) == committed)
        #expect(try reopened.decisionCount() == committed.count)
        #expect(try reopened.documents().count == documentsBefore)
        #expect(try reopened.people(document: ProjectFixture.file).count == 1)
        // The store still takes writes.
        try reopened.confirm(document: ProjectFixture.file, key: Fixture.mood, coder: "amira")
        #expect(try reopened.decisionCount() == committed.count + 1)
    }

    @Test func theCLIAndASecondProcessWritingAtOnceLoseNothing() throws {
        let project = try ProjectFixture()
        let ids = Array(Taxonomy.ids(of: "agency").prefix(12))
        let script = ids.map { "\"$REVTAG\" add \(ProjectFixture.file) agency/\($0) --coder cli >/dev/null || exit 1" }.joined(separator: "\n")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", script]
        writer.currentDirectoryURL = project.directory
        writer.environment = ProcessInfo.processInfo.environment.merging(project.environment.merging(["REVTAG": try revtagBinary().path]) { $1 }) { $1 }
        try writer.run()
        // Meanwhile this process (as the language server would) writes as another coder.
        for id in ids {
            try project.store.add(document: ProjectFixture.file, key: TagKey(tag: TagID(facet: "agency", id: id), subject: nil), coder: "editor", origin: .editor)
            usleep(20_000)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(try project.store.decisionCount() == 2 * ids.count)
        let decisions = try project.store.decisions(document: ProjectFixture.file)
        #expect(Set(decisions.filter { $0.coder == "cli" }.map(\.key.tag.id)) == Set(ids))
        #expect(Set(decisions.filter { $0.coder == "editor" }.map(\.key.tag.id)) == Set(ids))
        #expect(try project.store.integrityCheck() == "ok")
    }
}
