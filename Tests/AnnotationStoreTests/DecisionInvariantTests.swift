import Foundation
import GRDB
import ReviewModel
import Testing
@testable import AnnotationStore

@Suite("Human decisions are only changed by human commands")
struct DecisionInvariantTests {
    @Test func recordingSuggestionsCreatesNoDecision() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        #expect(try fixture.store.decisionCount() == 0)
        let pending = try fixture.store.pending(document: Fixture.name, coder: "amira")
        #expect(pending.map(\.key) == Fixture.suggestions.map(\.key) + [TagKey(tag: TagID("category/intimate-partner-violence")!, subject: nil)])
    }

    @Test func confirmAnchorsOnTheEvidence() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let decision = try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira", note: "clear")
        let anchor = try #require(decision.anchor)
        #expect(anchor.exact == "drank heavily")
        #expect(anchor.prefix.hasSuffix("Tom "))
        #expect(anchor.suffix.hasPrefix(" most evenings"))
        #expect(anchor.range == range(of: "drank heavily", in: Fixture.text))
        let stored = try fixture.store.decisions(document: Fixture.name)
        #expect(stored == [decision])
        #expect(try fixture.store.pending(document: Fixture.name, coder: "amira").map(\.key).contains(Fixture.alcohol) == false)
        // Another coder still has it pending: coders decide independently.
        #expect(try fixture.store.pending(document: Fixture.name, coder: "ben").map(\.key).contains(Fixture.alcohol))
    }

    @Test func rerunningSuggestionsNeverTouchesDecisions() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        try fixture.store.reject(document: Fixture.name, key: Fixture.police, coder: "amira", note: "routine visit")
        let before = try fixture.store.decisions(document: Fixture.name, history: true)
        let auditBefore = try fixture.store.auditLog()
        // A new run that no longer suggests alcohol misuse and suggests something new.
        let changed = result(Fixture.document, [
            suggestion("characteristic/history-of-violence", .perpetrator, quote: "cautioned for assault", in: Fixture.text),
        ])
        try fixture.store.recordFixture(Fixture.document, changed)
        try fixture.store.recordFixture()
        #expect(try fixture.store.decisions(document: Fixture.name, history: true) == before)
        #expect(try fixture.store.auditLog() == auditBefore)
        #expect(try fixture.store.suggestionRuns().count == 3)
    }

    @Test func aCorrectionIsANewDecisionAndAnAuditEntry() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let first = try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        let second = try fixture.store.reject(document: Fixture.name, key: Fixture.alcohol, coder: "amira", note: "it was his brother")
        let history = try fixture.store.decisions(document: Fixture.name, history: true)
        #expect(history.map(\.id) == [first.id, second.id])
        #expect(history[0].status == .confirmed)
        #expect(history[0].supersededBy == second.id)
        #expect(history[1].status == .rejected)
        #expect(try fixture.store.decisions(document: Fixture.name).map(\.id) == [second.id])
        let audit = try fixture.store.auditLog(document: Fixture.name)
        #expect(audit.map(\.action) == ["decide", "correct"])
        #expect(audit[1].decisionID == second.id)
        #expect(audit[1].detail.contains("\"previousStatus\":\"confirmed\""))
        #expect(audit[1].detail.contains("\"supersedes\":\(first.id)"))
    }

    @Test func undoIsACompensatingDecision() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let confirmed = try fixture.store.confirm(document: Fixture.name, key: Fixture.mood, coder: "amira")
        let undo = try fixture.store.undo(decision: confirmed.id, coder: "amira")
        #expect(undo.status == .withdrawn)
        #expect(try fixture.store.decisionCount() == 2)
        #expect(try fixture.store.decisions(document: Fixture.name).isEmpty)
        #expect(try fixture.store.pending(document: Fixture.name, coder: "amira").map(\.key).contains(Fixture.mood))
        #expect(try fixture.store.auditLog().map(\.action) == ["decide", "undo"])
        #expect(throws: StoreError.self) { try fixture.store.undo(decision: confirmed.id, coder: "amira") }
    }

    @Test func changingTheSubjectRejectsOneAndConfirmsTheOther() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let decisions = try fixture.store.changeSubject(
            document: Fixture.name, tag: Fixture.alcohol.tag, from: .perpetrator, to: .victim, coder: "amira")
        #expect(decisions.map(\.status) == [.rejected, .added])
        #expect(decisions[1].key == TagKey(tag: Fixture.alcohol.tag, subject: .victim))
        #expect(decisions[1].anchor?.exact == "drank heavily")
    }

    @Test func theDatabaseRefusesToChangeOrDeleteADecision() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let decision = try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        #expect(throws: DatabaseError.self) {
            try fixture.store.pool.write { db in
                try db.execute(sql: "UPDATE decisions SET status = 'rejected' WHERE id = ?", arguments: [decision.id])
            }
        }
        #expect(throws: DatabaseError.self) {
            try fixture.store.pool.write { db in try db.execute(sql: "DELETE FROM decisions") }
        }
        #expect(throws: DatabaseError.self) {
            try fixture.store.pool.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'mallory'") }
        }
        #expect(throws: DatabaseError.self) {
            try fixture.store.pool.write { db in try db.execute(sql: "DELETE FROM audit_log") }
        }
        #expect(try fixture.store.decisions(document: Fixture.name) == [decision])
        #expect(try fixture.store.auditLog().count == 1)
    }

    @Test func confirmingAnUnsuggestedTagIsRefusedWithTheSuggestions() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let key = TagKey(tag: TagID("characteristic/homelessness")!, subject: .victim)
        do {
            try fixture.store.confirm(document: Fixture.name, key: key, coder: "amira")
            Issue.record("confirm of an unsuggested tag succeeded")
        } catch {
            #expect(error.description.contains("characteristic/alcohol-misuse (perpetrator)"))
            #expect(error.description.contains("revtag add"))
        }
        #expect(throws: StoreError.unknownDocument("corpus/nope.html")) {
            try fixture.store.confirm(document: "corpus/nope.html", key: key, coder: "amira")
        }
        #expect(try fixture.store.decisionCount() == 0)
    }

    @Test func statusCountsPerDocument() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        try fixture.store.reject(document: Fixture.name, key: Fixture.police, coder: "amira")
        try fixture.store.add(document: Fixture.name, key: TagKey(tag: TagID("weapon/knife")!, subject: nil), coder: "amira")
        let status = try #require(try fixture.store.statusCounts(coder: "amira").first)
        #expect(status == DocumentStatus(document: Fixture.name, pending: 2, confirmed: 1, rejected: 1, added: 1, orphaned: 0))
    }

    @Test func peopleAreMergedAndCorrectionsKept() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordPerson(document: Fixture.name, person: Person(subject: .victim, gender: .female), coder: "amira")
        try fixture.store.recordPerson(document: Fixture.name, person: Person(subject: .victim, age: .years(34)), coder: "amira")
        let people = try fixture.store.people(document: Fixture.name)
        #expect(people.map(\.person) == [Person(subject: .victim, gender: .female, age: .years(34))])
        let rows = try fixture.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM people") }
        #expect(rows == 2)
        #expect(try fixture.store.auditLog().map(\.action) == ["person", "person"])
    }

    @Test func caseRecordsCollectPositiveDecisionsAndPeople() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        try fixture.store.confirm(
            document: Fixture.name, key: TagKey(tag: TagID("category/intimate-partner-violence")!, subject: nil), coder: "amira")
        try fixture.store.reject(document: Fixture.name, key: Fixture.police, coder: "amira")
        try fixture.store.confirm(document: Fixture.name, key: Fixture.mood, coder: "ben")
        try fixture.store.recordPerson(document: Fixture.name, person: Person(subject: .victim, gender: .female), coder: "amira")
        let records = try fixture.store.caseRecords(coder: nil)
        #expect(records == [
            CaseRecord(
                document: Fixture.name, category: "intimate-partner-violence", coder: "amira",
                tags: [CaseRecord.TagEntry(tag: Fixture.alcohol.tag, subject: .perpetrator)],
                people: [Person(subject: .victim, gender: .female)]),
            CaseRecord(document: Fixture.name, coder: "ben", tags: [CaseRecord.TagEntry(tag: Fixture.mood.tag, subject: .victim)]),
        ])
        #expect(try fixture.store.caseRecords(coder: "ben").count == 1)
    }
}

@Suite("Audit details")
struct AuditDetailTests {
    @Test func auditDetailsAreJSONEvenWithQuotesAndNewlines() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let note = "she said \"no\"\n\tthen left \\ \u{1}é"
        try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira", note: note)
        let detail = try #require(try fixture.store.auditLog().first?.detail)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any])
        #expect(object["note"] as? String == note)
        #expect(object["tag"] as? String == "characteristic/alcohol-misuse")
    }
}
