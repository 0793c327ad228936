import ReviewModel
import Testing
import Tagging

/// Mechanisms that follow the taxonomy's meaning rather than the gold corpus's phrasing.
@Suite struct GeneralisationTests {
    private func victim(_ result: TaggingResult) -> Person? { result.people.first { $0.subject == .victim } }

    @Test func infantAgesInWeeksAndMonthsAreAgeZeroEvenAfterAPseudonym() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Baby Q

            Baby Q, who was seven weeks old at the time, was taken to hospital with bruising to her arms. Her father is referred to as Mr L.
            """, reviewType: "scr"))
        #expect(victim(result)?.age == .years(0))
    }

    @Test func numberWordAgeOfAChildIsNotOverwrittenByOtherChildrensAges() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child J

            Child J was a sixteen-year-old girl who lived with her grandmother. In June 2021 Child J was punched and kicked outside a shop by a group of girls aged 14 to 17 who knew her from college.
            """, reviewType: "scr"))
        #expect(victim(result)?.age == .years(16))
        #expect(result.category?.id == "youth-peer-violence")
    }

    @Test func thePerpetratorTakingHisOwnLifeIsPerpetratorSuicide() {
        let result = sharedTagger.tag(makeDocument(
            """
            The victim, a woman of 52, is referred to as Helen. The perpetrator, her husband, is referred to as Mr W.

            Mr W stabbed Helen in the kitchen of their home. Mr W took his own life in a nearby wood the following week.
            """, reviewType: "dhr"))
        #expect(result.has("outcome/perpetrator-suicide"))
        #expect(!result.has("outcome/suicide"))
    }

    @Test func aNewbornVictimIsAgeZeroAndAToddlerIsAChild() {
        let newborn = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Baby V

            The child, referred to as Baby V, was a newborn when he was found with a bleed on the brain. His father is referred to as Mr F.
            """))
        #expect(victim(newborn)?.age == .years(0))
        #expect(newborn.category?.id == "within-family-violence-towards-children")
        let toddler = sharedTagger.tag(makeDocument(
            """
            # Review: Noah

            The victim, referred to as Noah, was a toddler. The perpetrator, referred to as Mr E, was a neighbour who assaulted Noah in the garden.
            """))
        #expect(toddler.category?.id != "adult-peer-violence")
    }

    @Test func foundDeadHavingKilledIsPerpetratorSuicide() {
        let result = sharedTagger.tag(makeDocument(
            """
            The victim, a man of 70, is referred to as Reg. The perpetrator, his son, is referred to as Carl.

            Carl was found dead at a railway line the next morning, having killed his father in the night.
            """, reviewType: "dhr"))
        #expect(result.has("outcome/perpetrator-suicide"))
    }

    @Test func theVictimTakingHerOwnLifeIsNotPerpetratorSuicide() {
        let result = sharedTagger.tag(makeDocument(
            """
            The subject of this review, a woman of 34, is referred to as Lucy. The perpetrator, her former partner, is referred to as Mr H.

            Mr H controlled Lucy's money and monitored her phone. Lucy took her own life in March 2022.
            """, reviewType: "dhr"))
        #expect(!result.has("outcome/perpetrator-suicide"))
    }
}

/// Category decisions from who the victim is and who harmed them.
@Suite struct ChildCategoryTests {
    @Test func aChildVictimInADomesticHomicideReviewIsNotIntimatePartnerViolence() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Ella

            The child, referred to as Ella, was an eleven-month-old baby who lived with her mother. Her mother's partner, Mr C, shook Ella in the early hours of 3 May 2020 and she died in hospital two days later.
            """, reviewType: "dhr"))
        #expect(result.category?.id == "within-family-violence-towards-children")
    }

    @Test func aTeenagerAttackedByAGroupOfTeenagersIsYouthPeerViolence() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child P

            Child P was aged fourteen. In May 2022 he was attacked by a group of teenagers at a bus station and suffered serious head injuries.
            """, reviewType: "scr"))
        #expect(result.category?.id == "youth-peer-violence")
        #expect(result.category?.evidence.contains { $0.contains("group of teenagers") } == true)
    }

    @Test func siblingsAtHomeAreNotAPeerGroup() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child S

            Child S was aged six. Her stepfather hit her with a belt in front of her brothers and the other children in the household.
            """, reviewType: "scr"))
        #expect(result.category?.id == "within-family-violence-towards-children")
    }
}
