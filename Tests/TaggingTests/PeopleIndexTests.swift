import ReviewModel
import Testing
@testable import Tagging

@Suite("People discovery's name table and word tally")
struct PeopleIndexTests {
    private func hashes(_ words: String) -> [UInt64] { words.split(separator: " ").map { Words2.hash(String($0)) } }

    @Test("a name lookup finds the longest registered name at a token, within the limit")
    func longestName() throws {
        var run = TaggingRun(compiled: sharedTagger.compiled, document: makeDocument("Mr K senior met Mr K and Adult A at home."))
        run.tokenizeAndMatch()
        // Forty names sharing first words force the table to grow several times.
        for number in 0..<40 { run.people.register(name: NameKey(hashes: hashes("mr x\(number)")), display: "Mr X\(number)", entity: 0) }
        run.people.register(name: NameKey(hashes: hashes("mr k")), display: "Mr K", entity: 1)
        run.people.register(name: NameKey(hashes: hashes("mr k senior")), display: "Mr K senior", entity: 0)
        run.people.register(name: NameKey(hashes: hashes("adult a")), display: "Adult A", entity: 1)
        let found = run.lookupName(at: 0, limit: run.tokens.count)
        #expect(found?.end == 3 && found?.entity == 0, "\(String(describing: found))")
        // The limit cuts "senior" off: the shorter name.
        let cut = run.lookupName(at: 0, limit: 2)
        #expect(cut?.end == 2 && cut?.entity == 1, "\(String(describing: cut))")
        let second = run.lookupName(at: 4, limit: run.tokens.count)
        #expect(second?.end == 6 && second?.entity == 1, "\(String(describing: second))")
        #expect(run.lookupName(at: 7, limit: run.tokens.count)?.end == 9)
        #expect(run.lookupName(at: 3, limit: run.tokens.count) == nil)  // "met"
        #expect(run.people.entityIndex(for: NameKey(hashes: hashes("mr x39"))) == 0)
        #expect(run.people.entityIndex(for: NameKey(hashes: hashes("mr x40"))) == nil)
        #expect(run.people.entityIndex(for: NameKey(hashes: hashes("mr"))) == nil)
    }

    @Test("reassigning names moves every lookup and the dictionary together")
    func reassign() throws {
        var run = TaggingRun(compiled: sharedTagger.compiled, document: makeDocument("Carol told Mr B that Carol Smith left."))
        run.tokenizeAndMatch()
        run.people.entities.append(Entity(role: .other))
        run.people.entities.append(Entity(role: .other))
        run.people.register(name: NameKey(hashes: hashes("carol")), display: "Carol", entity: 2)
        run.people.register(name: NameKey(hashes: hashes("carol smith")), display: "Carol Smith", entity: 2)
        run.people.register(name: NameKey(hashes: hashes("mr b")), display: "Mr B", entity: 3)
        // Registering a known name again changes nothing.
        run.people.register(name: NameKey(hashes: hashes("mr b")), display: "Mr B", entity: 0)
        #expect(run.lookupName(at: 2, limit: run.tokens.count)?.entity == 3)
        run.people.reassignNames(of: 2, to: 0)
        #expect(run.lookupName(at: 0, limit: run.tokens.count)?.entity == 0)
        #expect(run.lookupName(at: 5, limit: run.tokens.count)?.end == 7)
        #expect(run.lookupName(at: 5, limit: run.tokens.count)?.entity == 0)
        run.people.reassignName(NameKey(hashes: hashes("carol smith")), to: 1)
        #expect(run.lookupName(at: 5, limit: run.tokens.count)?.entity == 1)
        #expect(run.lookupName(at: 0, limit: run.tokens.count)?.entity == 0)
        let listed = run.people.names.values.flatMap { $0 }.map { ($0.2, $0.1) }.sorted { $0.0 < $1.0 }
        #expect(listed.map(\.0) == ["Carol", "Carol Smith", "Mr B"])
        #expect(listed.map(\.1) == [0, 1, 3])
    }

    @Test("the word tally counts like a dictionary, in first-added order, with colliding slots")
    func tally() throws {
        var tally = WordTally(capacity: 600)
        var reference: [UInt64: (count: Int32, first: Int)] = [:]
        var order: [UInt64] = []
        // Hashes that share their top bits (one home slot for many) and ordinary word hashes.
        let words = (0..<200).map { UInt64($0) } + (0..<200).map { Words2.hash("word\($0)") }
        for token in 0..<1500 {
            let hash = words[(token * 7919) % words.count]
            let amount = Int32(token % 3 == 0 ? 1 : 0)
            tally.add(hash, amount: amount, token: token)
            if reference[hash] == nil { order.append(hash) }
            reference[hash, default: (0, token)].count += amount
        }
        #expect(tally.count == reference.count)
        #expect(tally.hashes == order)
        for (position, hash) in tally.hashes.enumerated() {
            #expect(tally.find(hash) == position)
            #expect(tally.counts[position] == reference[hash]!.count)
            #expect(Int(tally.firsts[position]) == reference[hash]!.first)
        }
        #expect(tally.find(Words2.hash("absent")) == nil)
    }

    @Test("the relatives table finds one relative per owner and kin entry, and compares regardless of order")
    func relatives() throws {
        let kins = sharedTagger.compiled.kins
        var people = PeopleModel()
        let first = people.relative(owner: PeopleModel.victim, kin: 0, kins: kins)
        let unowned = people.relative(owner: nil, kin: 0, kins: kins)
        let other = people.relative(owner: PeopleModel.victim, kin: 1, kins: kins)
        #expect(first != unowned && first != other && unowned != other)
        #expect(people.relative(owner: PeopleModel.victim, kin: 0, kins: kins) == first)
        #expect(people.relative(owner: nil, kin: 0, kins: kins) == unowned)
        #expect(people.entities.count == 5)
        #expect(people.relatives.entity(owner: PeopleModel.perpetrator, kin: 0) == nil)
        // A promotion re-points the relative.
        people.relatives.reassign(from: first, to: PeopleModel.perpetrator)
        #expect(people.relatives.entity(owner: PeopleModel.victim, kin: 0) == PeopleModel.perpetrator)
        // The same relatives added in another order are equal; another entity is not.
        var a = RelativeTable()
        a.add(owner: 0, kin: 3, entity: 5)
        a.add(owner: nil, kin: 4, entity: 6)
        var b = RelativeTable()
        b.add(owner: nil, kin: 4, entity: 6)
        b.add(owner: 0, kin: 3, entity: 5)
        #expect(a == b)
        var c = RelativeTable()
        c.add(owner: nil, kin: 4, entity: 6)
        c.add(owner: 0, kin: 3, entity: 7)
        #expect(a != c)
        c.add(owner: 1, kin: 3, entity: 5)
        #expect(a != c)
    }
}
