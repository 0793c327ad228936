import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Who a sentence is about when reviews name people indirectly: bracketed aliases, "he" or
/// "she" before a conviction, the couple, the agent of a passive, bullets under a lead-in,
/// possessive kin nouns. Fictional people.
@Suite struct PeopleInContextTests {
    static func tag(_ text: String, name: String = "review.md") throws -> TaggingResult {
        sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: name))
    }

    static func person(_ result: TaggingResult, _ subject: Subject) -> Person? {
        result.people.first { $0.subject == subject }
    }

    /// A short DHR opening with `opening`, then two paragraphs that put "Rita" and "Marek" where
    /// people do things (so that both are proper names without a title or declaration).
    static func ritaAndMarek(_ opening: String) throws -> TaggingResult {
        try tag("""
            # Domestic Homicide Review

            1.1 \(opening)

            1.2 Rita worked at a bakery. Rita told a friend that Marek read her messages.

            1.3 Marek was often away. Marek said that he worked nights.
            """)
    }

    /// Expects Rita, 44, as the victim and Marek as the perpetrator, of `perpetratorAge` when given.
    static func expectRitaAndMarek(_ result: TaggingResult, perpetratorAge: Int?) throws {
        let victim = try #require(person(result, .victim))
        #expect(victim.name == "Rita")
        #expect(victim.age == .years(44))
        let perpetrator = try #require(person(result, .perpetrator))
        #expect(perpetrator.name == "Marek")
        if let perpetratorAge { #expect(perpetrator.age == .years(perpetratorAge)) }
    }

    @Test("a bracketed alias names the person before it")
    func bracketedAlias() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Child M

            1.1 Child M, a 16-year-old boy, was stabbed in a car park. A 17-year-old boy, referred to here as Young Person D (YP-D), was convicted of his murder.

            1.2 YP-D had been permanently excluded from school in 2021. YP-D was known to police as a member of a street gang.
            """)
        #expect(Self.person(result, .perpetrator)?.name == "Young Person D")
        #expect(result.subjects("characteristic/gang-involvement") == [.perpetrator])
        #expect(result.subjects("characteristic/school-exclusion") == [.perpetrator])
        #expect(result.people.filter { $0.subject == .perpetrator }.count == 1)
    }

    @Test("a title code and its bracketed name are one victim")
    func titleCodeAndName() throws {
        let result = try Self.tag("""
            # Safeguarding Adults Review: Adult W ("Winifred")

            1.1 This review concerns the death of a woman aged 79, called Winifred in this report. Winifred was killed by her lodger, referred to as Mr V, in 2024.

            1.2 Mr V pleaded guilty to manslaughter.
            """)
        #expect(result.people.filter { $0.subject == .victim }.count == 1)
        #expect(["Adult W", "Winifred"].contains(Self.person(result, .victim)?.name ?? ""))
    }

    @Test("'he' before a conviction is the subject of the sentence before")
    func pronounBeforeConviction() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Ruby

            1.1 Ruby was ten weeks old when she died in hospital from head injuries.

            1.2 Ruby's mother's partner, referred to in this review as Mr G, was 23. In May 2024 he was convicted of Ruby's manslaughter. Ruby's mother, Ms F, was arrested and interviewed but was not charged.

            1.3 Mr G had a conviction for assault occasioning actual bodily harm.
            """)
        #expect(Self.person(result, .perpetrator)?.name == "Mr G")
        #expect(result.subjects("characteristic/history-of-violence") == [.perpetrator])
    }

    @Test("'she should kill herself' says nothing of who killed")
    func reflexiveIsNoCue() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Poppy

            1.1 Poppy was 15 when she died by suicide in 2023. For months she had received messages from other pupils.

            1.2 The messages told her that she should kill herself. She was frightened.
            """)
        #expect(Self.person(result, .perpetrator)?.name != "Poppy")
    }

    @Test("the couple's rent arrears are both principals'")
    func couple() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Naomi

            1.1 Naomi, aged 38, was killed by her husband, referred to as Mr J, at their home in 2023. Mr J was convicted of her murder.

            1.2 The couple had significant rent arrears in the year before her death.
            """)
        #expect(result.subjects("characteristic/financial-difficulties") == [.victim, .perpetrator])
    }

    @Test("the agent of a passive is not the subject of the next clause")
    func agentOfPassive() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Leah

            1.1 Leah, aged 29, was killed by her partner, referred to as Mr S, in 2022. Mr S was convicted of her murder.

            1.2 Mr S was himself subjected to physical abuse by his stepfather as a child and spent several years in local authority care.
            """)
        #expect(result.subjects("characteristic/care-experienced") == [.perpetrator])
    }

    @Test("bullets under a lead-in paragraph are about its person")
    func bulletsUnderLeadIn() throws {
        let result = try Self.tag("""
            <html><body><h1>Safeguarding Adults Review: Colin</h1>
            <h2>The people who harmed Colin</h2>
            <p>Colin, 44, was killed in his flat in 2024. Mr Q, 31, was convicted of his murder.</p>
            <p>4.1 Mr Q, 31, White British.</p>
            <ul><li>Long offending history: theft and burglary.</li><li>Used crack cocaine daily.</li></ul>
            </body></html>
            """, name: "sar.html")
        #expect(result.subjects("characteristic/substance-misuse") == [.perpetrator])
        #expect(result.subjects("characteristic/history-of-offending") == [.perpetrator])
    }

    @Test("'at his mother's request, by his first name' gives the name no kinship or gender")
    func possessiveKinBeforeDeclaredName() throws {
        let result = try Self.tag("""
            # Offensive Weapons Homicide Review: Jamal

            1.1 This review concerns the death of a young man who is referred to here, at his mother's request, by his first name, Jamal. Jamal was 20 years old. He died after being stabbed in a park.

            1.2 Jamal's mother, referred to as Ms A, met the reviewer. She said that he had wanted to be an electrician.
            """)
        #expect(Self.person(result, .victim)?.name == "Jamal")
        #expect(Self.person(result, .victim)?.gender == .male)
        #expect(result.reviewType?.id == "other")
    }

    @Test("'his father left when he was eleven' is the son's absent parent")
    func absentParentOfTheSon() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Tanya

            1.1 Tanya, aged 33, was killed by her former partner, referred to as Mr W, in 2023. Mr W was convicted of her murder.

            1.2 Mr W told the chair that as a boy he had watched his father beat his mother, and that his father left when he was eleven.
            """)
        #expect(result.subjects("characteristic/absent-parent") == [.perpetrator])
        #expect(result.suggestions.contains { $0.tag.description == "relationship-type/ex-partner" })
    }

    @Test("'she' after an opening phrase passes on to the sentence before; the death of a name's relative is not that name's")
    func pronounAfterOpeningPhrase() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Edwin

            1.1 This review examines the contact agencies had with Edwin and his wife Maud before Edwin's death at their home in 2024. Edwin, who was 84, was found by paramedics with head injuries and died the same day.

            1.2 Maud was arrested at the scene. In interview, with a solicitor present, she gave confused accounts. She was charged with murder in June 2024. Maud died in hospital in December 2024, before any trial.

            1.3 In February 2024 came the death of Maud's sister, her only confidante. Maud had been treated for depression since 2022.
            """)
        #expect(Self.person(result, .perpetrator)?.name == "Maud")
        #expect(Self.person(result, .victim)?.name == "Edwin")
        #expect(result.subjects("characteristic/mental-health") == [.perpetrator])
    }

    @Test("a name declared in apposition ('known to everyone as') is the same person")
    func appositiveDeclaration() throws {
        let result = try Self.tag("""
            # Safeguarding Adults Review: Mrs Agatha Brennan

            1.1 Mrs Agatha Brennan, known to her neighbours and friends as Aggie, was found dead at her home in January 2024. She was 81.

            1.2 Aggie had lived alone since her husband died. Aggie had been diagnosed with chronic obstructive pulmonary disease in 2015 and was increasingly housebound and cut off from friends.
            """)
        #expect(result.people.filter { $0.subject == .victim }.count == 1)
        #expect(result.subjects("characteristic/chronic-illness") == [.victim])
    }

    @Test("'when she was 14 years old' in the review's opening is the child's age, before an age at an earlier event")
    func ageAtTheEvents() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Lacey

            1.1 This review concerns a girl, known in this report as Lacey, who was sexually exploited by adult men during 2024, when she was 14 years old and living in a children's home.

            1.2 Lacey became looked after at the age of 10, after concerns about neglect. Lacey had been seen by CAMHS since 2022 for low mood.
            """)
        #expect(Self.person(result, .victim)?.age == .years(14))
        #expect(result.subjects("characteristic/mental-health") == [.victim])
    }

    @Test("every agent of a list after 'by' is a perpetrator; an age in apposition is the named person's; no victim cue across a comma")
    func coordinatedAgents() throws {
        let result = try Self.tag("""
            # Safeguarding Adults Review: Dennis

            1.1 This review concerns Dennis, 44, White British, who died in hospital in March 2025 from head injuries. He had been assaulted by Mr P and Mr Q in his flat. Dennis had lived alone in the flat since 2019. Dennis was well known to the local pharmacy.

            1.2 Two men were convicted in 2025: Mr P of murder, Mr Q of manslaughter.

            1.3 Mr P, 31, had a long history of violence. Mr Q, 24, had convictions for robbery.
            """)
        let perpetrators = result.people.filter { $0.subject == .perpetrator }
        #expect(Set(perpetrators.compactMap(\.name)) == ["Mr P", "Mr Q"])
        #expect(perpetrators.first { $0.name == "Mr Q" }?.age == .years(24))
        #expect(perpetrators.first { $0.name == "Mr P" }?.age == .years(31))
        #expect(Self.person(result, .victim)?.name == "Dennis")
        #expect(Self.person(result, .victim)?.age == .years(44))
    }

    @Test("a name declared for 'her' is the kin noun of the sentences before ('his girlfriend')")
    func declaredForPronoun() throws {
        let result = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Mr K

            1.1 On 3 March 2024 Mr K, then aged 41, stabbed his girlfriend at the flat they shared. She died at the scene. At her family's request we refer to her by her first name, Nadia. She was 36.

            1.2 Nadia had been treated for anxiety by her GP since 2021. Mr K pleaded guilty to manslaughter.
            """)
        #expect(Self.person(result, .victim)?.name == "Nadia")
        #expect(Self.person(result, .victim)?.age == .years(36))
        #expect(Self.person(result, .perpetrator)?.name == "Mr K")
        #expect(result.subjects("characteristic/mental-health").contains(.victim))
    }

    @Test("'Ms P and Mrs P are Black British': each principal named before 'are' has the group")
    func coordinatedEthnicity() throws {
        let result = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Ms P

            1.1 In May 2024 Ms P, 44, killed her mother, Mrs P, 71, at the flat they shared. Ms P was convicted of manslaughter.

            1.2 Ms P and Mrs P are Black British of Caribbean heritage. Ms P had been treated for schizophrenia since 2003.
            """)
        #expect(Self.person(result, .victim)?.ethnicity == .black)
        #expect(Self.person(result, .perpetrator)?.ethnicity == .black)
    }

    @Test("an age after a past event ('came to England aged eighteen') yields to the age at the death")
    func ageAtAPastEvent() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Walter

            1.1 This review examines the death of Walter, 83, at the home he shared with his wife, Nora, in 2024. Nora was charged with his murder.

            1.2 Nora was born in Cork and came to England aged nineteen to work in a hospital. She was 79 when Walter died. Nora was convicted of manslaughter in 2025.
            """)
        #expect(Self.person(result, .perpetrator)?.name == "Nora")
        #expect(Self.person(result, .perpetrator)?.age == .years(79))
    }

    @Test("'he is called Rebin' names the kin noun before; 'her father, called Aziz here' is a declaration; two explicit ages keep the later")
    func declaredForSubjectPronounAndCalledHere() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Leyla

            1.1 This review concerns the death of Leyla, who was killed at her family's flat in March 2024. Leyla was 26. She had lived in the town since she was a child.

            1.2 Her brother killed her. In this report he is called Daron. He was 33.

            1.3 Their father, called Serhat here, was in the flat. He did not call for help.

            2.1 Leyla came to England in 2007, with her mother, aged nine. In 2014 the school nurse saw a 16-year-old girl who said she was frightened at home.

            2.2 By 2023 her leave to remain had lapsed, and she believed, because Serhat told her so, that she would be sent away if she left. Daron was convicted of her murder.
            """)
        #expect(Self.person(result, .victim)?.name == "Leyla")
        #expect(Self.person(result, .victim)?.age == .years(26))
        #expect(Self.person(result, .perpetrator)?.name == "Daron")
        #expect(Self.person(result, .perpetrator)?.age == .years(33))
        #expect(result.subjects("characteristic/insecure-immigration") == [.victim])
    }

    @Test("a sentence's first 'he' continues the previous sentence's opening 'he', not the relative named later in it")
    func subjectContinuesAcrossSentences() throws {
        let result = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Mr J

            1.1 In June 2023 Mr J, 27, killed his father, Mr J senior, 64, at their home. Mr J was convicted of manslaughter.

            2.1 He was referred to the early intervention team in 2019 after his father reported that he was hearing voices. He was diagnosed with paranoid schizophrenia and started on depot medication.
            """)
        #expect(result.subjects("characteristic/mental-health") == [.perpetrator])
    }

    @Test("an investigation's title names the subject and, after 'the death of', the victim; 'Mr Declan F' is one person")
    func victimNamedInAnInvestigationTitle() throws {
        let result = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Mr K and the Death of Mr Declan F

            1.1 Mr K, a White British man, was 29 years old at the time. Mr F was 52.

            1.2 Mr F was found in his room at the hostel. Mr F is assaulted in his room by Mr K.

            4.7 Declan was born in Ireland. He had been unable to work since 2022 because of chronic obstructive pulmonary disease.
            """)
        #expect(Self.person(result, .victim)?.name == "Mr Declan F")
        #expect(Self.person(result, .victim)?.age == .years(52))
        #expect(Self.person(result, .perpetrator)?.name == "Mr K")
        #expect(result.subjects("characteristic/chronic-illness") == [.victim])
    }

    @Test("'she' after a possessor's relative ('Isla's mother, Leah, was 19. She ...') is the relative; 'her' after 'she' is hers")
    func subjectAfterAPossessedRelative() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Baby Isla

            1.1 Isla died in March 2024, aged seven weeks. She was found unresponsive on a sofa beside her father, Ryan, who was arrested and later charged with her manslaughter.

            3.2 Isla's mother, Leah, was 19. She had been prescribed antidepressants by her GP for depression since the age of 17, and she stopped taking them when she found out she was pregnant.
            """)
        #expect(result.subjects("characteristic/mental-health").isEmpty)
        #expect(result.subjects("characteristic/medication-non-compliance").isEmpty)
        #expect(result.subjects("characteristic/parental-mental-health") == [.victim])
    }

    @Test("an age 'then' in apposition and a second age 'at the time' are ages at the events")
    func agesAtTheTime() throws {
        let investigation = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Mr T

            1.1 On the evening of 3 May 2024 Mr T, then 34, attacked his mother, Hazel, in the garden of the house they shared. Hazel died of her injuries.

            1.2 Mr T was convicted of manslaughter on the grounds of diminished responsibility.
            """)
        #expect(Self.person(investigation, .perpetrator)?.age == .years(34))
        let review = try Self.tag("""
            # Safeguarding Adults Review: Walter

            1.1 Walter was 86 when he died in hospital. His grandson, referred to here as Kyle, had lived with him and was his informal carer.

            1.2 Kyle was 24 when he moved in with his grandfather and 25 at the time of Walter's death. Kyle pleaded guilty to wilful neglect.
            """)
        #expect(Self.person(review, .perpetrator)?.age == .years(25))
        #expect(Self.person(review, .victim)?.age == .years(86))
    }

    /// A declared name may come after a long relative clause of the role it names.
    @Test("'The victim, whose family asked that he be referred to by his first name, Patrick,' names the victim")
    func declaredNameAfterALongClause() throws {
        let result = try Self.tag("""
            # Independent Investigation into the Care and Treatment of Mr T

            1.1 On 3 March 2024 Mr T attacked the man who lived in the flat above his own. The victim, whose family have asked that he be referred to by his first name, Patrick, was aged sixty-three. He died at the scene.

            1.2 Mr T had a diagnosis of paranoid schizophrenia.
            """)
        let victim = try #require(Self.person(result, .victim))
        #expect(victim.name == "Patrick")
        #expect(victim.age == .years(63))
    }

    /// An age in months is its whole years; a gender noun before a declaration ("a little boy who
    /// is called Alfie") is the named person's; a sentence whose subject is another person's
    /// pronoun ("She ... did not take Alfie to nursery, and told her mother that she ...") gives
    /// the named child no gender.
    @Test("'a little boy who is called Alfie ... at the age of 22 months': male, 1")
    func childDeclaredWithGenderAndAgeInMonths() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Alfie

            1.1 This review concerns a little boy who is called Alfie in this report. Alfie died in hospital in March 2025, at the age of 22 months, from abdominal injuries.

            1.2 Alfie's mother's partner, referred to here as Jordan, was convicted of his manslaughter.

            1.3 Chloe's mood was low that winter. She cancelled the health visitor's visit, did not take Alfie to nursery, and told her mother that she wanted to be left alone. She said that she was tired.
            """)
        let victim = try #require(Self.person(result, .victim))
        #expect(victim.gender == .male)
        #expect(victim.age == .years(1))
    }

    /// Of several people convicted, the one convicted of the killing is the perpetrator the
    /// review is about, however many other convictions the others have.
    @Test("'Male 1 ... was convicted of Denise's murder'; Male 2 of drug supply and of assisting an offender")
    func theKillerLeadsSeveralConvicted() throws {
        let result = try Self.tag("""
            # Safeguarding Adults Review: Denise

            1.1 Denise was 47 when she died in her flat in October 2024. Three members of the group are referred to in this report as Male 1, Male 2 and Female 1.

            1.2 Male 1, a man in his early twenties, was convicted of Denise's murder in July 2025. Male 2 and Female 1 were convicted of being concerned in the supply of class A drugs; Male 2 was also convicted of assisting an offender.

            1.3 In July 2024 Male 2 was arrested at the flat and released. Male 2 threatened a neighbour in the lift.

            1.4 Male 1 was aged 23 at the time of Denise's death. Male 2 was then 19.
            """)
        let perpetrator = try #require(Self.person(result, .perpetrator))
        #expect(perpetrator.name == "Male 1")
        #expect(perpetrator.age == .years(23))
    }

    /// A name no title or declaration introduced takes its role from the review's role noun in
    /// apposition ("The victim, Rita, ...", "Marek, the perpetrator, ...").
    @Test("'The victim, Rita, was 44. Marek, the perpetrator, was 47.' names both")
    func roleNounsInAppositionToPlainNames() throws {
        try Self.expectRitaAndMarek(Self.ritaAndMarek("The victim, Rita, was 44. Marek, the perpetrator, was 47."), perpetratorAge: 47)
    }

    /// A "she" that opens a time clause after a name stands for that name ("Rita was 44 when she
    /// was killed"); the passive "was killed" is no perpetrator's verb of hers.
    @Test("'Rita was 44 when she was killed by her husband, Marek' makes Rita the victim")
    func pronounOfATimeClauseIsTheSubjects() throws {
        try Self.expectRitaAndMarek(Self.ritaAndMarek("Rita was 44 when she was killed by her husband, Marek, at their home in March 2024."), perpetratorAge: nil)
    }

    /// A name declared after "killed by her husband" is the agent's, never the victim's (the
    /// fallback for "This review concerns a baby girl, referred to here as Rosie" does not apply
    /// after "by").
    @Test("'Simone was killed by her husband, referred to as Neil' names the perpetrator")
    func declaredNameAfterAnAgentIsThePerpetrators() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Simone

            1.1 Simone was killed by her husband, referred to as Neil, in March 2024.

            1.2 Simone had worked as a nurse.
            """)
        #expect(Self.person(result, .victim)?.name == "Simone")
        #expect(Self.person(result, .perpetrator)?.name == "Neil")
    }

    /// "Rita was a 44-year-old mother of two who was killed": the relative clause of the name's
    /// predicate noun makes the name the victim; "mother of two" is no age. "Marek (47)": an age in
    /// brackets after a name.
    @Test("'Rita was a 44-year-old mother of two who was killed by her husband Marek (47)'")
    func predicateNounClauseAndBracketedAge() throws {
        try Self.expectRitaAndMarek(Self.ritaAndMarek("Rita was a 44-year-old mother of two who was killed by her husband Marek (47) in March 2024."), perpetratorAge: 47)
    }

    /// A review that names two boys "Kai" and "Tyler" and then writes its chronology with the
    /// initials ("K is arrested and later given a referral order"): K is Kai, the victim.
    @Test("other-ypv-37: the initial K stands for Kai")
    func initialsStandForTheirNames() throws {
        let path = try #require(corpusPaths(extensions: ["txt"]).first { $0.hasSuffix("/other-ypv-37.txt") })
        let document = try DocumentReader().read(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: "other-ypv-37.txt")
        let result = sharedTagger.tag(document)
        let offending = result.suggestions.filter { $0.tag.description == "characteristic/history-of-offending" && $0.subject == .victim }
        #expect(offending.contains { suggestion in suggestion.evidence.contains { $0.text == "given a referral order" } })
    }

    /// A possessive inside the phrase names whose characteristic it is ("could not cope with
    /// Rita's drinking", "worried about his drinking"), except for harm suffered at someone's
    /// hands, where the possessive is who did the harm ("on the receiving end of his violence").
    @Test("'could not cope with Rita's drinking' is Rita's; 'the receiving end of his violence' is still hers")
    func possessiveInsideThePhrase() throws {
        let hers = try Self.ritaAndMarek("Rita, 44, was killed by her husband Marek. Marek could not cope with Rita's drinking.")
        #expect(hers.subjects("characteristic/alcohol-misuse") == [.victim])
        let his = try Self.ritaAndMarek("Rita, a 44-year-old woman, was killed by her husband Marek. Rita was worried about his drinking.")
        #expect(his.subjects("characteristic/alcohol-misuse") == [.perpetrator])
        let harm = try Self.ritaAndMarek("Rita, 44, was killed by her husband Marek. Rita was on the receiving end of his violence.")
        #expect(harm.subjects("characteristic/experiencing-domestic-abuse") == [.victim])
    }

    /// After a comma the word that follows an age is no unit of it: "who was 35, in the five
    /// years" states an age ("was 35 in" alone may not: "was 3 in 10").
    @Test("'his wife, Rita, who was 44, in the five years before' states her age")
    func ageBeforeCommaAndPreposition() throws {
        try Self.expectRitaAndMarek(
            Self.ritaAndMarek("Rita was killed by her husband Marek. This review examines the involvement of agencies with Marek and with his wife, Rita, who was 44, in the five years before her death."),
            perpetratorAge: nil)
    }

    /// "The man who attacked Mr Pryce is referred to as Mr D. He was 27 years old.": the person
    /// named in the relative clause on the opening noun is not the subject the next "he" continues.
    @Test("'The man who attacked Mr Pryce is referred to as Mr D. He was 27' is Mr D's age")
    func pronounAfterOpeningRelativeClause() throws {
        let result = try Self.tag("""
            # Independent investigation into the care of Mr D

            1.1 Mr Graham Pryce was attacked in a park in October 2024 and died of his injuries. He was 61.

            1.2 The man who attacked Mr Pryce is referred to in this report as Mr D. He was 27 years old. Mr D was arrested nearby.

            2.1 Mr D grew up in Leeds. Mr D was diagnosed with schizophrenia in 2018.
            """)
        #expect(Self.person(result, .victim)?.age == .years(61))
        #expect(Self.person(result, .perpetrator)?.age == .years(27))
    }

    /// The method of harm is the first one the review names (its opening describes the incident),
    /// not the one it names most often (knives in the history of a man who used a hammer).
    @Test("a hammer in the opening outweighs two knives in the history")
    func firstNamedMethod() throws {
        let result = try Self.tag("""
            # Independent investigation into the care of Mr D

            1.1 Mr Graham Pryce was attacked in a park in October 2024. He was struck on the head with a hammer and died of his injuries.

            1.2 The man who attacked Mr Pryce is referred to in this report as Mr D.

            4.1 Staff found that Mr D kept a knife in his room. His mother said he had once threatened her with a knife.
            """)
        #expect(result.has("weapon/blunt-object"))
        #expect(!result.has("weapon/knife"))
    }

    /// "the Children Act 1989" names a law, not the review's children: a woman named next to it
    /// is not the victim of a review that names its baby victim nowhere.
    @Test("'a personal adviser under the Children Act 1989' makes nobody a child victim")
    func childrenActIsNoChild() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review

            ## 1. Introduction

            1.1 This review concerns a baby boy who died of head injuries in February 2025. He was nine months old. His mother's partner was convicted of his murder.

            ## 2. The law

            2.1 Ms M had a personal adviser under the Children Act 1989. Ms M was 19. The adviser told Ms M about the Children Act duties of the council.
            """)
        #expect(!result.people.contains { $0.subject == .victim && $0.name == "Ms M" })
    }

    /// "Child M and her younger brother became looked after because of neglect": the victim joined
    /// by "and" to her relative shares what the sentence says of both.
    @Test("'Child M and her younger brother became looked after because of neglect' is Child M's")
    func principalJoinedToRelative() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Child M

            ## 1. Introduction

            1.1 This review concerns Child M, a girl of 14 who was groomed online and sexually exploited by a man of 31, referred to here as Mr T. Mr T was convicted of sexual offences against Child M in 2025.

            ## 2. Background

            2.1 Child M and her younger brother became looked after in 2016 because of neglect. Child M lived with foster carers from 2019.
            """)
        #expect(result.subjects("characteristic/childhood-abuse-neglect") == [.victim])
    }

    /// "Marek (47 at the time of the offence)": a bracket that opens on an age "at the time".
    @Test("'killed by her husband Tomasz (47 at the time of the offence)' states his age")
    func bracketedAgeAtTheTime() throws {
        let result = try Self.tag("""
            # Domestic Homicide Review: Rita

            1.1 Rita, aged 44, was killed by her husband Tomasz (47 at the time of the offence) at their home in March 2024. Tomasz was convicted of her murder and Tomasz is serving a life sentence.

            2.1 Rita grew up in Leeds. Rita and Tomasz married in 2018. Tomasz was a builder.
            """)
        let perpetrator = try #require(Self.person(result, .perpetrator))
        #expect(perpetrator.name == "Tomasz")
        #expect(perpetrator.age == .years(47))
    }

    /// "Into the deaths of Margaret and Gordon Hartley": a homicide-suicide's title names the
    /// perpetrator with the victim, so the title makes nobody the victim whom the text calls the
    /// killer ("She was killed by Gordon"). And in "Gordon, ... who had been her sole carer" the
    /// possessive is the one cared for: the caring is Gordon's.
    @Test("dhr-ipv-44: Gordon, named in the title 'the deaths of', is the perpetrator and the carer")
    func deathsTitleNamesThePerpetrator() throws {
        let path = try #require(corpusPaths(extensions: ["xml"]).first { $0.hasSuffix("/dhr-ipv-44.xml") })
        let document = try DocumentReader().read(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: "dhr-ipv-44.xml")
        let result = sharedTagger.tag(document)
        #expect(Self.person(result, .victim)?.name == "Margaret")
        #expect(Self.person(result, .perpetrator)?.name?.hasPrefix("Gordon") == true)
        #expect(result.subjects("characteristic/caring-responsibilities").contains(.perpetrator))
    }

    /// "Man A said that Skye had told him she was 18": a claimed age is no age (the later of two
    /// stated ages would otherwise win).
    @Test("'Skye had told him she was 18' does not state Skye's age")
    func claimedAgeIsNoAge() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: Skye

            1.1 Skye was 14 when she was sexually exploited by Man A, who was 27.

            1.2 Man A said that Skye had told him she was 18.
            """)
        #expect(Self.person(result, .victim)?.age == .years(14))
    }

    /// A pseudonym that is also an English word ("Frank", "Rose", "Mark") stays a name when the
    /// text spells it in lower case only now and then ("a frank discussion").
    @Test("'Frank' is a name although the review once has 'a frank discussion'")
    func nameAlsoSpeltInLowerCase() throws {
        let result = try Self.tag("""
            # Safeguarding Adult Review: "Frank"

            1.1 This review concerns Frank, a widower of 84. Frank had vascular dementia. Frank was cared for at home by his son.

            1.2 Frank said that he was lonely. Frank told the district nurse that he was tired. Frank was admitted to hospital, where he died.

            1.3 The reviewer had a frank discussion with the family.
            """)
        #expect(Self.person(result, .victim)?.name == "Frank")
    }

    /// "a baby girl whom her father has asked us to call Sam": the father chose the name, so
    /// Sam is no relative of the father's gender; the noun before "whom" gives hers, however
    /// many sentences name only Sam beside a practitioner's "she".
    @Test func theRelativeWhoChoseTheNameIsNotTheNamedChild() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: "Sam"

            1.1 This review is about a baby girl whom her father has asked us to call Sam. Sam was seven weeks old when she died.

            1.2 The midwife visited Sam at home; she noted nothing of concern. The health visitor saw Sam in January; she weighed Sam.

            1.3 Dean, who is not Sam's father, was convicted of Sam's manslaughter.
            """)
        let victim = try #require(Self.person(result, .victim))
        #expect(victim.name == "Sam")
        #expect(victim.gender == .female)
        let boy = try Self.tag("""
            # Child Safeguarding Practice Review: "Teddy"

            1.1 This review is about a baby boy whom his mother has asked us to call Teddy. Teddy was seven weeks old when he died.

            1.2 The midwife visited Teddy at home; she noted nothing of concern. The health visitor saw Teddy in January; she weighed Teddy. The GP saw Teddy in February; she examined Teddy's ear.

            1.3 Dean, who is not Teddy's father, was convicted of Teddy's manslaughter.
            """)
        #expect(Self.person(boy, .victim)?.gender == .male)
    }

    /// "Dean, who is not Sam's father, was 23": the age of the name whose relative clause the
    /// comma closes, not of the father the clause names.
    @Test func anAgeAfterARelativeClauseIsTheNamedPersons() throws {
        let result = try Self.tag("""
            # Child Safeguarding Practice Review: "Sam"

            1.1 This review is about a baby girl called Sam. Sam was seven weeks old when she died.

            1.2 Sam's mother, referred to here as Shannon, was 19 at the time. Dean, who is not Sam's father, was 23.

            1.3 Dean was convicted of Sam's manslaughter.
            """)
        #expect(Self.person(result, .perpetrator)?.name == "Dean")
        #expect(Self.person(result, .perpetrator)?.age == .years(23))
    }
}
