import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// One statement of ethnicity for both principals ("Both were white British"), and not for a
/// relative's ("Both her parents were ...").
@Suite struct SharedEthnicityTests {
    static func people(_ statement: String) throws -> (victim: Person, perpetrator: Person) {
        let text = """
            # Domestic Homicide Review: Carol

            1.1 Carol was 52 when she died. Carol had worked as a school cook. Her husband, referred to as Mr Ennis, was 55. \(statement)

            1.2 Mr Ennis was convicted of her murder. Carol had told a friend she was frightened of him.
            """
        let document = try DocumentReader().read(bytes: Array(text.utf8), name: "review.md")
        let result = sharedTagger.tag(document)
        return (try #require(result.people.first { $0.subject == .victim }), try #require(result.people.first { $0.subject == .perpetrator }))
    }

    @Test func bothWithoutNamesIsBothPrincipals() throws {
        let (victim, perpetrator) = try Self.people("Both were white British.")
        #expect(victim.ethnicity == .white)
        #expect(perpetrator.ethnicity == .white)
    }

    @Test func bothAfterTwoNamesIsEachOfThem() throws {
        let (victim, perpetrator) = try Self.people("Carol and Mr Ennis were both of Indian heritage.")
        #expect(victim.ethnicity == .asian)
        #expect(perpetrator.ethnicity == .asian)
    }

    @Test func bothOfARelativesIsNobodys() throws {
        let (victim, perpetrator) = try Self.people("Both her parents were Black Caribbean.")
        #expect(victim.ethnicity == nil)
        #expect(perpetrator.ethnicity == nil)
    }
}
