import Foundation
import ReviewModel
import TestSupport
import Testing
@testable import Tagging

@Suite struct CodebookTests {
    @Test func shippedCodebookLoads() throws {
        let codebook = try Codebook.loadDefault()
        #expect(!codebook.version.isEmpty)
        #expect(codebook.hash.count == 16)
        let tag = TagID("characteristic/alcohol-misuse")!
        #expect(codebook.label(for: tag) == "Alcohol misuse")
        #expect(codebook.definition(for: tag)?.isEmpty == false)
        #expect(codebook.label(for: TagID("characteristic/no-such-tag")!) == nil)
    }

    @Test func everyTaxonomyIdHasRules() throws {
        let codebook = try Codebook.loadDefault()
        for tag in Taxonomy.allTags where tag.facet != Taxonomy.reviewTypeFacet {
            let entry = codebook.entry(for: tag)
            #expect(entry != nil, "no entry for \(tag)")
            #expect((entry?.ruleCount ?? 0) > 0, "no rules for \(tag)")
        }
    }

    @Test func lintPassesOnTheShippedCodebook() throws {
        let findings = CodebookLint.lint(try Codebook.loadDefault())
        let errors = findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func lintFindsProblems() {
        let entries = [
            Codebook.Entry(tag: TagID("characteristic/alcohol-misuse")!, label: "A", definition: "d", phrases: ["drank heavily", "drank heavily"]),
            Codebook.Entry(tag: TagID("characteristic/substance-misuse")!, label: "S", definition: "d", phrases: ["drank heavily"]),
            Codebook.Entry(tag: TagID("characteristic/made-up")!, label: "M", definition: "d", phrases: ["x"]),
            Codebook.Entry(tag: TagID("weapon/knife")!, label: "K", definition: "d", phrases: ["knife (broken"]),
            Codebook.Entry(tag: TagID("outcome/homicide")!, label: "H", definition: "d", phrases: ["homicide review"], exclude: ["homicide"]),
        ]
        let findings = CodebookLint.lint(Codebook(version: "t", entries: entries))
        func has(_ severity: LintFinding.Severity, _ rule: String, _ text: String) -> Bool {
            findings.contains { $0.severity == severity && $0.rule == rule && $0.message.contains(text) }
        }
        #expect(has(.warning, "alcohol-misuse/2", "shadowed"))
        #expect(has(.error, "substance-misuse/1", "also claimed by alcohol-misuse/1"))
        #expect(has(.warning, "characteristic/made-up", "not a taxonomy id"))
        #expect(has(.error, "knife/1", "unclosed"))
        #expect(has(.error, "homicide/1", "can never match"))
        #expect(has(.error, "characteristic/autism", "no codebook entry"))
    }

    @Test func lintWarnsAboutAWildcardWhoseBareWordNoRuleMatches() {
        let entries = [
            // "nurse*" reaches "nurses" but not "nurse"; "nurse" is a word of this codebook.
            Codebook.Entry(tag: TagID("agency/community-nursing")!, label: "N", definition: "d", phrases: ["district nurse*"]),
            Codebook.Entry(tag: TagID("agency/school")!, label: "S", definition: "d", phrases: ["school nurse", "school nurse*"]),
            // Bare word listed on its own: nothing to say.
            Codebook.Entry(tag: TagID("characteristic/alcohol-misuse")!, label: "A", definition: "d", phrases: ["alcohol", "alcohol*"]),
            // A stem that is no word of the codebook ("belittl") is meant as a stem.
            Codebook.Entry(tag: TagID("relationship/emotional-abuse")!, label: "E", definition: "d", phrases: ["belittl*"]),
            // The written-out alternative form.
            Codebook.Entry(tag: TagID("characteristic/previous-victimisation")!, label: "P", definition: "d", phrases: ["repeat (victim|victim*)", "victim of crime"]),
        ]
        let findings = CodebookLint.lint(Codebook(version: "t", entries: entries)).filter { $0.message.contains("bare word") }
        #expect(findings.map(\.rule) == ["community-nursing/1"])
        #expect(findings.first?.message.contains("'nurse'") == true)
    }

    @Test func shippedWildcardsAlsoMatchTheirBareWords() {
        // Singular and possessive forms ("Alzheimer's" is "alzheimer" + "s") that a bare
        // `word*` would miss.
        let cases: [(String, String)] = [
            ("In 2019 Ann was diagnosed with Alzheimer's disease.", "characteristic/chronic-illness"),
            ("Ann had been told she had Parkinson's disease.", "characteristic/chronic-illness"),
            ("Ann was a repeat victim of burglary on the estate.", "characteristic/previous-victimisation"),
            ("Ann made a suicide attempt in March 2021.", "escalation/self-harm"),
            ("Ann had a diagnosis of Asperger's syndrome.", "characteristic/autism"),
            ("Ann was declared bankrupt in 2020.", "characteristic/financial-difficulties"),
        ]
        for (sentence, tag) in cases {
            let result = sharedTagger.tag(makeDocument(
                "The victim, a woman of 70, is referred to as Ann. The perpetrator is referred to as Mr D.\n\n\(sentence)", reviewType: "dhr"))
            if tag.hasPrefix("characteristic/") {
                #expect(result.subjects(tag) == [.victim], "\(tag) from: \(sentence)")
            } else {
                #expect(result.has(tag), "\(tag) from: \(sentence)")
            }
        }
    }

    @Test func loadErrorsNameTheFile() throws {
        #expect(throws: CodebookError.unreadable(path: "/nonexistent/codebook.yaml")) {
            try Codebook.load(path: "/nonexistent/codebook.yaml")
        }
        let path = try TestPaths.scratchFile("revtag-bad.yaml")
        try "version: 1\ntags: [ {tag: nonsense} ]\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Codebook.load(path: path)
            Issue.record("a tag id without a facet must be rejected")
        } catch {
            #expect("\(error)".contains(path))
            #expect("\(error)".contains("nonsense"))
        }
    }

    @Test func hashIsStableAndChangesWithContent() throws {
        let a = try Codebook.parse(bytes: Array("version: \"1\"\ntags: []\n".utf8), path: nil)
        let b = try Codebook.parse(bytes: Array("version: \"1\"\ntags: []\n".utf8), path: nil)
        let c = try Codebook.parse(bytes: Array("version: \"2\"\ntags: []\n".utf8), path: nil)
        #expect(a.hash == b.hash)
        #expect(a.hash != c.hash)
    }
}
