import AnnotationStore
import Foundation
import TestSupport
import Testing
import ReviewModel
@testable import Aggregation

/// Runs the built `revtag` binary.
enum RevtagBinary {
    /// The `revtag` executable built next to the tests.
    static var path: String { TestPaths.revtagBinary }

    /// Runs `revtag` with the arguments; returns exit status, standard output and standard error.
    static func run(_ arguments: [String], directory: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["REVTAG_STORE"] = nil
        environment["REVTAG_CODER"] = nil
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes to the end before waiting, so a large report cannot block the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}

@Suite("revtag aggregate (the CLI over a real store)", .serialized)
struct AggregateCommandTests {
    @Test("JSONL import, then `revtag aggregate --format json`: the reference tables")
    func jsonFromStore() throws {
        let (store, folder) = try StoreEndToEndTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.importRecords(
            try StoreEndToEndTests.jsonLines(ReferenceTables.records(coder: "amira")), file: "tables.jsonl",
            defaultCoder: nil, actor: "test")
        let decisions = try store.decisionCount()

        let result = try RevtagBinary.run(["aggregate", "--store", store.path, "--format", "json"], directory: folder)
        #expect(result.status == 0, "\(result.err)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let categories = try #require(root["categories"] as? [[String: Any]])
        for expected in ReferenceTables.categories {
            let category = try #require(categories.first { $0["id"] as? String == expected.id })
            expectMatches(try ObservedCategory(json: category), expected)
        }
        let provenance = try #require(root["provenance"] as? [String: Any])
        #expect(provenance["decisions"] as? Int == decisions)
        #expect((provenance["codebookVersion"] as? String)?.isEmpty == false)
    }

    @Test("`revtag annotations import`, then `revtag aggregate`: all through the CLI")
    func importAndAggregateThroughTheCLI() throws {
        let folder = try TestPaths.scratchDirectory("revtag-agg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let jsonl = folder.appendingPathComponent("tables.jsonl")
        try StoreEndToEndTests.jsonLines(ReferenceTables.records(coder: "amira")).write(to: jsonl, atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("store.sqlite").path

        let imported = try RevtagBinary.run(["annotations", "import", jsonl.path, "--store", store], directory: folder)
        #expect(imported.status == 0, "\(imported.err)")
        let result = try RevtagBinary.run(["aggregate", "--store", store, "--format", "json"], directory: folder)
        #expect(result.status == 0, "\(result.err)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let categories = try #require(root["categories"] as? [[String: Any]])
        for expected in ReferenceTables.categories {
            let category = try #require(categories.first { $0["id"] as? String == expected.id })
            expectMatches(try ObservedCategory(json: category), expected)
        }
    }

    @Test("--out picks the format from the extension; options reach the report")
    func outFileAndOptions() throws {
        let (store, folder) = try StoreEndToEndTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.importRecords(
            try StoreEndToEndTests.jsonLines(ReferenceTables.records(coder: "amira")), file: "tables.jsonl",
            defaultCoder: nil, actor: "test")
        let html = folder.appendingPathComponent("report.html").path
        let result = try RevtagBinary.run(
            ["aggregate", "--store", store.path, "--out", html, "--top", "2", "--min-cases", "3", "--review-type", "dhr",
             "--coder", "amira"], directory: folder)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.isEmpty)
        #expect(result.err.contains("wrote \(html)"))
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        #expect(text.contains("review type dhr only"))
        #expect(text.contains("coder amira only"))
        #expect(text.contains("at least 3 reviews"))
        // dhr: 17 intimate partner violence and 7 adult family violence reviews.
        #expect(text.contains("17 reviews") && text.contains("7 reviews"))
    }

    @Test("bad options and a missing store fail with the documented exit codes", arguments: [
        (["--review-type", "xyz"], Int32(64), "not a review type"),
        (["--top", "-1"], 64, "--top"),
        (["--min-cases", "0"], 64, "--min-cases"),
        (["--format", "pdf"], 64, "format"),
    ])
    func badOptions(arguments: [String], status: Int32, message: String) throws {
        let (store, folder) = try StoreEndToEndTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try RevtagBinary.run(["aggregate", "--store", store.path] + arguments, directory: folder)
        #expect(result.status == status)
        #expect(result.err.contains(message), "\(result.err)")
    }

    @Test("a missing store names the path and exits 66; an unwritable --out exits 64")
    func missingStoreAndBadOut() throws {
        let folder = try TestPaths.scratchDirectory("revtag-agg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("none.sqlite").path
        let result = try RevtagBinary.run(["aggregate", "--store", missing], directory: folder)
        #expect(result.status == 66)
        #expect(result.err.contains(missing))
        #expect(!FileManager.default.fileExists(atPath: missing), "aggregate must not create a store")

        let store = try AnnotationStore(path: folder.appendingPathComponent("store.sqlite").path)
        let unwritable = folder.appendingPathComponent("no/such/folder/report.md").path
        let bad = try RevtagBinary.run(["aggregate", "--store", store.path, "--out", unwritable], directory: folder)
        #expect(bad.status == 64)
        #expect(bad.err.contains(unwritable))
    }
}
