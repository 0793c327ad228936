import ReviewModel
import TestSupport
import Testing

@testable import Tagging

@Suite struct SuggestionOrderTests {
    /// Keys whose descriptions share prefixes ("relationship/" and "relationship-type/": `-`
    /// sorts before `/`), differ only in length or in subject, as `TagKey.<` orders them.
    static let keys: [TagKey] = [
        TagKey(tag: TagID(facet: "relationship", id: "coercive-control"), subject: nil),
        TagKey(tag: TagID(facet: "relationship-type", id: "partner"), subject: nil),
        TagKey(tag: TagID(facet: "relationship-type", id: "ex-partner"), subject: nil),
        TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "mental-health"), subject: .unknown),
        TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "mental-health"), subject: .victim),
        TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "mental-health"), subject: .perpetrator),
        TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: "alcohol-misuse"), subject: .perpetrator),
        TagKey(tag: TagID(facet: "outcome", id: "homicide"), subject: nil),
        TagKey(tag: TagID(facet: "outcome", id: "homicide-suicide"), subject: nil),
        TagKey(tag: TagID(facet: "location", id: "victim-home"), subject: nil),
        TagKey(tag: TagID(facet: "location", id: "victim"), subject: nil),
        TagKey(tag: TagID(facet: "weapon", id: "Knife"), subject: nil),
        TagKey(tag: TagID(facet: "weapon", id: "knife"), subject: nil),
    ]

    /// The byte comparison of the descriptions gives the order of `TagKey.<`, whatever the
    /// order the keys come in (a dictionary's order changes from run to run).
    @Test(arguments: 0..<8) func sortsKeysAsTheirComparison(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        var shuffled = Self.keys
        shuffled.shuffle(using: &generator)
        #expect(TaggingRun.sortedKeys(shuffled) == Self.keys.sorted())
    }

    /// A description with a non-ASCII character is ordered as the strings order it.
    @Test func sortsNonASCIIDescriptionsAsStrings() {
        let keys = Self.keys + [
            TagKey(tag: TagID(facet: "context", id: "café"), subject: nil),
            TagKey(tag: TagID(facet: "context", id: "cafe"), subject: nil),
            TagKey(tag: TagID(facet: "context", id: "cafz"), subject: nil),
        ]
        #expect(TaggingRun.sortedKeys(keys.reversed()) == keys.sorted())
    }
}
