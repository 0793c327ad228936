import AnnotationStore
import Foundation
import TestSupport
import Retagging
import ReviewModel
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real `revtag retag` binary on a generated corpus, interrupts and kills it.
@Suite(.serialized) struct RetagCommandTests {
    /// The `revtag` executable built next to the tests.
    static var binary: String { TestPaths.revtagBinary }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    func start(_ arguments: [String], in space: Workspace) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["retag"] + arguments
        process.currentDirectoryURL = space.root
        var environment = ProcessInfo.processInfo.environment
        environment["REVTAG_STORE"] = nil
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the latest run has recorded more than `count` documents.
    func waitForRecorded(moreThan count: Int, in store: AnnotationStore, process: Process) throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let run = try store.suggestionRuns().last {
                let recorded = try store.documentsRecorded(run: run.id).count
                if recorded > count { return recorded }
            }
            if !process.isRunning { throw Timeout(description: "revtag retag exited before recording \(count) documents") }
            usleep(5_000)
        }
        throw Timeout(description: "no progress past \(count) documents")
    }

    @Test func interruptedAndKilledRunsResumeWithoutRedoingDocuments() throws {
        let space = try Workspace()
        let total = 300
        let filler = String(repeating: "The family were seen at home and the review panel met twice. ", count: 20)
        for index in 0..<total {
            try space.write(String(format: "doc-%03d.txt", index), "Review \(index). A police officer visited the flat. \(filler)\n")
        }
        try Data(Codebooks.v1.utf8).write(to: space.root.appendingPathComponent("codebook.yaml"))
        let police = TagKey(tag: TagID(facet: "agency", id: "police"), subject: nil)
        try space.store.add(document: "corpus/doc-000.txt", key: police, coder: "amira", note: "seen in the chronology")
        try space.store.reject(document: "corpus/doc-000.txt", key: TagKey(tag: TagID(facet: "agency", id: "gp"), subject: nil), coder: "tomas")
        let humanBefore = try space.store.humanRecordsDump()
        let arguments = ["corpus", "--store", space.storePath, "--codebook", "codebook.yaml", "--jobs", "1", "--batch-size", "5", "--quiet"]

        // Ctrl-C: stops cleanly, commits what was done, exits 130.
        let first = try start(arguments, in: space)
        _ = try waitForRecorded(moreThan: 10, in: space.store, process: first)
        kill(first.processIdentifier, SIGINT)
        first.waitUntilExit()
        #expect(first.terminationReason == .exit)
        #expect(first.terminationStatus == 130)
        let run = try #require(try space.store.suggestionRuns().last?.id)
        #expect(try space.store.unfinishedRetagRun(scope: "corpus")?.state == .interrupted)
        let afterInterrupt = try space.store.documentsRecorded(run: run)
        #expect(afterInterrupt.count > 10 && afterInterrupt.count < total)

        // kill -9 partway through the resumed run.
        let second = try start(arguments, in: space)
        _ = try waitForRecorded(moreThan: afterInterrupt.count + 10, in: space.store, process: second)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        #expect(second.terminationReason == .uncaughtSignal)
        #expect(try space.store.suggestionRuns().map(\.id) == [run])
        let afterKill = try space.store.documentsRecorded(run: run)
        #expect(afterKill.isSuperset(of: afterInterrupt))
        #expect(afterKill.count < total)
        var suggestionIDs: [String: [Int64]] = [:]
        for name in afterKill { suggestionIDs[name] = try space.store.latestSuggestions(document: name).map(\.id) }

        // The same command finishes the remaining documents only.
        let reportPath = space.root.appendingPathComponent("report.json").path
        let third = try start(arguments + ["--format", "json", "--report", reportPath], in: space)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)
        let report = try JSONDecoder().decode(RetagReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        #expect(report.run == run)
        #expect(report.resumedRun)
        #expect(report.counts.resumed == afterKill.count)
        #expect(report.counts.processed == total - afterKill.count)
        #expect(report.counts.failed == 0)
        #expect(try space.store.documentsRecorded(run: run).count == total)
        for name in afterKill {
            #expect(try space.store.latestSuggestions(document: name).map(\.id) == suggestionIDs[name], "\(name) was redone")
        }
        #expect(try space.store.suggestionRuns().map(\.status) == [.finished])
        #expect(try space.store.unfinishedRetagRun(scope: "corpus") == nil)
        #expect(try space.store.humanRecordsDump() == humanBefore)

        // Nothing left: a re-run reads nothing and records no run.
        let fourth = try start(arguments, in: space)
        fourth.waitUntilExit()
        #expect(fourth.terminationStatus == 0)
        #expect(try space.store.suggestionRuns().count == 1)
        #expect(try space.store.humanRecordsDump() == humanBefore)

        // The parse cache the interrupted and killed runs wrote to holds no entry that is used
        // half-written (a killed run's pack may end in one; the scan stops there): a forced
        // re-run loads every document, none damaged.
        let forced = try start(arguments + ["--force", "--format", "json", "--report", reportPath], in: space)
        forced.waitUntilExit()
        #expect(forced.terminationStatus == 0)
        let forcedReport = try JSONDecoder().decode(RetagReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        #expect(forcedReport.parseCache?.hits == total)
        #expect(forcedReport.parseCache?.invalid == 0)
        #expect(try space.store.humanRecordsDump() == humanBefore)
    }

    /// The cache is a folder beside the store; `--no-parse-cache` neither reads nor writes it;
    /// the help says it is safe to delete.
    @Test func theParseCacheLivesBesideTheStoreAndCanBeTurnedOff() throws {
        let space = try Workspace()
        try space.write("a.txt", "A police officer visited the flat in March.\n")
        try space.write("b.html", "<html><body><p>The constable spoke to the general practitioner.</p></body></html>\n")
        try Data(Codebooks.v1.utf8).write(to: space.root.appendingPathComponent("v1.yaml"))
        try Data(Codebooks.v2.utf8).write(to: space.root.appendingPathComponent("v2.yaml"))
        let reportPath = space.root.appendingPathComponent("report.json").path
        func retag(_ extra: [String]) throws -> RetagReport {
            let process = try start(["--store", space.storePath, "--quiet", "--format", "json", "--report", reportPath] + extra, in: space)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return try JSONDecoder().decode(RetagReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        }
        let cache = space.storePath + ".parse-cache"
        #expect(try retag(["--codebook", "v1.yaml", "--no-parse-cache"]).parseCache == nil)
        #expect(!FileManager.default.fileExists(atPath: cache))
        #expect(try retag(["--codebook", "v2.yaml"]).parseCache?.written == 2)
        #expect(FileManager.default.fileExists(atPath: cache))
        #expect(try retag(["--codebook", "v1.yaml"]).parseCache?.hits == 2)
        // Deleting it at any time only costs parsing again.
        try FileManager.default.removeItem(atPath: cache)
        let afterDelete = try retag(["--codebook", "v2.yaml"])
        #expect(afterDelete.parseCache?.parsed == 2)
        #expect(afterDelete.counts.processed == 2)

        let help = Process()
        help.executableURL = URL(fileURLWithPath: Self.binary)
        help.arguments = ["retag", "--help"]
        let pipe = Pipe()
        help.standardOutput = pipe
        try help.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        help.waitUntilExit()
        #expect(text.contains("--no-parse-cache"))
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("derived data, never the store: delete it at any time"))
    }

    @Test func someFailedFilesMeanExitCodeOne() throws {
        let space = try Workspace()
        try space.write("good.txt", "A police officer visited the flat in March.\n")
        try space.write("broken.xml", bytes: [0x3C, 0x61, 0x3E, 0x00, 0x01, 0x02] + Array(repeating: 0, count: 32))
        try Data(Codebooks.v1.utf8).write(to: space.root.appendingPathComponent("codebook.yaml"))
        let reportPath = space.root.appendingPathComponent("report.md").path
        let process = try start(
            ["--store", space.storePath, "--codebook", "codebook.yaml", "--quiet", "--format", "markdown", "--report", reportPath], in: space)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let markdown = try String(contentsOfFile: reportPath, encoding: .utf8)
        #expect(markdown.contains("## Failed files"))
        #expect(markdown.contains("| corpus/broken.xml |"))
        #expect(try space.store.documentsRecorded(run: try #require(try space.store.suggestionRuns().last?.id)) == ["corpus/good.txt"])
    }
}
