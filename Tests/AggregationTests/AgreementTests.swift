import Foundation
import ReviewModel
import Testing
@testable import Aggregation

@Suite("Agreement statistics against published worked examples")
struct AgreementTests {
    /// Wikipedia, "Cohen's kappa", section "Simple example": 50 proposals, both yes 20,
    /// A yes/B no 5, A no/B yes 10, both no 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
    @Test func cohensKappaWikipediaExample() throws {
        let table = Agreement.Table(both: 20, firstOnly: 5, secondOnly: 10, neither: 15)
        #expect(try #require(Agreement.percentAgreement(table)) == 0.7)
        #expect(abs(try #require(Agreement.cohensKappa(table)) - 0.4) < 1e-12)
    }

    /// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. University of
    /// Pennsylvania, Annenberg School for Communication, section C: four observers, twelve
    /// units, nominal values 1-5 with missing data -> alpha = 0.743.
    @Test func krippendorffAlphaNominalExample() throws {
        let a: [Int?] = [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil]
        let b: [Int?] = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3]
        let c: [Int?] = [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil]
        let d: [Int?] = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil]
        let units = (0..<12).map { [a[$0], b[$0], c[$0], d[$0]] }
        let alpha = try #require(Agreement.krippendorffAlphaNominal(units))
        #expect(abs(alpha - 0.743) < 0.0005)
    }

    /// Krippendorff (2011), section A: two observers, binary data, ten units ->
    /// alpha = 0.095 (n = 20, o_01 = o_10 = 4, n_0 = 14, n_1 = 6: 1 - 19 * 8 / 168).
    @Test func krippendorffAlphaBinaryTwoObservers() throws {
        let first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        let second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        let alpha = try #require(Agreement.krippendorffAlphaNominal(zip(first, second).map { [$0, $1] as [Int?] }))
        #expect(abs(alpha - 0.095) < 0.0005)
    }

    @Test func undefinedStatisticsAreNil() {
        #expect(Agreement.cohensKappa(Agreement.Table(neither: 10)) == nil)
        #expect(Agreement.percentAgreement(Agreement.Table()) == nil)
        #expect(Agreement.krippendorffAlphaNominal([[1, 1], [1, 1]] as [[Int?]]) == nil)
    }

    static let alcohol = TagKey(tag: TagID("characteristic/alcohol-misuse")!, subject: .perpetrator)
    static let knife = TagKey(tag: TagID("weapon/knife")!, subject: nil)
    static let police = TagKey(tag: TagID("agency/police")!, subject: nil)

    /// Four shared documents, one coded by a only (left out). Alcohol: a = {1,2}, b = {1} ->
    /// table both 1, a only 1, neither 2: p_o = 0.75, p_e = 0.5*0.25 + 0.5*0.75 = 0.5, kappa = 0.5.
    /// Knife: both {3}: p_o = 1, kappa = 1. Police used only in the unshared document: not a unit.
    @Test func reportOverSharedDocuments() throws {
        let codings: [String: [String: Set<TagKey>]] = [
            "a": ["d1": [Self.alcohol], "d2": [Self.alcohol], "d3": [Self.knife], "d4": [], "d5": [Self.police]],
            "b": ["d1": [Self.alcohol], "d2": [], "d3": [Self.knife], "d4": []],
        ]
        let report = Agreement.report(codings: codings)
        #expect(report.documents == 4)
        #expect(report.coders == ["a", "b"])
        #expect(report.perTag.map(\.tag) == [Self.alcohol.tag, Self.knife.tag])
        #expect(report.perTag[0].percentAgreement == 0.75)
        #expect(abs(try #require(report.perTag[0].kappa) - 0.5) < 1e-12)
        #expect(report.perTag[1].kappa == 1)
        // Pooled over 8 units: both 2, a only 1, neither 5: p_o = 7/8; p_a = 3/8, p_b = 2/8.
        let pe = 3.0 / 8 * 2.0 / 8 + 5.0 / 8 * 6.0 / 8
        #expect(report.pooled.percentAgreement == 7.0 / 8)
        #expect(abs(try #require(report.pooled.kappa) - (7.0 / 8 - pe) / (1 - pe)) < 1e-12)
        #expect(report.krippendorffAlpha == nil)
        #expect(report.json() == """
            {
              "documents": 4,
              "coders": ["a", "b"],
              "pooled": {"percentAgreement": 0.875, "kappa": 0.7143},
              "perTag": [
                {"tag": "characteristic/alcohol-misuse", "subject": "perpetrator", "percentAgreement": 0.75, "kappa": 0.5},
                {"tag": "weapon/knife", "percentAgreement": 1, "kappa": 1}
              ],
              "krippendorffAlpha": null
            }

            """)
    }

    @Test func threeCodersGetKrippendorffsAlpha() throws {
        let codings: [String: [String: Set<TagKey>]] = [
            "a": ["d1": [Self.alcohol], "d2": [Self.knife]],
            "b": ["d1": [Self.alcohol], "d2": []],
            "c": ["d1": [Self.alcohol], "d2": [Self.knife]],
        ]
        let report = Agreement.report(codings: codings)
        // Units (document, tag): d1/alcohol 1,1,1; d1/knife 0,0,0; d2/alcohol 0,0,0; d2/knife 1,0,1.
        let expected = Agreement.krippendorffAlphaNominal([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 0, 1]] as [[Int?]])
        #expect(report.krippendorffAlpha == expected)
        #expect(report.krippendorffAlpha != nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["krippendorffAlpha"] is Double)
    }
}
