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

/// Recall on weak tags by the phrasings writers use, and supported-accommodation precision.
@Suite struct WeakTagRecallTests {
    @Test func carryingWeaponsPhrasedManyWays() {
        for sentence in [
            "Mr R routinely carried a lock knife when he went out.",
            "Mr R was stopped by police and found to have a kitchen knife in his coat.",
            "Mr R had been photographed holding a machete at a party.",
        ] {
            let result = sharedTagger.tag(makeDocument(
                """
                # Review: Lena

                The victim, a woman of 30, is referred to as Lena. The perpetrator, her partner, is referred to as Mr R.

                \(sentence)
                """, reviewType: "dhr"))
            #expect(result.has("escalation/carrying-weapons"), "\(sentence)")
        }
    }

    @Test func gangInvolvementPhrasedManyWays() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Review: Child K

            The victim, a boy of 16, is referred to as Child K. The perpetrator, a young man of 19, is referred to as Mr O.

            Mr O was said by police to be part of a gang that sold drugs in the town.
            """, reviewType: "scr"))
        #expect(result.subjects("characteristic/gang-involvement").contains(.perpetrator))
    }

    @Test func caringForARelativeWithNeeds() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Review: Irene

            The victim, a woman of 66, is referred to as Irene. The perpetrator, her son, is referred to as Neil.

            Irene supported her adult son with his mental health and his medication for many years.
            """, reviewType: "dhr"))
        #expect(result.subjects("characteristic/caring-responsibilities") == [.victim])
    }

    @Test func aRelativesSupportedAccommodationIsNotContextButTheVictimsIs() {
        let brother = sharedTagger.tag(makeDocument(
            """
            # Review: Jo

            The victim, a woman of 35, is referred to as Jo. The perpetrator, her husband, is referred to as Mr U.

            Jo's brother has a learning disability and he lives in supported accommodation in another town.
            """, reviewType: "dhr"))
        #expect(!brother.has("context/supported-accommodation"))
        let worker = sharedTagger.tag(makeDocument(
            """
            # Review: Jo

            The victim, a woman of 35, is referred to as Jo. The perpetrator, her husband, is referred to as Mr U.

            Mr U had once punched a hostel worker.
            """, reviewType: "dhr"))
        #expect(!worker.has("context/supported-accommodation"))
        let victim = sharedTagger.tag(makeDocument(
            """
            # Review: Jo

            The victim, a woman of 35, is referred to as Jo. The perpetrator, a fellow resident, is referred to as Mr U.

            Jo lived in a homeless hostel in the city centre for two years.
            """, reviewType: "sar"))
        #expect(victim.has("context/supported-accommodation"))
    }
}

@Suite struct PatternOfViolenceTests {
    @Test func repeatedBlowsInTheFatalAttackAreNotAPatternButRepeatedAssaultsOverTimeAre() {
        let attack = sharedTagger.tag(makeDocument(
            """
            # Review: Alan

            The victim, a man of 49, is referred to as Alan. The perpetrator, his neighbour, is referred to as Mr J.

            On the night of 4 April 2022 Mr J repeatedly punched and kicked Alan in the stairwell, and Alan died of his injuries.
            """, reviewType: "sar"))
        #expect(!attack.has("escalation/pattern-of-physical-violence"))
        let history = sharedTagger.tag(makeDocument(
            """
            # Review: Alan

            The victim, a man of 49, is referred to as Alan. The perpetrator, his neighbour, is referred to as Mr J.

            Mr J had repeatedly punched and kicked Alan in the months before Alan died.
            """, reviewType: "sar"))
        #expect(history.has("escalation/pattern-of-physical-violence"))
    }
}

@Suite struct GroupMembershipTests {
    @Test func othersGangMembershipIsNotTheVictims() {
        let others = sharedTagger.tag(makeDocument(
            """
            # Review: Child W

            The victim, a boy of 15, is referred to as Child W. The perpetrator, a young man of 18, is referred to as Mr Q.

            Child W spent time with older teenagers who were all involved with a gang from the next town.
            """, reviewType: "scr"))
        #expect(!others.subjects("characteristic/gang-involvement").contains(.victim))
        let own = sharedTagger.tag(makeDocument(
            """
            # Review: Child W

            The victim, a boy of 15, is referred to as Child W. The perpetrator, a young man of 18, is referred to as Mr Q.

            By the summer Child W was involved with a gang from the next town.
            """, reviewType: "scr"))
        #expect(own.subjects("characteristic/gang-involvement").contains(.victim))
    }
}

@Suite struct NumberWordAgeTests {
    @Test func numberWordsAndDecadesGiveAgesAndRanges() {
        let decade = sharedTagger.tag(makeDocument(
            """
            # Review: Rita

            The victim, referred to as Rita, was in her mid-forties. The perpetrator, her husband, is referred to as Mr N.
            """, reviewType: "dhr"))
        #expect(decade.people.first { $0.subject == .victim }?.age == .range(43, 46))
        let words = sharedTagger.tag(makeDocument(
            """
            # Review: Child H

            The victim, referred to as Child H, was aged seventeen. The perpetrator, her stepfather, is referred to as Mr D.
            """, reviewType: "scr"))
        #expect(words.people.first { $0.subject == .victim }?.age == .years(17))
        #expect(words.category?.id == "within-family-violence-towards-children")
    }
}
