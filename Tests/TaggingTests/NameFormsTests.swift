import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Full names after a title, first name plus surname, pseudonyms declared after a noun phrase,
/// and the event cues of who caused a death: one person each, with their role and demographics.
@Suite struct NameFormsTests {
    static func tag(_ text: String, name: String = "review.md") throws -> TaggingResult {
        let document = try DocumentReader().read(bytes: Array(text.utf8), name: name)
        return sharedTagger.tag(document)
    }

    @Test func titledFullNameIsOnePersonWithFirstNameAndSurnameAliases() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review: the death of Mrs Edith Marlow

            1.1 This review looks at how services supported Edith Marlow, who died at her bungalow in Corrow in 2023, and her nephew, Neil Marlow, who caused her death.

            1.2 Edith was 84 when she died. Neil was 52 at the time.

            2.1 Neil drank heavily for many years. Edith had arthritis and relied on Neil for lifts to the surgery.
            """)
        let victims = result.people.filter { $0.subject == .victim }
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        // Not "Marlow" as a second victim because it is a word of the title.
        #expect(victims.count == 1)
        #expect(victims.first?.age == .years(84))
        #expect(victims.first?.gender == .female)
        #expect(perpetrator.name == "Neil")
        #expect(perpetrator.age == .years(52))
        #expect(result.subjects("characteristic/alcohol-misuse") == [.perpetrator])
    }

    @Test func surnameAfterAFirstNameIsNotAPersonOfItsOwn() throws {
        // Without the title, the shared surname must not take the victim's or the son's role.
        let result = try Self.tag(
            """
            # Safeguarding Adults Review

            1.1 Agnes Hale died in hospital after an assault at her home. Her son, Martin Hale, was charged with her manslaughter.

            1.2 Agnes was 79. Martin was 48. Hale family members contributed to the review.

            2.1 Martin had a long history of violence towards former partners. Agnes had a learning disability.
            """)
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Martin")
        #expect(perpetrator.age == .years(48))
        #expect(!result.people.contains { $0.name == "Hale" })
    }

    @Test func pseudonymDeclaredAfterANounPhraseTakesTheConviction() throws {
        let result = try Self.tag(
            """
            # Safeguarding Adults Review: Denise

            1.1 Denise died in hospital in May 2024 after an assault in her flat.

            1.2 A 34-year-old woman, who is called Tasha in this report, was convicted of Denise's manslaughter. Tasha had lived in the same supported housing scheme.

            2.1 Tasha had a long history of offending. Denise had few visitors.
            """)
        let victim = try #require(result.people.first { $0.subject == .victim })
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(victim.name == "Denise")
        #expect(perpetrator.name == "Tasha")
        #expect(perpetrator.age == .years(34))
    }

    @Test func whoCausedHerDeathNamesThePerpetrator() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review: Priya

            1.1 Priya was 29 when she died. Her former partner, referred to here as Dev, who caused her death, was 33.

            2.1 Dev had previously been cautioned for criminal damage.
            """)
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Dev")
        #expect(perpetrator.age == .years(33))
    }
}
