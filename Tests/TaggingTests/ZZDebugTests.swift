import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

@Suite struct ZZDebugTests {
    @Test func debugPeople() throws {
        guard let path = ProcessInfo.processInfo.environment["RT_DEBUG_DOC"] else { return }
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        _ = run.run()
        for (entity, scores) in run.debugScores.sorted(by: { $0.key < $1.key }) {
            print("ENTITY", entity, run.people.entities[entity].name ?? "-", run.people.entities[entity].role, "victim", scores.0, "perp", scores.1)
        }
        for (index, e) in run.people.entities.enumerated() { print("E", index, e.name ?? "-", e.role, e.gender as Any, e.kin as Any) }
    }
}
