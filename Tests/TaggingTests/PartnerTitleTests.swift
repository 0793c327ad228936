import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// "Mr N killed his wife ... Mrs N was 44": the couple named by their shared surname, the victim
/// declared only as the perpetrator's partner. Fictional people.
@Suite struct PartnerTitleTests {
    static func tag(_ body: String) throws -> TaggingResult {
        let text = "# Independent Investigation into the Care and Treatment of a Patient\n\n" + body
        return sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: "iir.md"))
    }

    static func person(_ result: TaggingResult, _ subject: Subject) -> Person? {
        result.people.first { $0.subject == subject }
    }

    @Test func wifeIsTheTitledWomanWithTheSameSurname() throws {
        let result = try Self.tag("""
            1.1 In May 2022 Mr T, then aged 51, killed his wife at their flat in Carnby. Mrs T was 44.

            1.2 Mrs T was born in Portugal and came to England in 2009. Mrs T's role as his carer was never recognised by the community team.

            1.3 Mr T was convicted of manslaughter.
            """)
        let victim = try #require(Self.person(result, .victim))
        #expect(victim.name == "Mrs T")
        #expect(victim.gender == .female)
        #expect(victim.age == .years(44))
        #expect(Self.person(result, .perpetrator)?.name == "Mr T")
        #expect(result.subjects("characteristic/born-outside-uk").contains(.victim))
        #expect(result.subjects("characteristic/caring-responsibilities").contains(.victim))
    }

    @Test func husbandIsTheTitledManWithTheSameSurname() throws {
        let result = try Self.tag("""
            1.1 In March 2021 Mrs K, then aged 39, killed her husband at their home in Ellerby. Mr K was 47.

            1.2 Mr K was born in Ghana and came to the United Kingdom in 2001.

            1.3 Mrs K was found not guilty of murder by reason of insanity.
            """)
        let victim = try #require(Self.person(result, .victim))
        #expect(victim.name == "Mr K")
        #expect(victim.gender == .male)
        #expect(victim.age == .years(47))
        #expect(Self.person(result, .perpetrator)?.name == "Mrs K")
        #expect(result.subjects("characteristic/born-outside-uk").contains(.victim))
    }

    @Test func theMotherWithTheSameSurnameStaysAThirdParty() throws {
        let result = try Self.tag("""
            1.1 In May 2022 Mr T, then aged 51, killed his wife at their flat in Carnby.

            1.2 Mr T often stayed with his mother, Mrs T, who was 78. Mrs T was born in Portugal.

            1.3 Mr T was convicted of manslaughter.
            """)
        let victim = Self.person(result, .victim)
        #expect(victim?.name == nil)
        #expect(victim?.age == nil)
        #expect(!result.subjects("characteristic/born-outside-uk").contains(.victim))
    }

    @Test func twoTitledCandidatesGiveNoLink() throws {
        let result = try Self.tag("""
            1.1 In May 2022 Mr T, then aged 51, killed his wife at their flat in Carnby. Mrs T was 44.

            1.2 Ms T was 30 and was born in Portugal.

            1.3 Mr T was convicted of manslaughter.
            """)
        let victim = Self.person(result, .victim)
        #expect(victim?.name == nil)
        #expect(victim?.age == nil)
        #expect(!result.subjects("characteristic/born-outside-uk").contains(.victim))
    }
}
