import ReviewModel
import Testing
import Tagging

/// Rules that must not fire on incidental mentions: a relationship word about someone other
/// than the victim and the perpetrator, an agency that was not involved, a word used in
/// another sense. Each case has a twin in which the fact is stated and the tag is found.
/// Fictional documents written for revtag.
@Suite struct IncidentalMentionTests {
    @Test func friendsAndWorkersOfTheVictimDoNotMakeTheRelationshipAnAcquaintance() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child Z

            Child Z, aged 16, was stabbed in a park in 2023 and died. Nobody has been charged.

            Child Z first met his youth worker in 2021. His best friend told the review that Child Z had been threatened online, and his friends described him as kind.
            """, reviewType: "scr"))
        #expect(!result.has("relationship-type/acquaintance"))

        let twin = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child Z

            Child Z, aged 16, was stabbed in a park in 2023 and died. The perpetrator, a young man of 18, is referred to as Young Person Q.

            Child Z and Young Person Q knew each other from a youth club and had been friends for a year.
            """, reviewType: "scr"))
        #expect(twin.has("relationship-type/acquaintance"))
    }

    @Test func aPerpetratorsOtherRelationshipsAndPastVictimsDoNotOutweighACoResident() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Safeguarding Adult Review: Adult F

            Adult F, a man of 50, was killed by another resident of the hostel, referred to as Adult G, in 2022.

            Adult G had previously assaulted a stranger at a bus stop. Adult G was in a relationship with a woman who visited the hostel. The support worker met him at the hostel weekly.
            """, reviewType: "sar"))
        #expect(result.has("relationship-type/acquaintance"))
        #expect(!result.has("relationship-type/partner"))
        #expect(!result.has("relationship-type/stranger"))
        #expect(result.category?.id != "intimate-partner-violence")
    }

    @Test func beingKnownToAgenciesIsNotBeingKnownToEachOther() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Safeguarding Adult Review: Adult R

            Adult R, a man of 58, was found dead in his flat. The family were known to the police and to adult social care for many years.
            """, reviewType: "sar"))
        #expect(!result.has("relationship-type/acquaintance"))
    }

    @Test func aParentsPartnerArrestedForSomethingElseIsNotThePerpetrator() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child B

            Child B was a girl aged four who was seriously injured at home in 2022. Her father, referred to as Mr K, was convicted of causing grievous bodily harm.

            Her mother's partner was arrested in 2021 for driving offences.
            """, reviewType: "scr"))
        #expect(!result.has("relationship-type/partner-of-parent"))
        #expect(result.has("relationship-type/parent"))
    }

    @Test func anAmbulanceServiceThatWasNotInvolvedIsNotAnAgencyInContact() {
        let absent = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Rita

            The victim, a woman of 45, is referred to as Rita. The perpetrator, her husband, is referred to as Mr J.

            The ambulance service had no contact with Rita or Mr J before the homicide. The ambulance service was not involved with the family.
            """, reviewType: "dhr"))
        #expect(!absent.has("agency/ambulance"))

        let present = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Rita

            The victim, a woman of 45, is referred to as Rita. The perpetrator, her husband, is referred to as Mr J.

            In March 2021 an ambulance crew took Rita to hospital after a fall at home.
            """, reviewType: "dhr"))
        #expect(present.has("agency/ambulance"))
    }

    @Test func informationHeldInSeparatePlacesIsNotASeparation() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Rita

            The victim, a woman of 45, is referred to as Rita. The perpetrator, her husband, is referred to as Mr J.

            Information about Rita was held in separate places by the GP and the police. Rita's parents divorced when she was a child.
            """, reviewType: "dhr"))
        #expect(!result.has("relationship/strain-or-separation"))

        let twin = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Rita

            The victim, a woman of 45, is referred to as Rita. The perpetrator, her husband, is referred to as Mr J.

            The couple had frequent arguments about money, and Rita had talked about leaving Mr J.
            """, reviewType: "dhr"))
        #expect(twin.has("relationship/strain-or-separation"))
    }

    @Test func parentingYoungChildrenIsNotACaringResponsibility() {
        let parenting = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Kerry

            The victim, a woman of 29, is referred to as Kerry. The perpetrator, her former partner, is referred to as Mr L.

            Kerry was caring for her two young children on her own and worked as a carer for a home care agency.
            """, reviewType: "dhr"))
        #expect(!parenting.has("characteristic/caring-responsibilities"))
        #expect(!parenting.has("relationship/carer"))

        let carer = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Kerry

            The victim, a woman of 29, is referred to as Kerry. The perpetrator, her former partner, is referred to as Mr L.

            Kerry was caring for her disabled mother as well as working part time.
            """, reviewType: "dhr"))
        #expect(carer.subjects("characteristic/caring-responsibilities") == [.victim])
        // The mother's disability is not the victim's.
        #expect(!carer.has("characteristic/disability"))
    }

    @Test func anInjuryCausedByTheIncidentIsNotAPriorDisability() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child H

            Child H, aged seven months, was shaken by his father, referred to as Mr F. Child H survived but has a permanent brain injury and significant developmental delay.
            """, reviewType: "scr"))
        #expect(!result.has("characteristic/disability"))
        #expect(!result.has("characteristic/learning-disability"))
    }

    @Test func aDrugDebtIsNotFinancialDifficulty() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child D

            Child D, aged 15, was stabbed in 2022. The perpetrator is referred to as Young Person E.

            Child D told his worker that he owed a debt to the older boys after a package was taken from him.
            """, reviewType: "scr"))
        #expect(!result.has("characteristic/financial-difficulties"))

        let twin = sharedTagger.tag(makeDocument(
            """
            # Domestic Homicide Review: Joan

            The victim, a woman of 61, is referred to as Joan. The perpetrator, her son, is referred to as Mr T.

            Joan fell behind with her rent and was referred to a debt advice charity in 2021.
            """, reviewType: "dhr"))
        #expect(twin.subjects("characteristic/financial-difficulties") == [.victim])
    }
}
