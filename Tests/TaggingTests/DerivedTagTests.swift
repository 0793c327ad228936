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

    /// The domestic abuse of the adults around a child victim is the perpetrator's violence to
    /// others only when the perpetrator is one of those adults: not a boy from another estate.
    @Test("the adults' domestic abuse is violence to others only when the perpetrator is one of them")
    func adultsAbuseIsViolenceToOthersOnlyForAParent() throws {
        let youth = try Self.tag("""
            # Child Safeguarding Practice Review: Child J

            1.1 Child J, a 15-year-old boy, was stabbed in a park in May 2024 by a 17-year-old boy, referred to here as Young Person K. Young Person K was convicted of his murder.

            1.2 When Child J was small, his mother was subjected to domestic abuse by his father, and Child J witnessed several incidents. His father left the family when Child J was four.
            """)
        #expect(youth.subjects("characteristic/experiencing-domestic-abuse") == [.victim])
        #expect(!youth.has("escalation/violence-to-others"))
        let stepfather = try Self.tag("""
            # Child Safeguarding Practice Review: Child J

            1.1 Child J, a two-year-old boy, died of head injuries in May 2024. His mother's partner, referred to here as Mr K, was convicted of his murder.

            1.2 Police records show three reports of domestic abuse by Mr K towards Child J's mother in 2023, and Child J was present at two of them.
            """)
        #expect(stepfather.has("escalation/violence-to-others"))
    }

    /// A young child has no partner: the partner of the child's mother is a parent's partner.
    @Test("'his mother and her partner, Mr P' around a baby is partner-of-parent")
    func partnerAroundAYoungChildIsAParentsPartner() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Child L

            1.1 Child L, a nine-month-old baby boy, died of head injuries in February 2025. He lived with his mother, Ms M, and with her partner, Mr P. Mr P is not Child L's father.

            1.2 In October 2025 Mr P was convicted of Child L's murder. Ms M was not charged with any offence.
            """)
        #expect(result.has("relationship-type/partner-of-parent"))
        #expect(!result.has("relationship-type/partner"))
        #expect(result.category?.id == "within-family-violence-towards-children")
    }
}
