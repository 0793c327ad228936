import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Tags the finishing step derives from others. Fictional people.
@Suite struct DerivedTagTests {
    static func tag(_ text: String, name: String = "review.md") throws -> TaggingResult {
        sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: name))
    }

    @Test("an adult neglected or abused by someone who is no partner experienced abuse as an adult")
    func adultAbuseFromRelationship() throws {
        let sar = try Self.tag("""
            # Safeguarding Adults Review: Mr Oakes

            1.1 Mr Oakes, 66, had a learning disability and lived alone in a council flat. In 2023 a man he met at a day centre, referred to here as Mr V, moved into the flat.

            1.2 Mr V took Mr Oakes's bank card and withdrew his benefits every week. This was financial abuse. In March 2024 Mr V assaulted Mr Oakes, who died of his injuries. Mr V was convicted of manslaughter.
            """)
        #expect(sar.subjects("characteristic/adult-abuse-neglect") == [.victim])
        let dhr = try Self.tag("""
            # Domestic Homicide Review: Mrs Lane

            1.1 Mrs Lane, 41, was killed by her husband, Mr Lane, in 2024. He was convicted of her murder.

            1.2 Mr Lane controlled all of the household money and gave Mrs Lane a small allowance. This was financial abuse.
            """)
        #expect(dhr.has("relationship/financial-abuse"))
        #expect(!dhr.has("characteristic/adult-abuse-neglect"))
    }

    @Test("blows before a fall are both methods; a knife is the method alone")
    func blowsBeforeAFall() throws {
        let fall = try Self.tag("""
            # Safeguarding Adults Review: Mr Dunn

            1.1 On the evening of 2 May 2024 Mr E demanded money from Mr Dunn on the landing of the hostel. When Mr Dunn refused, Mr E punched him in the face and Mr Dunn fell down the stairs. He died in hospital two days later from a head injury. Mr E was convicted of manslaughter.
            """)
        #expect(fall.has("weapon/fall"))
        #expect(fall.has("weapon/physical-assault"))
        let knife = try Self.tag("""
            # Domestic Homicide Review: Mrs Hale

            1.1 On the night of 2 May 2024 Mr Hale punched his wife and then stabbed her with a kitchen knife. She died at the scene. He was convicted of her murder.
            """)
        #expect(knife.has("weapon/knife"))
        #expect(!knife.has("weapon/physical-assault"))
    }
}
