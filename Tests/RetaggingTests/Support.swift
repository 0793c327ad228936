import AnnotationStore
import Foundation
import Retagging
import ReviewParsing
import Tagging

/// Two tiny codebooks: v2 drops the phrase "police officer" from agency/police and adds
/// "surgery" to agency/gp.
enum Codebooks {
    static let v1 = """
        version: "test-1"
        tags:
          - tag: agency/police
            label: Police
            definition: Police.
            phrases: ["police officer", "constable"]
          - tag: agency/gp
            label: GP
            definition: General practice.
            phrases: ["general practitioner"]
        """

    static let v2 = """
        version: "test-2"
        tags:
          - tag: agency/police
            label: Police
            definition: Police.
            phrases: ["constable"]
          - tag: agency/gp
            label: GP
            definition: General practice.
            phrases: ["general practitioner", "surgery"]
        """

    static func engine(_ yaml: String, maxInputBytes: Int = 64 << 20) throws -> RetagEngine {
        let codebook = try Codebook.parse(bytes: Array(yaml.utf8), path: "test.yaml")
        return try RetagEngine.standard(codebook: codebook, parseOptions: ParseOptions(maxInputBytes: maxInputBytes))
    }
}

/// A scratch folder with a `corpus/` and a store; removed on deinit.
final class Workspace {
    let root: URL
    let store: AnnotationStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("retag-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        store = try AnnotationStore(path: root.appendingPathComponent("store.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var storePath: String { root.appendingPathComponent("store.sqlite").path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent("corpus/\(name)"))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent("corpus/\(name)"))
    }

    /// Each document's latest suggestions with their row and run ids cleared, to compare
    /// what different runs stored.
    func latestSuggestionsWithoutIDs(_ names: [String]) throws -> [[StoredSuggestion]] {
        try names.map { name in
            try store.latestSuggestions(document: name).map { suggestion in
                var copy = suggestion
                copy.id = 0
                copy.runID = 0
                return copy
            }
        }
    }

    func options(dryRun: Bool = false, force: Bool = false, jobs: Int = 2) -> RetagOptions {
        var options = RetagOptions(paths: ["corpus"], jobs: jobs, dryRun: dryRun, force: force)
        options.baseDirectory = root.path
        return options
    }

    func retag(_ yaml: String = Codebooks.v1, dryRun: Bool = false, force: Bool = false, maxInputBytes: Int = 64 << 20) throws -> RetagReport {
        try Retagger(store: store, engine: Codebooks.engine(yaml, maxInputBytes: maxInputBytes))
            .run(options(dryRun: dryRun, force: force))
    }
}
