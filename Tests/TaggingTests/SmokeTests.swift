import Foundation
import ReviewModel
import Testing
@testable import Tagging

@Suite struct SmokeTests {
    @Test func smoke() throws {
        let text = """
        # Domestic Homicide Review into the death of Adult A

        Adult A (the victim) was a 34-year-old White British woman. Her husband, referred to as Mr B, is the perpetrator.

        Mr B had a long history of alcohol misuse and drank heavily. There was no evidence that Adult A misused alcohol. She suffered from depression.

        Mr B stabbed Adult A with a kitchen knife at their home. Police were called on several occasions.

        # Recommendations

        Agencies should ensure that alcohol misuse is assessed.
        """
        let result = sharedTagger.tag(makeDocument(text))
        for s in result.suggestions { print(s.key, s.evidence.map { "\($0.text) [\($0.rule)] \($0.line):\($0.character)" }) }
        for s in result.suppressed { print("SUPPRESSED", s.tag, s.reason, s.trigger, s.evidence.text) }
        print(result.people, result.category as Any, result.reviewType as Any)
        #expect(result.has("characteristic/alcohol-misuse"))
    }
}
