import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Tables that list the people of a review give their roles, relations and demographics.
@Suite struct PeopleTableTests {
    static func tag(_ text: String, name: String) throws -> TaggingResult {
        let document = try DocumentReader().read(bytes: Array(text.utf8), name: name)
        return sharedTagger.tag(document)
    }

    @Test func markdownPseudonymTable() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review: "Joanne"

            1.1 The following pseudonyms are used in this report.

            | Pseudonym | Relationship to Joanne | Age at the time of her death | Ethnicity |
            |---|---|---|---|
            | Joanne | Victim | 41 | White British |
            | Gary | Husband; perpetrator | 45 | White Irish |
            | Ms T | Joanne's sister | 38 | Black British |

            2.1 Joanne worked at a garden centre. Gary drove a delivery van.
            """, name: "review.md")
        let victim = try #require(result.people.first { $0.subject == .victim })
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(victim.name == "Joanne")
        #expect(victim.age == .years(41))
        #expect(victim.ethnicity == .white)
        #expect(perpetrator.name == "Gary")
        #expect(perpetrator.age == .years(45))
        #expect(perpetrator.gender == .male)
        #expect(result.has("relationship-type/partner"))
        #expect(result.category?.id == "intimate-partner-violence")
        // The sister is nobody's principal: her age and ethnicity go nowhere.
        #expect(!result.people.contains { $0.age == .years(38) || $0.ethnicity == .black })
    }

    /// "Marta's sister" in the name column is her sister's row: it must not give Marta the
    /// sister's age and ethnicity.
    @Test func possessiveNameCellIsARelative() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review: "Marta"

            1.1 The following pseudonyms are used in this report.

            | Name | Role | Age | Ethnicity |
            |---|---|---|---|
            | Marta | Victim | 29 | White Polish |
            | Tomasz | Former partner; perpetrator | 33 | White Polish |
            | Marta's sister | Sister | 36 | Black British |

            2.1 Marta worked at a bakery. Tomasz drove a delivery van.
            """, name: "review.md")
        let victim = try #require(result.people.first { $0.subject == .victim })
        #expect(victim.name == "Marta")
        #expect(victim.age == .years(29))
        #expect(victim.ethnicity == .white)
    }

    @Test func htmlTableWithGenderAndAgeRange() throws {
        let result = try Self.tag(
            """
            <html><head><title>Safeguarding Adults Review: Mr D</title></head><body>
            <h1>Safeguarding Adults Review: Mr D</h1>
            <table>
            <tr><th>Initials</th><th>Role</th><th>Gender</th><th>Age</th><th>Ethnicity</th></tr>
            <tr><td>Mr D</td><td>Subject of the review</td><td>Male</td><td>67</td><td>Black Caribbean</td></tr>
            <tr><td>Mr E</td><td>Lodger (alleged perpetrator)</td><td>Male</td><td>30-35</td><td>White Other</td></tr>
            <tr><td>Mrs D</td><td>Wife of Mr D</td><td>Female</td><td>64</td><td>Mixed</td></tr>
            </table>
            <p>Mr D lived in a terraced house for forty years.</p>
            </body></html>
            """, name: "review.html")
        let victim = try #require(result.people.first { $0.subject == .victim })
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(victim.name == "Mr D" && victim.gender == .male && victim.age == .years(67) && victim.ethnicity == .black)
        #expect(perpetrator.name == "Mr E" && perpetrator.age == .range(30, 35) && perpetrator.ethnicity == .white)
        #expect(result.has("relationship-type/acquaintance"))
        #expect(!result.people.contains { $0.ethnicity == .mixed })
    }

    @Test func otherTablesAreNotPeopleTables() throws {
        let result = try Self.tag(
            """
            <html><body>
            <h1>Domestic Homicide Review</h1>
            <table>
            <tr><th>Date</th><th>Agency</th><th>Event</th></tr>
            <tr><td>May 2021</td><td>Police</td><td>Victim reported a threat; perpetrator arrested, aged 29.</td></tr>
            </table>
            <table>
            <tr><th>Name</th><th>Organisation</th></tr>
            <tr><td>Helen Brook</td><td>Independent chair</td></tr>
            </table>
            </body></html>
            """, name: "review.html")
        #expect(!result.people.contains { $0.name == "Helen Brook" || $0.name == "May" })
        #expect(!result.people.contains { $0.subject == .victim && $0.age != nil })
    }

    @Test func columnsAreRecognisedByMeaning() {
        let columns = PeopleTableColumns.recognise([
            0: ["pseudonym"], 1: ["relationship", "to", "the", "victim"], 2: ["age", "at", "the", "time"], 3: ["ethnicity", "as", "recorded"],
        ])
        #expect(columns?.name == 0 && columns?.role == 1 && columns?.age == 2 && columns?.ethnicity == 3)
        #expect(columns?.relativeTo == [Vocabulary.hash(Array("victim".utf8))])
        #expect(PeopleTableColumns.recognise([0: ["date"], 1: ["agency"], 2: ["event"]]) == nil)
        // A name column alone (a panel list) is no people table.
        #expect(PeopleTableColumns.recognise([0: ["name"], 1: ["organisation"]]) == nil)
    }

    /// A row whose role cell names only a relation ("Wife of Scott") makes a person the text later
    /// finds to be the perpetrator: the row's age and ethnicity go with her.
    @Test func rowOfPersonLaterFoundToBeThePerpetrator() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review: Scott

            1.1 Scott, who was 38, was stabbed by his wife Jodie at their home in March 2025. Jodie was convicted of his manslaughter.

            | Pseudonym | Relationship | Age | Ethnicity |
            |---|---|---|---|
            | Scott | Deceased | 38 | White British |
            | Jodie | Wife of Scott | 35 | Mixed – White and Black Caribbean |

            2.1 Jodie worked at a nursery. Scott drove a lorry.
            """, name: "review.md")
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "Jodie")
        #expect(perpetrator.age == .years(35))
        #expect(perpetrator.ethnicity == .mixed)
    }

    /// A letter declared for the husband ("referred to as D") and a row named "Daughter" are
    /// two relatives, not a name and its initial: the husband stays the perpetrator.
    @Test func anInitialIsNoAliasOfARelativeOfAnotherKind() throws {
        let result = try Self.tag(
            """
            # Domestic Homicide Review into the death of "Niamh"

            1.1 This review concerns Niamh, a woman of 39 who took her own life at home in 2025. She had been married to her husband, who is referred to throughout this report as D, for twelve years. D controlled her money and checked her phone. D was not charged with any offence.

            | Referred to as | Relationship to Niamh | Age | Ethnicity |
            |---|---|---|---|
            | Niamh | Subject of the review | 39 | White Irish |
            | D | Husband | 42 | White British |
            | Daughter | Daughter of Niamh and D | 10 | Not recorded |

            2.1 D told the GP that Niamh was "fine".
            """, name: "review.md")
        let perpetrator = try #require(result.people.first { $0.subject == .perpetrator })
        #expect(perpetrator.name == "D")
        #expect(perpetrator.age == .years(42))
        #expect(perpetrator.gender == .male)
        #expect(result.has("relationship-type/partner"))
        #expect(!result.has("relationship-type/adult-child"))
        #expect(result.category?.id == "intimate-partner-violence")
    }
}
