import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Role nouns that describe a person ("treated as a perpetrator", "had been a victim of") and
/// the agent named in an apposition after "stabbed by". Fictional people.
@Suite struct RoleDescriptionTests {
    static func tag(_ body: String) throws -> TaggingResult {
        let text = "# Child Safeguarding Practice Review: Child T\n\n" + body
        return sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: "cspr.md"))
    }

    static func name(_ result: TaggingResult, _ subject: Subject) -> String? {
        result.people.first { $0.subject == subject }?.name
    }

    static let opening = "1.1 Child T was 15 when he was killed in a park. Young Person Y was convicted of his murder."

    @Test("a child treated as a perpetrator stays the review's victim")
    func treatedAsAPerpetrator() throws {
        for sentence in [
            "1.2 Child T was treated as a perpetrator rather than as a child at risk of exploitation when he was arrested.",
            "1.2 Child T was viewed as the perpetrator of the robbery in the shop.",
            "1.2 At the police station Child T was seen as an offender and a known perpetrator of street robberies.",
        ] {
            let result = try Self.tag("\(Self.opening)\n\n\(sentence)\n\n1.3 Child T had been permanently excluded from school.")
            #expect(Self.name(result, .victim) == "Child T", "\(sentence)")
            #expect(Self.name(result, .perpetrator) == "Young Person Y", "\(sentence)")
            #expect(result.subjects("characteristic/school-exclusion") == [.victim], "\(sentence)")
        }
    }

    @Test("the perpetrator who had been a victim of a crime stays the perpetrator")
    func perpetratorWhoHadBeenAVictim() throws {
        let result = try Self.tag(
            "\(Self.opening)\n\n1.2 Young Person Y had himself been a victim of a stabbing a year earlier.\n\n1.3 Child T had been permanently excluded from school.")
        #expect(Self.name(result, .victim) == "Child T")
        #expect(Self.name(result, .perpetrator) == "Young Person Y")
        #expect(result.people.filter { $0.subject == .victim }.count == 1)
    }

    @Test("the review's own role statements still bind")
    func roleStatementsStillBind() throws {
        let result = try Self.tag("1.1 The victim, Child T, was 15. The perpetrator, Young Person Y, was 17.")
        #expect(Self.name(result, .victim) == "Child T")
        #expect(Self.name(result, .perpetrator) == "Young Person Y")
    }

    @Test("an agent named in an apposition after 'stabbed by' is the perpetrator")
    func appositiveAgent() throws {
        let result = try Self.tag("""
            1.1 Child T was a 15-year-old boy who was fatally stabbed by another young person, Young Person Y, aged 17, in a park.

            1.2 Young Person Y was known to police as an associate of a local gang.
            """)
        #expect(Self.name(result, .victim) == "Child T")
        #expect(Self.name(result, .perpetrator) == "Young Person Y")
        #expect(result.subjects("characteristic/gang-involvement") == [.perpetrator])
    }

    @Test("a list after 'stabbed by' names no single agent")
    func listIsNoApposition() throws {
        let result = try Self.tag(
            "1.1 Child T was a 15-year-old boy who was stabbed by a man and his brother, Young Person Y, in a park.")
        #expect(Self.name(result, .perpetrator) != "Young Person Y")
    }

    @Test("'referred to in this review as' declares a name")
    func referredToInThisReview() throws {
        let result = try Self.tag(
            "1.1 Child T, aged 15, died after being stabbed by a 17-year-old, referred to in this review as Young Person Y.")
        #expect(Self.name(result, .victim) == "Child T")
        #expect(Self.name(result, .perpetrator) == "Young Person Y")
    }

    @Test("the perpetrator who was himself the victim of another offence stays the perpetrator")
    func perpetratorWhoWasTheVictimOfAnotherOffence() throws {
        let text = """
            INDEPENDENT INVESTIGATION INTO THE CARE AND TREATMENT OF MR K AND THE DEATH OF MR OWEN PRYCE

            1.1 Mr Owen Pryce was stabbed outside a shop in June 2024. He was 61.

            1.2 The man who killed Mr Pryce is referred to in this report as Mr K. Mr K was convicted of manslaughter.

            5.9 In October 2022 Mr K was himself the victim of a street robbery: he was punched and his phone was taken.

            5.10 Mr K has a diagnosis of paranoid schizophrenia.
            """
        let result = sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: "iir.txt"))
        #expect(Self.name(result, .victim) == "Mr Owen Pryce")
        #expect(Self.name(result, .perpetrator)?.uppercased() == "MR K")
        #expect(result.subjects("characteristic/mental-health") == [.perpetrator])
    }
}
