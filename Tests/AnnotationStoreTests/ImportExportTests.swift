import Foundation
import ReviewModel
import Testing
@testable import AnnotationStore

@Suite("Import and export of coded records")
struct ImportExportTests {
    static let validLines = """
        {"document": "teams/other/dhr-17.html", "reviewType": "dhr", "category": "intimate-partner-violence", "coder": "chris", "tags": [{"tag": "characteristic/alcohol-misuse", "subject": "perpetrator"}, {"tag": "escalation/released-from-custody"}], "people": [{"subject": "victim", "gender": "female", "age": 34, "ethnicity": "white"}, {"subject": "perpetrator"}]}
        {"document": "teams/other/sar-03.html", "reviewType": "sar", "coder": "chris", "tags": [{"tag": "characteristic/self-neglect", "subject": "victim"}]}
        """

    @Test func importsEveryValidLineInOneGo() throws {
        let fixture = try TemporaryStore()
        let summary = try fixture.store.importRecords(Self.validLines, file: "in.jsonl", defaultCoder: nil, actor: "amira")
        #expect(summary == ImportSummary(records: 2, decisions: 6, people: 2, newDocuments: 2))
        let records = try fixture.store.caseRecords(coder: "chris")
        #expect(records.first == CaseRecord(
            document: "teams/other/dhr-17.html", reviewType: "dhr", category: "intimate-partner-violence", coder: "chris",
            tags: [
                CaseRecord.TagEntry(tag: TagID("characteristic/alcohol-misuse")!, subject: .perpetrator),
                CaseRecord.TagEntry(tag: TagID("escalation/released-from-custody")!),
            ],
            people: [Person(subject: .victim, gender: .female, age: .years(34), ethnicity: .white), Person(subject: .perpetrator)]))
        // A byte-order mark and Windows line ends are accepted; the same records again create no new decision.
        let windows = "\u{FEFF}" + Self.validLines.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try fixture.store.importRecords(windows, file: "bom.jsonl", defaultCoder: nil, actor: "amira").decisions == 0)
        let again = try fixture.store.importRecords(Self.validLines, file: "in.jsonl", defaultCoder: nil, actor: "amira")
        #expect(again.decisions == 0 && again.people == 0)
        #expect(try fixture.store.decisionCount() == 6)
    }

    @Test func aRejectedImportLeavesTheStoreContentUnchanged() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        try fixture.store.importRecords(Self.validLines, file: "first.jsonl", defaultCoder: nil, actor: "amira")
        let before = try fixture.store.contentDump()
        let bad = Self.validLines.replacingOccurrences(of: "\"chris\"", with: "\"dana\"") + """

            {"document": "x.html", "coder": "dana", "tags": [{"tag": "characteristic/alcohol-abuse", "subject": "perpetrator"}]}
            {"document": "y.html", "coder": "dana", "tags": [{"tag": "weapon/knife", "subject": "victim"}], "people": [{"subject": "victim", "gender": "femal"}]}
            not json at all
            {"document": "z.html", "tags": [], "category": "war"}
            """
        do {
            try fixture.store.importRecords(bad, file: "bad.jsonl", defaultCoder: nil, actor: "amira")
            Issue.record("an import with bad lines succeeded")
        } catch {
            guard case .invalidImport(let file, let problems) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(file == "bad.jsonl")
            #expect(Set(problems.map(\.line)) == [3, 4, 5, 6])
            #expect(problems.contains { $0.line == 3 && $0.reason.contains("unknown tag id 'characteristic/alcohol-abuse'") })
            #expect(problems.contains { $0.line == 4 && $0.reason.contains("people[0].gender") })
            #expect(problems.contains { $0.line == 5 && $0.reason.contains("not valid JSON") })
            #expect(problems.contains { $0.line == 6 && $0.reason.contains("category 'war'") })
            #expect(problems.contains { $0.line == 6 && $0.reason.contains("coder") })
            #expect(error.description.contains("bad.jsonl:3: "))
        }
        #expect(try fixture.store.contentDump() == before)
    }

    @Test func exportThenImportIntoAnEmptyStoreGivesTheSameDecisions() throws {
        let source = try TemporaryStore()
        try source.store.recordFixture()
        try source.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira", note: "stated twice")
        try source.store.reject(document: Fixture.name, key: Fixture.police, coder: "amira")
        try source.store.confirm(
            document: Fixture.name, key: TagKey(tag: TagID("category/intimate-partner-violence")!, subject: nil), coder: "amira")
        try source.store.add(
            document: Fixture.name, key: TagKey(tag: TagID("weapon/knife")!, subject: nil), coder: "ben",
            anchor: Anchoring.anchor(text: Fixture.text, range: range(of: "assault", in: Fixture.text)))
        try source.store.recordPerson(
            document: Fixture.name, person: Person(subject: .victim, name: "Maya", gender: .female, age: .years(34)), coder: "amira")
        try source.store.importRecords(
            ImportExportTests.validLines + "\n{\"document\": \"teams/other/nothing.html\", \"coder\": \"chris\", \"tags\": []}",
            file: "in.jsonl", defaultCoder: nil, actor: "amira")
        #expect(try source.store.codedRecords(coder: "chris").map(\.document).contains("teams/other/nothing.html"))

        let jsonl = try source.store.export(format: .jsonl)
        let target = try TemporaryStore()
        try target.store.importRecords(jsonl, file: "export.jsonl", defaultCoder: nil, actor: "amira")

        func comparable(_ store: AnnotationStore) throws -> [String] {
            try store.currentDecisions().map { decision in
                [decision.document, decision.key.description, decision.status.rawValue, decision.coder, decision.note ?? "-",
                 decision.anchor.map { "\($0.exact)|\($0.prefix)|\($0.suffix)|\($0.range)" } ?? "-"].joined(separator: " ")
            }.sorted()
        }
        #expect(try comparable(target.store) == comparable(source.store))
        #expect(try comparable(target.store).count == 10)
        #expect(try target.store.caseRecords(coder: nil) == source.store.caseRecords(coder: nil))
        #expect(try target.store.export(format: .jsonl) == jsonl)
    }

    @Test func csvAndW3CExports() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira", note: "said \"daily\", twice")
        try fixture.store.reject(document: Fixture.name, key: Fixture.police, coder: "amira")
        let csv = try fixture.store.export(format: .csv)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.count == 2)
        #expect(rows[1] == "corpus/test-dhr.txt,amira,,,characteristic/alcohol-misuse,perpetrator,confirmed,drank heavily,\(range(of: "drank heavily", in: Fixture.text).start),\(range(of: "drank heavily", in: Fixture.text).end),\"said \"\"daily\"\", twice\"")

        let w3c = try fixture.store.export(format: .w3c)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(w3c.utf8)) as? [String: Any])
        #expect(json["@context"] as? String == "http://www.w3.org/ns/anno.jsonld")
        let page = try #require(json["first"] as? [String: Any])
        let items = try #require(page["items"] as? [[String: Any]])
        #expect(items.count == 1)
        let target = try #require(items[0]["target"] as? [String: Any])
        #expect(target["source"] as? String == Fixture.name)
        let selectors = try #require(target["selector"] as? [[String: Any]])
        #expect(selectors[0]["type"] as? String == "TextQuoteSelector")
        #expect(selectors[0]["exact"] as? String == "drank heavily")
        #expect(selectors[1]["type"] as? String == "TextPositionSelector")
        let start = try #require(selectors[1]["start"] as? Int)
        let scalars = Array(Fixture.text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[start..<(start + 13)])) == "drank heavily")
        let body = try #require(items[0]["body"] as? [[String: Any]])
        #expect(body.first?["value"] as? String == "characteristic/alcohol-misuse")
    }
}
