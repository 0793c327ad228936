/// The tables a ``CompiledMatcher`` reads, as its builder leaves them: the word classes, the
/// wildcard prefixes and the trie. Tests compare builders through them.
struct MatcherTables: Sendable {
    /// Surface word → class id (a word and its inflections share a class; classes are numbered in
    /// the sorted order of their alphabetically first word).
    var classOfWord: [String: Int32]
    /// Wildcard prefix → its index (its trie label is `classCount + index`), numbered on first
    /// sight in the order of the patterns and of their expanded sequences.
    var prefixIndex: [String: Int32]
    var classCount: Int32
    /// Child of the root per label (-1 when none).
    var rootChildren: [Int32]
    /// Other edges: open addressing over (node << 32 | label) (``CompiledMatcher/mix(_:)``, linear
    /// probing, `UInt64.max` empty); the capacity is the least power of two from 16 that is at
    /// least twice the edges plus two. (The matcher walks its own layout of them: ``WalkLayout``.)
    var edgeKeys: [UInt64]
    var edgeValues: [Int32]
    var nodes: [CompiledMatcher.Node]
    /// Gap edges per node in CSR form, in the order they were made, and a sentinel after them.
    var gapStart: [Int32]
    var gapList: [CompiledMatcher.Gap]
    /// Outputs of all nodes, node by node, each node's in ascending pattern order.
    var outputList: [Int32]
}

extension MatcherTables {
    /// Builds the tables for the patterns. Throws the first phrase that does not parse.
    ///
    /// Each phrase is parsed into items (``PhraseParser/parse(_:)``) and its sequences are
    /// inserted by a depth-first walk over the items' alternatives from the trie node their
    /// common start reached: the same nodes, in the same order, as inserting every expanded
    /// sequence from the root, without making the sequences. Words are interned once per item
    /// element (not per expanded element), and the trie's edges go straight into the matcher's
    /// open-addressing table.
    ///
    /// - Complexity: O(phrase text + trie steps), where the trie steps are the nodes of the tree
    ///   of the expanded sequences' common starts (at most their total length).
    init(patterns: [Pattern]) throws(CompiledMatcher.BadPhrase) {
        var phrases = CompactPhrases()
        for (index, pattern) in patterns.enumerated() {
            switch PhraseParser.parse(pattern.phrase) {
            case .success(let items): phrases.append(items)
            case .failure(let error): throw CompiledMatcher.BadPhrase(index: index, message: error.message)
            }
        }
        // Word classes: the first word of each class (alphabetically) numbers it.
        let words = phrases.words
        var classOfRoot = [Int32](repeating: -1, count: words.count)
        var classOfID = [Int32](repeating: -1, count: words.count)
        var classOfWord: [String: Int32] = [:]
        classOfWord.reserveCapacity(words.count)
        var classCount: Int32 = 0
        for wordID in words.indices.sorted(by: { words[$0] < words[$1] }) {
            let root = phrases.find(Int32(wordID))
            if classOfRoot[Int(root)] < 0 {
                classOfRoot[Int(root)] = classCount
                classCount += 1
            }
            classOfID[wordID] = classOfRoot[Int(root)]
            classOfWord[words[wordID]] = classOfID[wordID]
        }
        self.classOfWord = classOfWord
        self.classCount = classCount

        var trie = TrieBuilder(labelCount: Int(classCount) + phrases.prefixes.count, classOfWord: classOfID, classCount: classCount)
        for pattern in 0..<phrases.patternCount {
            trie.insert(phrases, pattern: pattern)
        }
        var prefixIndex: [String: Int32] = [:]
        for (temporary, index) in trie.prefixNumber.enumerated() where index >= 0 { prefixIndex[phrases.prefixes[temporary]] = index }
        self.prefixIndex = prefixIndex
        rootChildren = trie.root
        edgeKeys = trie.edges.keys
        edgeValues = trie.edges.values

        let nodeCount = Int(trie.nodeCount)
        var nodes = [CompiledMatcher.Node](repeating: CompiledMatcher.Node(), count: nodeCount)
        for slot in occupiedSlots(trie.edges.keys) {
            let key = trie.edges.keys[Int(slot)]
            let node = Int(key >> 32)
            let label = Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: key))
            if label >= classCount { nodes[node].flags |= CompiledMatcher.nodeHasPrefixChild }
            nodes[node].childLabels |= CompiledMatcher.labelBit(label)
        }
        // Gap edges and outputs grouped by node, each node's in the order they were made.
        var gapStart = [Int32](repeating: 0, count: nodeCount + 1)
        for (node, _) in trie.gaps {
            gapStart[Int(node) + 1] += 1
            nodes[Int(node)].flags |= CompiledMatcher.nodeHasGap
        }
        for node in 0..<nodeCount { gapStart[node + 1] += gapStart[node] }
        var gapList = [CompiledMatcher.Gap](repeating: CompiledMatcher.Gap(min: 0, max: -1, target: 0), count: trie.gaps.count + 1)
        var gapFill = gapStart
        for (node, gap) in trie.gaps {
            gapList[Int(gapFill[Int(node)])] = gap
            gapFill[Int(node)] += 1
        }
        self.gapStart = gapStart
        self.gapList = gapList  // the last entry is a sentinel: the list is never empty

        var outputStart = [Int32](repeating: 0, count: nodeCount + 1)
        for (node, _) in trie.outputs { outputStart[Int(node) + 1] += 1 }
        for node in 0..<nodeCount {
            let count = outputStart[node + 1]
            precondition(count <= Int32(UInt16.max), "more than 65535 patterns end at one trie node")
            nodes[node].outputFrom = outputStart[node]
            nodes[node].outputCount = UInt16(count)
            outputStart[node + 1] += outputStart[node]
        }
        var outputList = [Int32](repeating: 0, count: trie.outputs.count)
        for (node, pattern) in trie.outputs {
            outputList[Int(outputStart[Int(node)])] = pattern
            outputStart[Int(node)] += 1
        }
        self.outputList = outputList
        self.nodes = nodes
    }
}

/// The parsed phrases in flat arrays: words and prefixes interned, each item's alternatives as
/// ranges of steps. Words are joined with their inflections as they are interned.
private struct CompactPhrases {
    /// One element of an alternative: a word (`symbol >= 0`, its word id), a gap (`symbol == -1`)
    /// or a wildcard prefix (`symbol <= -2`, prefix `-2 - symbol` of ``prefixes``).
    struct Step {
        var symbol: Int32
        var low: Int32 = 0
        var high: Int32 = 0
    }

    /// One item: alternatives `alternativeFrom..<alternativeTo`, or a gap when `kind == gap`.
    struct Item {
        var kind: UInt8
        var alternativeFrom: Int32
        var alternativeTo: Int32
        var low: Int32
        var high: Int32
    }

    static let required: UInt8 = 0
    static let optional: UInt8 = 1
    static let gap: UInt8 = 2

    var steps: [Step] = []
    /// Alternative `a` is `steps[alternativeStart[a]..<alternativeStart[a + 1]]`.
    var alternativeStart: [Int32] = [0]
    var items: [Item] = []
    /// Pattern `p` is `items[itemStart[p]..<itemStart[p + 1]]`.
    var itemStart: [Int32] = [0]
    var patternCount: Int { itemStart.count - 1 }

    private(set) var words: [String] = []
    private var wordIDs: [String: Int32] = [:]
    /// Union-find over word ids: a word and its inflections share a root.
    private var parent: [Int32] = []
    /// Words already joined with their inflections (a word recurs in many phrases).
    private var inflected: [Bool] = []
    private(set) var prefixes: [String] = []
    private var prefixIDs: [String: Int32] = [:]

    mutating func append(_ parsed: [PhraseParser.Item]) {
        for item in parsed {
            switch item {
            case .gap(let low, let high):
                items.append(Item(kind: CompactPhrases.gap, alternativeFrom: 0, alternativeTo: 0, low: Int32(low), high: Int32(high)))
            case .required(let alternatives), .optional(let alternatives):
                let from = Int32(alternativeStart.count - 1)
                for alternative in alternatives {
                    for element in alternative { steps.append(step(element)) }
                    alternativeStart.append(Int32(steps.count))
                }
                let kind = if case .optional = item { CompactPhrases.optional } else { CompactPhrases.required }
                items.append(Item(kind: kind, alternativeFrom: from, alternativeTo: Int32(alternativeStart.count - 1), low: 0, high: 0))
            }
        }
        itemStart.append(Int32(items.count))
    }

    private mutating func step(_ element: PhraseElement) -> Step {
        switch element {
        case .word(let word, let exact):
            let wordID = number(word)
            if !exact, !inflected[Int(wordID)] {
                inflected[Int(wordID)] = true
                for form in Inflector.forms(of: word).dropFirst() { union(wordID, number(form)) }
            }
            return Step(symbol: wordID)
        case .prefix(let prefix):
            if let existing = prefixIDs[prefix] { return Step(symbol: -2 - existing) }
            let fresh = Int32(prefixes.count)
            prefixIDs[prefix] = fresh
            prefixes.append(prefix)
            return Step(symbol: -2 - fresh)
        case .gap(let low, let high):
            return Step(symbol: -1, low: Int32(low), high: Int32(high))
        }
    }

    private mutating func number(_ word: String) -> Int32 {
        if let existing = wordIDs[word] { return existing }
        let fresh = Int32(words.count)
        wordIDs[word] = fresh
        words.append(word)
        parent.append(fresh)
        inflected.append(false)
        return fresh
    }

    mutating func find(_ word: Int32) -> Int32 {
        var root = word
        while parent[Int(root)] != root { root = parent[Int(root)] }
        var current = word
        while parent[Int(current)] != root {
            let next = parent[Int(current)]
            parent[Int(current)] = root
            current = next
        }
        return root
    }

    private mutating func union(_ a: Int32, _ b: Int32) {
        let rootA = find(a)
        let rootB = find(b)
        if rootA != rootB { parent[Int(rootB)] = rootA }
    }
}

/// The slots of an open-addressing key table (`UInt64.max` empty) that hold a key, in slot order.
/// The tables are half empty or more, and a loop that tested each slot mispredicted about every
/// other one; here each slot's index is written after those kept so far and kept only if the slot
/// holds a key, counted by arithmetic (a conditional count compiled to a branch again).
func occupiedSlots(_ keys: [UInt64]) -> [Int32] {
    keys.withUnsafeBufferPointer { keys in
        [Int32](unsafeUninitializedCapacity: keys.count) { slots, initialized in
            var count = 0
            for slot in keys.indices {
                slots[count] = Int32(truncatingIfNeeded: slot)
                // 1 for a key (keys are below 2^63), 0 for the empty slot's all ones.
                count &+= Int(truncatingIfNeeded: (keys[slot] &>> 63) ^ 1)
            }
            initialized = count
        }
    }
}

/// An open-addressing map from 64-bit keys (never `UInt64.max`) to node ids
/// (``CompiledMatcher/mix(_:)``, linear probing), kept at most half full.
private struct NodeMap {
    private(set) var keys = [UInt64](repeating: UInt64.max, count: 16)
    private(set) var values = [Int32](repeating: -1, count: 16)
    private(set) var count = 0

    /// The node stored under `key`, or nil and the empty slot that ends the key's probe (where
    /// ``insert(_:_:at:)`` puts it: one probe for a lookup and the insertion after it).
    @inline(__always)
    func find(_ key: UInt64) -> (node: Int32?, slot: Int) {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: CompiledMatcher.mix(key)) & mask
        while true {
            let stored = keys[slot]
            if stored == key { return (values[slot], slot) }
            if stored == UInt64.max { return (nil, slot) }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` under `key` (not in the map yet) in `slot`, where ``find(_:)`` ended, unless
    /// the map must grow first (then wherever the key's probe ends in the larger table).
    mutating func insert(_ key: UInt64, _ value: Int32, at slot: Int) {
        if (count + 1) * 2 + 2 > keys.count {
            insert(key, value)
            return
        }
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    /// Stores `value` under `key` (not in the map yet).
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 + 2 > keys.count { grow() }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: CompiledMatcher.mix(key)) & mask
        while keys[slot] != UInt64.max { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let capacity = oldKeys.count * 2
        keys = [UInt64](repeating: UInt64.max, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        for slot in occupiedSlots(oldKeys) {
            let slot = Int(slot)
            let key = oldKeys[slot]
            var target = Int(truncatingIfNeeded: CompiledMatcher.mix(key)) & (capacity - 1)
            while keys[target] != UInt64.max { target = (target + 1) & (capacity - 1) }
            keys[target] = key
            values[target] = oldValues[slot]
        }
    }
}

/// The trie as it is built: nodes numbered in creation order (the root is 0).
private struct TrieBuilder {
    var root: [Int32]
    var edges = NodeMap()
    /// Gap edges keyed by (node << 32 | min << 16 | max).
    private var gapTargets = NodeMap()
    /// Gap edges in creation order.
    private(set) var gaps: [(node: Int32, gap: CompiledMatcher.Gap)] = []
    /// Outputs in the order they were added: by pattern, each once per node.
    private(set) var outputs: [(node: Int32, pattern: Int32)] = []
    /// The last pattern output at each node (patterns are inserted in ascending order).
    private var lastOutput: [Int32] = [-1]
    private(set) var nodeCount: Int32 = 1
    /// Final index of each interned prefix (-1 until first seen in a sequence).
    private(set) var prefixNumber: [Int32]
    private var prefixCount: Int32 = 0
    private let classOfWord: [Int32]
    private let classCount: Int32

    init(labelCount: Int, classOfWord: [Int32], classCount: Int32) {
        root = [Int32](repeating: -1, count: max(labelCount, 1))
        prefixNumber = [Int32](repeating: -1, count: labelCount - Int(classCount))
        self.classOfWord = classOfWord
        self.classCount = classCount
    }

    private mutating func newNode() -> Int32 {
        lastOutput.append(-1)
        nodeCount += 1
        return nodeCount - 1
    }

    /// Inserts every sequence of pattern `pattern` (its index is its output).
    mutating func insert(_ phrases: CompactPhrases, pattern: Int) {
        phrases.steps.withUnsafeBufferPointer { steps in
            phrases.alternativeStart.withUnsafeBufferPointer { alternatives in
                phrases.items.withUnsafeBufferPointer { items in
                    let walk = Walk(steps: steps, alternatives: alternatives, items: items, pattern: Int32(pattern))
                    descend(walk, item: Int(phrases.itemStart[pattern]), end: Int(phrases.itemStart[pattern + 1]), node: 0, gapLow: -1, gapHigh: 0)
                }
            }
        }
    }

    private struct Walk {
        let steps: UnsafeBufferPointer<CompactPhrases.Step>
        let alternatives: UnsafeBufferPointer<Int32>
        let items: UnsafeBufferPointer<CompactPhrases.Item>
        let pattern: Int32
    }

    /// Inserts the sequences that go on from `node` (with a pending gap `gapLow...gapHigh` unless
    /// `gapLow < 0`) through items `item..<end`, in the order of ``PhraseParser/expand(items:)``.
    private mutating func descend(_ walk: Walk, item: Int, end: Int, node: Int32, gapLow: Int32, gapHigh: Int32) {
        if item == end {
            // A trailing gap is dropped; a sequence without words has no output.
            if node != 0, lastOutput[Int(node)] != walk.pattern {
                lastOutput[Int(node)] = walk.pattern
                outputs.append((node, walk.pattern))
            }
            return
        }
        let record = walk.items[item]
        if record.kind == CompactPhrases.gap {
            let (low, high) = pending(node, gapLow, gapHigh, record.low, record.high)
            descend(walk, item: item + 1, end: end, node: node, gapLow: low, gapHigh: high)
            return
        }
        // A left-out optional item comes first.
        if record.kind == CompactPhrases.optional { descend(walk, item: item + 1, end: end, node: node, gapLow: gapLow, gapHigh: gapHigh) }
        for alternative in Int(record.alternativeFrom)..<Int(record.alternativeTo) {
            var at = node
            var low = gapLow
            var high = gapHigh
            for index in Int(walk.alternatives[alternative])..<Int(walk.alternatives[alternative + 1]) {
                let step = walk.steps[index]
                if step.symbol == -1 {
                    (low, high) = pending(at, low, high, step.low, step.high)
                    continue
                }
                if low >= 0 {
                    at = gapTarget(at, low: low, high: high)
                    low = -1
                }
                at = child(at, label: label(step.symbol))
            }
            descend(walk, item: item + 1, end: end, node: at, gapLow: low, gapHigh: high)
        }
    }

    /// The pending gap after a gap `low...high` at `node`: adjacent gaps merge, and a gap before
    /// the first word (at the root) is dropped.
    @inline(__always)
    private func pending(_ node: Int32, _ gapLow: Int32, _ gapHigh: Int32, _ low: Int32, _ high: Int32) -> (Int32, Int32) {
        if node == 0 { return (-1, 0) }
        return gapLow >= 0 ? (gapLow + low, gapHigh + high) : (low, high)
    }

    @inline(__always)
    private mutating func label(_ symbol: Int32) -> Int32 {
        if symbol >= 0 { return classOfWord[Int(symbol)] }
        let prefix = Int(-2 - symbol)
        if prefixNumber[prefix] < 0 {
            prefixNumber[prefix] = prefixCount
            prefixCount += 1
        }
        return classCount + prefixNumber[prefix]
    }

    private mutating func child(_ node: Int32, label: Int32) -> Int32 {
        if node == 0 {
            if root[Int(label)] < 0 { root[Int(label)] = newNode() }
            return root[Int(label)]
        }
        let key = UInt64(UInt32(node)) << 32 | UInt64(UInt32(label))
        let (found, slot) = edges.find(key)
        if let found { return found }
        let fresh = newNode()
        edges.insert(key, fresh, at: slot)
        return fresh
    }

    private mutating func gapTarget(_ node: Int32, low: Int32, high: Int32) -> Int32 {
        let key = UInt64(UInt32(node)) << 32 | UInt64(UInt32(low)) << 16 | UInt64(UInt32(high))
        let (found, slot) = gapTargets.find(key)
        if let found { return found }
        let fresh = newNode()
        gapTargets.insert(key, fresh, at: slot)
        gaps.append((node, CompiledMatcher.Gap(min: Int(low), max: Int(high), target: fresh)))
        return fresh
    }
}
