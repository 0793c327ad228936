import ReviewModel
import Testing
@testable import Tagging

/// People, pronouns and attribution rules that follow the meaning of the text.
@Suite struct MeaningRulesTests {
    @Test func oneSyllableWordsOnlyDouble() {
        #expect(!Inflector.forms(of: "car").contains("cared"))
        #expect(!Inflector.forms(of: "car").contains("caring"))
        #expect(Inflector.forms(of: "stab").contains("stabbed"))
        #expect(Inflector.forms(of: "stab").contains("stabbing"))
        #expect(Inflector.forms(of: "visit").contains("visited"))
        #expect(Inflector.forms(of: "travel").contains("travelled"))
    }

    @Test func theCarerIsNotThePersonCaredFor() {
        let result = sharedTagger.tag(makeDocument(
            """
            The victim, a woman of 71, is referred to as Ann. The perpetrator, her son, is referred to as Paul.

            Ann was Paul's main carer for ten years after his accident.
            """, reviewType: "dhr"))
        #expect(result.subjects("characteristic/caring-responsibilities") == [.victim])

        let widow = sharedTagger.tag(makeDocument(
            """
            The victim, a woman of 80, is referred to as Ann. The perpetrator is referred to as Mr D.

            Her late husband had been her main carer until his death in 2019.
            """, reviewType: "sar"))
        #expect(!widow.has("characteristic/caring-responsibilities"))
    }

    @Test func abuseInPregnancyIsThePregnantWomans() {
        let result = sharedTagger.tag(makeDocument(
            """
            The victim, a woman of 27, is referred to as Nina. The perpetrator, her former partner, is referred to as Mr G.

            Mr G kicked her in the stomach when she was five months pregnant.
            """, reviewType: "dhr"))
        #expect(result.subjects("characteristic/domestic-abuse-in-pregnancy") == [.victim])
    }

    @Test func genderFromAnApposition() throws {
        let result = sharedTagger.tag(makeDocument(
            """
            This review concerns Carol, a 54-year-old woman who was killed by her husband Martin in 2023. Martin was convicted of murder.

            Carol had worked as a school administrator. Carol had two adult children, and Carol and Martin had been married for thirty years.
            """, reviewType: "dhr"))
        let victim = try #require(result.people.first { $0.subject == .victim })
        #expect(victim.name == "Carol")
        #expect(victim.gender == .female)
    }

    @Test func aDeclaredNameAfterAPossessedKinNounIsTheRelative() throws {
        let result = sharedTagger.tag(makeDocument(
            """
            Two children were seriously injured at home. The children's stepfather, who is referred to as Mr P, was convicted of causing grievous bodily harm.

            Mr P had moved in with the family in 2021.
            """, reviewType: "scr"))
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Mr P")
        #expect(result.has("relationship-type/partner-of-parent"))
        #expect(result.category?.id == "within-family-violence-towards-children")
    }

    @Test func aParentsPartnerIsPartnerOfParent() {
        let result = sharedTagger.tag(makeDocument(
            """
            Sam was three when he died. He had been assaulted at the flat where he lived with his mother and her partner, who is referred to here as Mr R. Mr R, who was 28, was convicted of Sam's murder.
            """, reviewType: "scr"))
        #expect(result.has("relationship-type/partner-of-parent"))
        #expect(!result.has("relationship-type/partner"))
    }

    @Test func aliasInARelativeClause() throws {
        let result = sharedTagger.tag(makeDocument(
            """
            This review concerns a boy referred to as Child E, whom his mother asked us to call Riley. Riley was exploited by a group of older boys.

            Riley had a learning disability that was identified at primary school.
            """, reviewType: "scr"))
        #expect(result.subjects("characteristic/learning-disability") == [.victim])
        #expect(result.people.filter { $0.subject == .victim }.count == 1)
    }

    @Test func subjectPronounsContinueThePrincipal() {
        let result = sharedTagger.tag(makeDocument(
            """
            The perpetrator is referred to as Mr N. He described a childhood in which he was beaten by his stepfather, and he spent two years in a children's home.
            """, reviewType: "iir"))
        #expect(result.subjects("characteristic/care-experienced") == [.perpetrator])
    }

    @Test func theSubjectOfConcernsIsNoRole() {
        let result = sharedTagger.tag(makeDocument(
            """
            The subject of this review is a boy referred to as Kai. Kai's sister, who is now fifteen, was also the subject of concerns about sexual exploitation in 2022.
            """, reviewType: "scr"))
        #expect(!result.subjects("characteristic/sexual-exploitation").contains(.victim))
    }

    @Test func peopleConvictedTogetherAreBothPerpetrators() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Child B

            This review concerns a baby referred to as Child B. Child B's mother, referred to as Ms F, and his father, referred to as Mr G, were both convicted of causing or allowing serious physical harm to a child.

            Ms F had been treated for depression since her teens.
            """, reviewType: "scr"))
        #expect(Set(result.people.filter { $0.subject == .perpetrator }.compactMap(\.name)) == ["Ms F", "Mr G"])
        #expect(result.subjects("characteristic/mental-health").contains(.perpetrator))
    }

    @Test func twoChildrenNamedInTheTitleAreBothVictims() {
        let result = sharedTagger.tag(makeDocument(
            """
            # Child Safeguarding Practice Review: Lily and Jack

            Two children were seriously injured at home in 2023. They are called Lily and Jack in this report. Lily was injured first and Jack was injured later that evening.

            Jack was diagnosed with autism in 2022.
            """, reviewType: "scr"))
        #expect(Set(result.people.filter { $0.subject == .victim }.compactMap(\.name)).isSuperset(of: ["Lily", "Jack"]))
        #expect(result.subjects("characteristic/autism") == [.victim])
    }

    @Test func agesAndEthnicityAsReviewsStateThem() throws {
        let result = sharedTagger.tag(makeDocument(
            """
            Ellie was 14 when police found her in a hotel room with a man of 31, referred to in this report as Adult X. Adult X was convicted of sexual offences against Ellie.

            Ellie was in foster care at the time. Adult X had presented himself online as a 17-year-old boy.
            """, reviewType: "scr"))
        #expect(result.people.first { $0.subject == .victim }?.age == .years(14))
        #expect(result.people.first { $0.subject == .perpetrator }?.age == .years(31))

        let family = sharedTagger.tag(makeDocument(
            """
            The victim is referred to as Mrs P. The perpetrator, her son, is referred to as Mr P.

            The family are of Indian heritage. Mr P was 41 and lived with his mother.
            """, reviewType: "dhr"))
        #expect(family.people.first { $0.subject == .victim }?.ethnicity == .asian)
        #expect(family.people.first { $0.subject == .perpetrator }?.ethnicity == .asian)
        #expect(family.people.first { $0.subject == .perpetrator }?.age == .years(41))
    }

    @Test func aParenthesisBetweenNameAndConviction() throws {
        let result = sharedTagger.tag(makeDocument(
            """
            This review concerns a man who will be known as Adult D. Adult E, aged 28 and of mixed White and Black African heritage, was convicted of manslaughter.

            Adult E had been released from prison three weeks before.
            """, reviewType: "sar"))
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Adult E")
        #expect(perpetrator.age == .years(28))
        #expect(perpetrator.ethnicity == .mixed)
    }

    @Test func childhoodNeglectIsTheChildsNotTheParents() {
        let result = sharedTagger.tag(makeDocument(
            """
            This review concerns a girl who will be called Child F. Child F, a nine-year-old girl, was sexually abused by her foster carer, referred to here as Mr R, who was convicted in 2023.

            She was removed from her parents' care at the age of four because of chronic neglect.
            """, reviewType: "scr"))
        #expect(result.subjects("characteristic/childhood-abuse-neglect") == [.victim])
    }
}
