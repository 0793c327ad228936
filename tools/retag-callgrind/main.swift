// A first `revtag retag` run as callgrind can count it: Valgrind (3.19) crashes on the
// `revtag` binary itself (its async main), so this runs the same Retagger on a plain
// synchronous main, with one tagging thread and no load-ahead, so that the writer's work
// (parse-cache entries, prepared rows, SQLite batches) shows in one deterministic count.
//
//   swift build -c release --product retag-callgrind
//   strip --strip-debug -o /tmp/rc .build/release/retag-callgrind     # Valgrind cannot read DWARF 5
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/rc.out /tmp/rc CORPUS_DIR /tmp/rc-store.sqlite [CODEBOOK]
//   callgrind_annotate --inclusive=yes /tmp/rc.out | grep -E 'Pipeline|ParseCache|prepare|recordRetagBatch'
//
// The store (and its parse cache beside it) should not exist yet: a first run is measured.
// Under Valgrind SHA-256 runs the portable code (Valgrind hides the CPU's SHA instructions),
// so `AnnotationStore.contentHash` counts about ten times what it costs natively.
import AnnotationStore
import Foundation
import Retagging
import Tagging

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: retag-callgrind CORPUS_DIR STORE [CODEBOOK]\n".utf8))
    exit(64)
}
let codebook = try arguments.count == 4 ? Codebook.load(path: arguments[3]) : Codebook.loadDefault()
let store = try AnnotationStore(path: arguments[2])
var options = RetagOptions(paths: [arguments[1]], jobs: 1)
options.loadAhead = 0
// Batches by document count only: a batch is also cut every two seconds of wall time, and
// under Valgrind that made the number of batches (each prepares its statements) vary with
// the host's load from one count to the next.
options.batchSeconds = .infinity
options.parseCacheDirectory = ParseCache.defaultDirectory(forStore: arguments[2])
let report = try Retagger(store: store, engine: RetagEngine.standard(codebook: codebook)).run(options)
print("\(report.counts.processed) documents processed, \(report.counts.failed) failed")
