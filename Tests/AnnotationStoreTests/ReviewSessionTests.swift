import Foundation
import ReviewModel
import Testing
@testable import AnnotationStore

@Suite("The review session (inputs injected)")
struct ReviewSessionTests {
    @Test func confirmRejectSkipAndResume() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        var session = try ReviewSession(store: fixture.store, document: Fixture.document, coder: "amira")
        #expect(session.total == 4)
        let first = try #require(session.current)
        #expect(first.suggestion.key == Fixture.alcohol)
        #expect(first.sentence == "Tom drank heavily most evenings and had been cautioned for assault in 2017.")
        #expect(first.highlights == [TextRange(start: 4, end: 17)])
        #expect(first.rule == "alcohol-misuse/1")
        try session.handle(.confirm)
        try session.handle(.skip)
        #expect(session.position == 3)
        try session.handle(.reject)
        // Quit here; a new session offers only what is still pending: the skipped one and the category.
        let resumed = try ReviewSession(store: fixture.store, document: Fixture.document, coder: "amira")
        #expect(resumed.items.map(\.key) == [Fixture.mood, TagKey(tag: TagID("category/intimate-partner-violence")!, subject: nil)])
        #expect(resumed.alreadyDecided == 2)
        let decisions = try fixture.store.decisions(document: Fixture.name)
        #expect(decisions.map(\.status) == [.confirmed, .rejected])
        #expect(decisions.allSatisfy { $0.origin == .review })
    }

    @Test func undoRecordsCompensatingDecisionsAndGoesBack() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        var session = try ReviewSession(store: fixture.store, document: Fixture.document, coder: "amira")
        try session.handle(.changeSubject(.victim))
        #expect(session.position == 2)
        #expect(session.confirmed == 1 && session.rejected == 1)
        let undone = try session.handle(.undo)
        #expect(undone.decisions.count == 2)
        #expect(undone.decisions.allSatisfy { $0.status == .withdrawn })
        #expect(session.position == 1)
        #expect(session.confirmed == 0 && session.rejected == 0)
        #expect(session.current?.suggestion.key == Fixture.alcohol)
        #expect(try fixture.store.decisions(document: Fixture.name).isEmpty)
        #expect(try fixture.store.decisionCount() == 4)
        #expect(try fixture.store.auditLog().map(\.action) == ["decide", "decide", "undo", "undo"])
        #expect(try session.handle(.undo).message == "nothing to undo in this session")
    }

    @Test func addAndPersonStayOnTheItem() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        var session = try ReviewSession(store: fixture.store, document: Fixture.document, coder: "amira")
        let knife = TagKey(tag: TagID("characteristic/history-of-violence")!, subject: .perpetrator)
        let outcome = try session.handle(.add(knife))
        #expect(outcome.decisions.first?.anchor?.exact == "drank heavily")
        try session.handle(.person(Person(subject: .perpetrator, gender: .male)))
        try session.handle(.person(Person(subject: .perpetrator, age: .range(30, 39))))
        #expect(session.position == 1)
        #expect(try fixture.store.people(document: Fixture.name).map(\.person) == [Person(subject: .perpetrator, gender: .male, age: .range(30, 39))])
        #expect(try session.handle(.changeSubject(.victim)).decisions.count == 2)
        let police = try #require(session.current)
        #expect(police.suggestion.key == Fixture.mood)
        try session.handle(.skip)
        #expect(try session.handle(.changeSubject(.victim)).message.contains("takes no subject"))
    }

    @Test func documentPathsAreNormalised() {
        #expect(AnnotationStore.documentPath("./corpus/a.html", relativeTo: "/p") == "corpus/a.html")
        #expect(AnnotationStore.documentPath("/p/corpus/../corpus/a.html", relativeTo: "/p") == "corpus/a.html")
        #expect(AnnotationStore.documentPath("/elsewhere/a.html", relativeTo: "/p") == "/elsewhere/a.html")
    }
}
