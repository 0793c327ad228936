import Foundation
import ReviewParsing
import Testing
@testable import Tagging

/// The walk's layout of the trie (nodes renumbered breadth first, packed edges) against a plain
/// walk over the builder's tables as they are (``MatcherTables``, node numbers of creation, edges
/// in two arrays): the same matches in the same order, before any sorting.
@Suite struct MatcherLayoutTests {
    /// Every match of the patterns over tokens `from..<to`, in the order of the matcher's walk:
    /// at each start the word class, then the wildcard prefix; at each node its outputs, then its
    /// word child, its prefix child, and its gaps (in order, each skip from min to max).
    static func referenceMatches(_ tables: MatcherTables, _ tokens: Tokens, from: Int, to: Int) -> [Match] {
        referenceMatches(tables, edgeMap(tables), tokens, from: from, to: to)
    }

    /// The builder's edges as a dictionary from (node << 32 | label) to the child.
    static func edgeMap(_ tables: MatcherTables) -> [UInt64: Int32] {
        var edges: [UInt64: Int32] = [:]
        for (slot, key) in tables.edgeKeys.enumerated() where key != UInt64.max { edges[key] = tables.edgeValues[slot] }
        return edges
    }

    static func referenceMatches(_ tables: MatcherTables, _ edges: [UInt64: Int32], _ tokens: Tokens, from: Int, to: Int) -> [Match] {
        func child(_ node: Int32, _ label: Int32) -> Int32 { edges[UInt64(UInt32(node)) << 32 | UInt64(UInt32(label))] ?? -1 }
        var matches: [Match] = []
        func walk(_ node: Int32, _ next: Int, _ start: Int) {
            let info = tables.nodes[Int(node)]
            let from = Int(info.outputFrom)
            for slot in from..<from + Int(info.outputCount) {
                matches.append(Match(pattern: tables.outputList[slot], start: Int32(start), end: Int32(next)))
            }
            func step(_ node: Int32, _ position: Int) {
                if tokens.classes[position] >= 0 {
                    let found = child(node, tokens.classes[position])
                    if found >= 0 { walk(found, position + 1, start) }
                }
                if tokens.prefixes[position] >= 0 {
                    let found = child(node, tokens.prefixes[position])
                    if found >= 0 { walk(found, position + 1, start) }
                }
            }
            if next < to { step(node, next) }
            for slot in Int(tables.gapStart[Int(node)])..<Int(tables.gapStart[Int(node) + 1]) {
                let gap = tables.gapList[slot]
                var skip = gap.min
                while skip <= gap.max, next + skip < to {
                    step(gap.target, next + skip)
                    skip += 1
                }
            }
        }
        for index in from..<to {
            for label in [tokens.classes[index], tokens.prefixes[index]] where label >= 0 {
                let node = tables.rootChildren[Int(label)]
                if node >= 0 { walk(node, index + 1, index) }
            }
        }
        return matches
    }

    @Test func layoutKeepsEveryNodeAndEdge() throws {
        let tables = MatcherLayoutTests.shipped.tables
        let layout = WalkLayout(tables)
        let emptyLabels = tables.rootChildren.filter { $0 < 0 }.count
        #expect(emptyLabels > 0)
        #expect(layout.nodes.count == tables.nodes.count + emptyLabels)
        #expect(layout.outputList.sorted() == tables.outputList.sorted())
        #expect(layout.edges.filter { $0 != UInt64.max }.count == tables.edgeKeys.filter { $0 != UInt64.max }.count)
        #expect(layout.gapList.count == tables.gapList.count)
        // The root's child of each label is node label + 1, with that node's outputs and flags;
        // a label no phrase starts with has an empty node.
        for (label, old) in tables.rootChildren.enumerated() {
            let node = layout.nodes[label + 1]
            if old < 0 {
                #expect(node == CompiledMatcher.Node())
                continue
            }
            let before = tables.nodes[Int(old)]
            #expect(node.flags == before.flags && node.childLabels == before.childLabels && node.outputCount == before.outputCount)
            let outputs = layout.outputList[Int(node.outputFrom)..<Int(node.outputFrom) + Int(node.outputCount)]
            let expected = tables.outputList[Int(before.outputFrom)..<Int(before.outputFrom) + Int(before.outputCount)]
            #expect(Array(outputs) == Array(expected))
        }
    }

    /// The shipped codebook's tables, built once for the corpus tests.
    static let shipped: (tables: MatcherTables, edges: [UInt64: Int32]) = {
        let tables = try! MatcherTables(patterns: sharedTagger.compiled.matcher.patterns)
        return (tables, edgeMap(tables))
    }()

    @Test("the shipped codebook finds the reference's matches on corpus documents", arguments: corpusPaths().prefix(4))
    func corpusDocument(path: String) throws {
        let matcher = sharedTagger.compiled.matcher
        let (tables, edges) = MatcherLayoutTests.shipped
        let document = try DocumentReader().read(path: path)
        let tokens = matcher.tokenize(document.text)
        // Sentence-sized ranges of 30 tokens (walks stop at a range's end).
        var from = 0
        var checked = 0
        while from < tokens.count {
            let to = min(tokens.count, from + 30)
            var found: [Match] = []
            matcher.match(tokens, from: from, to: to, into: &found)
            let expected = MatcherLayoutTests.referenceMatches(tables, edges, tokens, from: from, to: to)
            #expect(found == expected, "\(path) tokens \(from)..<\(to)")
            checked += expected.count
            from = to
        }
        #expect(checked > 100)
    }

    @Test func randomPatternSetsFindTheReferenceMatches() throws {
        var random = XorShift(state: 0x1A70_0C4E_55ED)
        var checked = 0
        for _ in 0..<150 {
            let patterns = MatcherTablesTests.randomPatterns(&random, upTo: 15)
            guard let tables = try? MatcherTables(patterns: patterns) else { continue }
            let matcher = CompiledMatcher(patterns: patterns, tables: tables)
            for _ in 0..<4 {
                let text = MatcherTablesTests.randomText(&random)
                let tokens = matcher.tokenize(text)
                var found: [Match] = []
                matcher.match(tokens, from: 0, to: tokens.count, into: &found)
                let expected = MatcherLayoutTests.referenceMatches(tables, tokens, from: 0, to: tokens.count)
                #expect(found == expected, "\(patterns.map(\.phrase)) on \(text)")
                checked += expected.count
            }
        }
        #expect(checked > 500)
    }

    /// A word without a class looks up label -1: below the node limit, no node's key for it is
    /// the empty entry's (at 0xFF0000 nodes or more it was, and the walk read a garbage child).
    @Test func unclassedKeysNeverLookEmpty() {
        let empty = UInt64.max & WalkLayout.keyMask
        for node in [0, 1, 0xFE_FFFF, WalkLayout.nodeLimit - 1] {
            #expect(WalkLayout.edgeKey(node: Int32(node), label: -1) & WalkLayout.keyMask != empty, "node \(node)")
        }
        #expect(WalkLayout.edgeKey(node: 0xFF_0000, label: -1) & WalkLayout.keyMask == empty)
    }
}
