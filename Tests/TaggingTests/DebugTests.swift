import Testing
import Foundation
import ReviewModel
import ReviewParsing
@testable import Tagging
@Suite struct DebugTests {
    @Test func debug() throws {
        guard let path = ProcessInfo.processInfo.environment["DEBUG_DOC"] else { return }
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        _ = run.run()
        for (i, e) in run.people.entities.enumerated() { print(i, e.role, e.name ?? "-", e.gender as Any, "owner", e.owner as Any, "kin", e.kin.map { run.lexicon.kin[$0].relation } as Any) }
        for (k, list) in run.people.names { for (_, e, d) in list { print("name", d, "->", e) } ; _ = k }
        print("relation", run.people.perpetratorRelation as Any, run.relationCounts)
        print(run.debugScores)
    }
}
