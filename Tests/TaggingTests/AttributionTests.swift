import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

@Suite struct AttributionTests {
    static let dhr = """
        # Domestic Homicide Review: Adult A

        Adult A (the victim) was a 34-year-old White British woman who was killed by her husband in 2022. Her husband, referred to as Mr B, is the perpetrator.

        Mr B had a long history of alcohol misuse. Adult A suffered from depression and was socially isolated.

        He had been unemployed since 2019. She worked as a nurse.

        His father had a drinking problem and her sister had schizophrenia.
        """

    @Test func charactersticsGoToThePersonTheClauseIsAbout() {
        let result = sharedTagger.tag(makeDocument(Self.dhr, reviewType: "dhr"))
        #expect(result.subjects("characteristic/alcohol-misuse") == [.perpetrator])
        #expect(result.subjects("characteristic/mental-health") == [.victim])
        #expect(result.subjects("characteristic/social-isolation") == [.victim])
        #expect(result.subjects("characteristic/unemployment") == [.perpetrator])
    }

    @Test func thirdPartiesAreDroppedWithAReason() {
        let result = sharedTagger.tag(makeDocument(Self.dhr, reviewType: "dhr"))
        #expect(result.suppressed.contains { $0.reason == .thirdParty && $0.tag.id == "alcohol-misuse" })
        #expect(result.suppressed.contains { $0.reason == .thirdParty && $0.tag.id == "mental-health" && $0.evidence.text == "schizophrenia" })
    }

    @Test func peopleNamesRolesAndRelationship() throws {
        let result = sharedTagger.tag(makeDocument(Self.dhr, reviewType: "dhr"))
        let victim = try #require(result.people.first { $0.subject == .victim })
        #expect(victim.name == "Adult A")
        #expect(victim.gender == .female)
        #expect(victim.age == .years(34))
        #expect(victim.ethnicity == .white)
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Mr B")
        #expect(perpetrator.gender == .male)
        #expect(result.has("relationship-type/partner"))
        #expect(result.category?.id == "intimate-partner-violence")
    }

    @Test func declaredPseudonymsAndEventCues() throws {
        let text = """
            This review concerns a man known as 'Sam' in this report, who was killed in 2021. The man who killed him is referred to as Lee (hereafter 'Lee').

            Lee was convicted of manslaughter. Sam had a learning disability. Lee was homeless at the time.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "sar"))
        #expect(result.people.first { $0.subject == .victim }?.name == "Sam")
        #expect(result.people.first { $0.subject == .perpetrator }?.name == "Lee")
        #expect(result.subjects("characteristic/learning-disability") == [.victim])
        #expect(result.subjects("characteristic/homelessness") == [.perpetrator])
    }

    @Test func childVictimInheritsParentalTags() {
        let text = """
            # Child Safeguarding Practice Review: Child L

            This review concerns a girl referred to as Child L, who was six when she was seriously injured.

            Child L's mother had depression and drank heavily. Her father used cannabis daily.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "scr"))
        #expect(result.subjects("characteristic/parental-mental-health") == [.victim])
        #expect(result.subjects("characteristic/household-substance-misuse") == [.victim])
        #expect(!result.has("characteristic/mental-health"))
    }

    /// Control and stalking stay in a review of sexual abuse by someone outside the family (the
    /// groomer's control of the child) but are the adults' in a review of a parent's abuse.
    @Test func groomersControlOfAChildIsKept() {
        let outside = """
            # Child Safeguarding Practice Review: Ella

            1.1 Ella was 14 when she was sexually abused by a 35-year-old man she met online, referred to as Man X.

            1.2 Man X told Ella what to wear and whom she could see, and he checked her location several times a day. When she tried to end contact he waited outside her school gates on several occasions.
            """
        let result = sharedTagger.tag(makeDocument(outside, reviewType: "scr"))
        #expect(result.has("relationship/sexual-abuse"))
        #expect(result.has("relationship/coercive-control"))
        #expect(result.has("relationship/stalking"))
        let family = """
            # Child Safeguarding Practice Review: Child P

            1.1 Child P was four when he was seriously injured by his father, Mr P.

            1.2 Mr P checked his partner's location several times a day and told her whom she could see. He waited outside her workplace on several occasions.
            """
        let parent = sharedTagger.tag(makeDocument(family, reviewType: "scr"))
        #expect(!parent.has("relationship/coercive-control"))
        #expect(!parent.has("relationship/stalking"))
    }

    @Test func unknownWhenTheTextDoesNotSay() {
        let text = "Mr X and Ms Y were interviewed. One of them had debts."
        let result = sharedTagger.tag(makeDocument(text))
        #expect(result.subjects("characteristic/financial-difficulties") == [.unknown])
    }
}

@Suite struct CategoryAndDemographicsTests {
    @Test func categoryFromRelationshipAndAges() throws {
        let text = """
            This review concerns a baby referred to as Rosie, aged four months, who was shaken by her father, referred to as Dean. Dean was convicted of causing grievous bodily harm.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "scr"))
        let category = try #require(result.category)
        #expect(category.id == "within-family-violence-towards-children")
        #expect(category.confidence > 0 && category.confidence <= 1)
        #expect(!category.evidence.isEmpty)
        #expect(result.people.first { $0.subject == .victim }?.age == .years(0))
    }

    @Test func explicitStatementDecidesCategory() {
        let result = sharedTagger.tag(makeDocument("This was an intimate partner homicide. The victim was 41."))
        #expect(result.category?.id == "intimate-partner-violence")
    }

    @Test func noCategoryComesWithAReason() {
        let result = sharedTagger.tag(makeDocument("The weather was cold."))
        #expect(result.category == nil)
        #expect(result.categoryReason != nil)
    }

    @Test(arguments: [
        ("The victim was a 34-year-old White British woman.", Age.years(34), Ethnicity.white),
        ("The victim, aged 67, was of Black Caribbean heritage.", Age.years(67), Ethnicity.black),
        ("The victim was Asian British and was in her early thirties.", Age.range(30, 33), Ethnicity.asian),
        ("The victim was 19 at the time and described himself as of mixed heritage.", Age.years(19), Ethnicity.mixed),
    ])
    func demographicsFromExplicitStatements(_ item: (String, Age, Ethnicity)) throws {
        let result = sharedTagger.tag(makeDocument(item.0))
        let victim = try #require(result.people.first { $0.subject == .victim })
        #expect(victim.age == item.1)
        #expect(victim.ethnicity == item.2)
    }

    @Test func nothingIsGuessed() throws {
        let result = sharedTagger.tag(makeDocument("The victim lived in Leeds and worked in a shop. When she was 12 she moved house."))
        let victim = try #require(result.people.first { $0.subject == .victim })
        #expect(victim.age == nil)
        #expect(victim.ethnicity == nil)
    }

    @Test func reviewTypeFallsBackToHeadings() {
        let result = sharedTagger.tag(makeDocument("# Safeguarding Adults Review: Adult D\n\nAdult D lived alone."))
        #expect(result.reviewType?.id == "sar")
    }

    /// In a review of harm over time, blows between the victim and the perpetrator are the
    /// method of harm wherever they are told; blows to someone else are not, and neither is a
    /// punched wall.
    @Test func blowsOfACourseOfAbuseAreTheMethod() {
        let text = """
            # Child Safeguarding Practice Review: Rosie

            1.1 Rosie was 14 when she was sexually exploited by a man of 32, referred to as Adult B.

            1.2 Adult B controlled where Rosie went and whom she saw. On one occasion in September Adult B slapped Rosie hard across the face.
            """
        #expect(sharedTagger.tag(makeDocument(text, reviewType: "scr")).has("weapon/physical-assault"))
        let others = """
            # Child Safeguarding Practice Review: Rosie

            1.1 Rosie was 14 when she was sexually exploited by a man of 32, referred to as Adult B.

            1.2 In 2019 a neighbour slapped a shopkeeper in the street. Adult B punched holes in his bedroom wall when Rosie was there.
            """
        #expect(!sharedTagger.tag(makeDocument(others, reviewType: "scr")).has("weapon/physical-assault"))
    }

    /// "by a man with a history of violence": the unnamed agent's characteristic, not the victim's.
    @Test func theAgentsHistoryIsThePerpetrators() {
        let text = """
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her former partner, referred to as Neil, in March 2024.

            1.2 Simone was subjected to escalating domestic abuse by a man with a documented history of violence towards former partners.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "dhr"))
        #expect(result.subjects("characteristic/history-of-violence") == [.perpetrator])
    }

    /// "the couple had rent arrears" after a mention of one of them: both partners' characteristic.
    @Test func theCouplesDebtsAreBoths() {
        let text = """
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her husband, referred to as Mr K, in March 2024. Mr K was convicted of her murder.

            1.2 Mr K had used credit cards to pay the household bills for two years, and by the summer the couple had rent arrears of £3,000.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "dhr"))
        #expect(Set(result.subjects("characteristic/financial-difficulties")) == [.victim, .perpetrator])
    }

    /// A bare plural role noun ("Perpetrators often have ...") speaks of people in general, not
    /// of the review's perpetrator.
    @Test func pluralRoleNounsAreGeneric() {
        let text = """
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her husband, referred to as Mr K, in March 2024. Mr K was convicted of her murder.

            4.1 Perpetrators often have a history of violence towards previous partners.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "dhr"))
        #expect(!result.has("characteristic/history-of-violence"))
    }

    /// "her mother's main carer": a relative's caring relationship, not one between the victim
    /// and the perpetrator; "his mother's main carer" when his mother is the victim is.
    @Test func aRelativesCarerIsNoRelationship() {
        let relative = """
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her husband, referred to as Mr K, in March 2024. Mr K was convicted of her murder.

            2.1 Simone was her mother's main carer.
            """
        #expect(!sharedTagger.tag(makeDocument(relative, reviewType: "dhr")).has("relationship/carer"))
        let principal = """
            # Domestic Homicide Review: Joan

            1.1 Joan was killed by her son, referred to as Mr K, in March 2024. Mr K was convicted of her murder.

            2.1 Mr K had been his mother's main carer since 2019.
            """
        #expect(sharedTagger.tag(makeDocument(principal, reviewType: "dhr")).has("relationship/carer"))
    }

    /// "by a man ... who had a previous conviction": the agent's relative clause, his characteristic.
    @Test func theAgentsRelativeClauseIsThePerpetrators() {
        let text = """
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her former partner, referred to as Neil, in March 2024. Neil was convicted of her murder.

            1.2 Simone was subjected to escalating abuse by a man nearly twice her age who had a previous conviction for wounding.
            """
        let result = sharedTagger.tag(makeDocument(text, reviewType: "dhr"))
        #expect(!result.subjects("characteristic/history-of-offending").contains(.victim))
        #expect(!result.subjects("characteristic/history-of-violence").contains(.victim))
    }

    /// Agencies are services in contact before the incident (TAXONOMY.md): paramedics called to
    /// the incident are its response; an ambulance called out months before is involvement.
    @Test func paramedicsAtTheIncidentAreNoInvolvement() {
        let atTheIncident = """
            # Domestic Homicide Review: Marcia

            1.1 Marcia was killed by her son, referred to as Mr R, at their home in September 2024. She died at the scene despite the efforts of paramedics.
            """
        #expect(!sharedTagger.tag(makeDocument(atTheIncident, reviewType: "dhr")).has("agency/ambulance"))
        let before = """
            # Domestic Homicide Review: Marcia

            1.1 Marcia was killed by her son, referred to as Mr R, at their home in September 2024.

            1.2 In March 2024 Marcia fell in the garden and an ambulance took her to hospital.
            """
        #expect(sharedTagger.tag(makeDocument(before, reviewType: "dhr")).has("agency/ambulance"))
    }

    /// The response told before the incident it answers: in the paragraph ("Paramedics attended.
    /// She was pronounced dead at the scene.") or in another cell of a chronology row.
    @Test func paramedicsBeforeTheAccountOfTheIncidentAreItsResponse() throws {
        let paragraph = """
            # Domestic Homicide Review: Marta

            1.1 This review concerns Marta, who lived in Ashworth Road.

            5.15 Neighbours called 999 on hearing screams. Police and paramedics attended within nine minutes. Marta was pronounced dead at the scene.
            """
        #expect(!sharedTagger.tag(makeDocument(paragraph, reviewType: "dhr")).has("agency/ambulance"))
        let row = """
            <html><body><h1>Domestic Homicide Review: Scott</h1>
            <p>This review concerns Scott, who lived with his partner Jodie.</p>
            <table><tr><th>Date</th><th>Agency</th><th>Event</th></tr>
            <tr><td>2 Feb 2025</td><td>Children's social care</td><td>A social worker visits the family.</td></tr>
            <tr><td>9 Mar 2025</td><td>Police / Ambulance</td><td>Jodie rings 999. Scott pronounced dead at the scene.</td></tr>
            </table></body></html>
            """
        #expect(!sharedTagger.tag(try DocumentReader().read(bytes: Array(row.utf8), name: "row.html")).has("agency/ambulance"))
        // An earlier call-out in such a row is involvement.
        let earlier = row.replacingOccurrences(of: "Jodie rings 999. Scott pronounced dead at the scene.", with: "Jodie rings 999 after Scott falls in the street.")
        #expect(sharedTagger.tag(try DocumentReader().read(bytes: Array(earlier.utf8), name: "row.html")).has("agency/ambulance"))
    }
}
