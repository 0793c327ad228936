/// The trie of ``MatcherTables`` laid out for the walk: the same nodes, edges, gaps and outputs,
/// with the nodes numbered breadth first (the root's children first, then their children, each
/// node's word and prefix children in label order before its gap targets in gap order) so that
/// the nodes most walks read (the first levels) lie together in a few cache lines, and each edge
/// packed into one 64-bit entry (its key and its child in one load, not two arrays).
///
/// The root's child of label `l` is node `l + 1`: a label no phrase starts with gets an empty
/// node (no outputs, children or gaps), so the walk finds the first node without a lookup. The
/// root's own record, node 0, is empty too: the walk visits it for a word without a class (-1).
///
/// Only the numbering changes: every node keeps its outputs (in their order), gap edges (in
/// their order), flags and child-label filter, so a walk visits the same nodes in the same order
/// and reports the same matches in the same order.
struct WalkLayout: Sendable {
    /// Open addressing over ``edgeKey(node:label:)`` (``edgeSlot(_:shift:)``, linear probing,
    /// `UInt64.max` empty): each entry is the key with the child in its top 24 bits.
    var edges: [UInt64]
    /// 64 minus log2 of the edge slots.
    var edgeShift: Int
    var nodes: [CompiledMatcher.Node]
    var gapStart: [Int32]
    var gapList: [CompiledMatcher.Gap]
    var outputList: [Int32]

    /// Bits of a packed edge: the label in bits 0-15, the node in bits 16-39, the child above.
    static let labelBits: UInt64 = 16
    static let nodeBits: UInt64 = 24
    static let keyMask: UInt64 = (1 << (labelBits + nodeBits)) - 1
    /// The most nodes and labels a packed edge holds (the all-ones key is the empty entry). A
    /// word without a class looks its edge up with label -1, whose 32 one-bits reach into the
    /// node's field: nodes stay below 0xFF0000 so that such a key never equals the empty entry's.
    static let nodeLimit = 0xFF_0000
    static let labelLimit = (1 << Int(labelBits)) - 1

    /// The key part of the edge of `node` labelled `label`.
    @inline(__always)
    static func edgeKey(node: Int32, label: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) &<< labelBits | UInt64(UInt32(bitPattern: label))
    }

    /// The home slot of an edge key: the top bits of the key times the golden ratio (they depend
    /// on every bit of the key, node and label alike).
    @inline(__always)
    static func edgeSlot(_ key: UInt64, shift: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(truncatingIfNeeded: shift))
    }

    /// Whether tables of this size fit the packed edges (with an empty node per label).
    static func fits(_ tables: MatcherTables) -> Bool {
        tables.nodes.count + tables.rootChildren.count < nodeLimit && tables.rootChildren.count < labelLimit
    }

    init(_ tables: MatcherTables) {
        precondition(WalkLayout.fits(tables), "the codebook's trie has more than 16M nodes or 65,534 labels")
        let nodeCount = tables.nodes.count
        // Each node's edges (label, child), grouped by node in label order.
        let edgeSlots = occupiedSlots(tables.edgeKeys)
        var childStart = [Int32](repeating: 0, count: nodeCount + 1)
        for slot in edgeSlots { childStart[Int(tables.edgeKeys[Int(slot)] >> 32) + 1] += 1 }
        for node in 0..<nodeCount { childStart[node + 1] += childStart[node] }
        var children = [(label: Int32, child: Int32)](repeating: (0, 0), count: Int(childStart[nodeCount]))
        var fill = childStart
        for slot in edgeSlots {
            let slot = Int(slot)
            let key = tables.edgeKeys[slot]
            let node = Int(key >> 32)
            children[Int(fill[node])] = (Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: key)), tables.edgeValues[slot])
            fill[node] += 1
        }
        for node in 0..<nodeCount where childStart[node + 1] - childStart[node] > 1 {
            children[Int(childStart[node])..<Int(childStart[node + 1])].sort { $0.label < $1.label }
        }
        // Breadth-first order: the root (0), its child per label (-1: an empty node), then level
        // by level.
        var order = [Int32](repeating: 0, count: 1)
        order.reserveCapacity(nodeCount + tables.rootChildren.count)
        order.append(contentsOf: tables.rootChildren)
        var head = 1
        while head < order.count {
            let node = Int(order[head])
            head += 1
            if node < 0 { continue }
            for index in Int(childStart[node])..<Int(childStart[node + 1]) { order.append(children[index].child) }
            for slot in Int(tables.gapStart[node])..<Int(tables.gapStart[node + 1]) { order.append(tables.gapList[slot].target) }
        }
        let empty = tables.rootChildren.count { $0 < 0 }
        precondition(order.count == nodeCount + empty, "every trie node hangs below the root once")
        var newID = [Int32](repeating: -1, count: nodeCount)
        for (new, old) in order.enumerated() where old >= 0 { newID[Int(old)] = Int32(new) }

        var nodes = [CompiledMatcher.Node]()
        nodes.reserveCapacity(nodeCount)
        var outputList = [Int32]()
        outputList.reserveCapacity(tables.outputList.count)
        var gapStart = [Int32]()
        gapStart.reserveCapacity(nodeCount + 1)
        var gapList = [CompiledMatcher.Gap]()
        gapList.reserveCapacity(tables.gapList.count)
        for old in order {
            if old < 0 {
                nodes.append(CompiledMatcher.Node())
                gapStart.append(Int32(gapList.count))
                continue
            }
            var node = tables.nodes[Int(old)]
            let from = Int(node.outputFrom)
            node.outputFrom = Int32(outputList.count)
            // (Element by element: appending the slice cost a generic call per node, most of them
            // for no outputs.)
            for slot in from..<from + Int(node.outputCount) { outputList.append(tables.outputList[slot]) }
            nodes.append(node)
            gapStart.append(Int32(gapList.count))
            for slot in Int(tables.gapStart[Int(old)])..<Int(tables.gapStart[Int(old) + 1]) {
                var gap = tables.gapList[slot]
                gap.target = newID[Int(gap.target)]
                gapList.append(gap)
            }
        }
        gapStart.append(Int32(gapList.count))
        // The walk visits the root's record for a word without a class (label -1, node 0) and
        // must find nothing there: the builder gives the root no outputs and no gaps, and keeps
        // its children in ``MatcherTables/rootChildren``, not among the edges.
        precondition(nodes[0] == CompiledMatcher.Node(), "the root's record is empty")
        // The sentinel after the last gap (the list is never empty).
        gapList.append(tables.gapList.last ?? CompiledMatcher.Gap(min: 0, max: -1, target: 0))
        self.nodes = nodes
        self.outputList = outputList
        self.gapStart = gapStart
        self.gapList = gapList

        // Packed edges, twice as many slots as the tables had (at most a quarter full): at up to
        // half full, a probe read 1.7 slots on average, and a failed one (a label that passed the
        // node's filter without an edge: a third of the probes) more, with a mispredicted branch
        // per slot.
        let capacity = max(16, tables.edgeKeys.count * 2)
        edgeShift = 64 - capacity.trailingZeroBitCount
        var edges = [UInt64](repeating: UInt64.max, count: capacity)
        for slot in edgeSlots {
            let slot = Int(slot)
            let key = tables.edgeKeys[slot]
            let node = newID[Int(key >> 32)]
            let label = Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: key))
            let packed = WalkLayout.edgeKey(node: node, label: label)
            var target = WalkLayout.edgeSlot(packed, shift: edgeShift)
            while edges[target] != UInt64.max { target = (target + 1) & (capacity - 1) }
            edges[target] = packed | UInt64(UInt32(bitPattern: newID[Int(tables.edgeValues[slot])])) &<< (WalkLayout.labelBits + WalkLayout.nodeBits)
        }
        self.edges = edges
    }
}
