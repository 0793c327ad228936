import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// A person's marital status is not the victim and perpetrator's relationship: "he was married
/// with two children" about a victim killed by a neighbour says nothing of a partner.
@Suite struct MaritalStatusTests {
    static func tag(_ relationship: String) throws -> TaggingResult {
        let text = """
            # Domestic Homicide Review: Mr H

            1.1 Mr H was 58 when he died. He was a retired bus driver. \(relationship)

            1.2 Mr H was stabbed at his front door by Mr J, who lived in the flat below. Mr J was convicted of his murder.
            """
        return sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: "review.md"))
    }

    @Test func maritalStatusAloneIsNoPartnerRelationship() throws {
        let result = try Self.tag("He was married with two grown-up daughters.")
        #expect(!result.has("relationship-type/partner"))
    }

    @Test func marriedToThePerpetratorIsAPartnerRelationship() throws {
        #expect(try Self.tag("He and Mr J were married in 2015.").has("relationship-type/partner"))
        #expect(try Self.tag("He was married to Mr J.").has("relationship-type/partner"))
    }
}
