import Foundation
import ReviewModel
import Testing
@testable import AnnotationStore

@Suite("Re-anchoring decisions when a document's text changes")
struct ReanchoringTests {
    @Test func anEditThatMovesTheQuoteMovesTheAnchor() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let decision = try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        let edited = "Summary added by the panel in 2022 after consultation with the family. " + Fixture.text
        let registration = try fixture.store.registerDocument(textDocument(Fixture.name, edited))
        #expect(registration.textChanged)
        #expect(registration.reanchor.moved == [decision.id])
        let moved = try #require(try fixture.store.decisions(document: Fixture.name).first)
        #expect(moved.id == decision.id)
        #expect(moved.status == .confirmed)
        #expect(moved.anchor?.range == range(of: "drank heavily", in: edited))
        #expect(moved.anchor?.exact == "drank heavily")
        #expect(!moved.orphaned)
        let audit = try fixture.store.auditLog().last
        #expect(audit?.action == "reanchor")
        #expect(audit?.actor == "revtag")
        #expect(audit?.detail.contains("\"method\":\"exact\"") == true)
    }

    @Test func aDeletedQuoteIsOrphanedAndListedNeverDropped() throws {
        let fixture = try TemporaryStore()
        try fixture.store.recordFixture()
        let kept = try fixture.store.confirm(document: Fixture.name, key: Fixture.mood, coder: "amira")
        let lost = try fixture.store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        let edited = Fixture.text.replacingOccurrences(of: "Tom drank heavily most evenings and had", with: "Tom had")
        let registration = try fixture.store.registerDocument(textDocument(Fixture.name, edited))
        #expect(registration.reanchor.orphaned == [lost.id])
        #expect(registration.reanchor.moved == [kept.id])
        #expect(try fixture.store.orphanedDecisions().map(\.id) == [lost.id])
        #expect(try fixture.store.decisions(document: Fixture.name).map(\.id) == [kept.id, lost.id])
        #expect(try fixture.store.statusCounts(document: Fixture.name).first?.orphaned == 1)
        #expect(try fixture.store.caseRecords(coder: "amira").first?.tags.count == 2)
        // The text comes back: the decision is found again.
        let restored = try fixture.store.registerDocument(Fixture.document)
        #expect(restored.reanchor.recovered == [lost.id])
        #expect(try fixture.store.orphanedDecisions().isEmpty)
    }

    @Test func contextChoosesAmongRepeatedQuotes() {
        let text = "He drank heavily at home. Later, at the pub, he drank heavily again."
        let second = TextRange(start: text.utf8.count - "drank heavily again.".utf8.count, end: text.utf8.count - " again.".utf8.count)
        let anchor = Anchoring.anchor(text: text, range: second)
        #expect(anchor.exact == "drank heavily")
        let edited = "Records show that " + text.replacingOccurrences(of: "Later", with: "Some weeks later")
        let found = Anchoring.locate(anchor, in: edited)
        #expect(found?.method == .context)
        #expect(found?.anchor.suffix.hasPrefix(" again.") == true)
    }

    @Test func fuzzyMatchingIgnoresWhitespaceCaseAndQuotes() {
        let text = "She said \u{201C}I am frightened of him\u{201D} to the GP."
        let anchor = Anchoring.anchor(text: text, range: range(of: "\u{201C}I am frightened of him\u{201D}", in: text))
        let edited = "In March she said \"I am\n  frightened of him\" to the practice nurse."
        let found = Anchoring.locate(anchor, in: edited)
        #expect(found?.method == .fuzzy)
        #expect(found?.anchor.exact == "\"I am\n  frightened of him\"")
        #expect(Anchoring.locate(anchor, in: "Nothing of the kind.") == nil)
    }

    @Test func characterOffsetsCountUnicodeScalars() {
        let text = "Zoë’s mother said he drank heavily."
        let anchor = Anchoring.anchor(text: text, range: range(of: "drank", in: text))
        #expect(anchor.characterStart == Array(text.unicodeScalars).count - "drank heavily.".unicodeScalars.count)
        #expect(anchor.characterEnd - anchor.characterStart == 5)
        #expect(anchor.range.start == text.utf8.count - "drank heavily.".utf8.count)
    }
}
