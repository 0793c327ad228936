// Benchmark of the tagging engine: match-only and parse + tag end to end, in MB/s.
// Run through tools/bench-tagging.sh (release build, one core). Prints figures; asserts nothing.
// MB/s are input bytes per CPU second (user + system) of this process.
// Options: --min-seconds S (per measurement), --only match,tag,tag-lean,parse,e2e,html.
import Foundation
import ReviewModel
import ReviewParsing
import Tagging

let arguments = Array(CommandLine.arguments.dropFirst())
guard !arguments.isEmpty, !arguments.contains("--help"), !arguments.contains("-h") else {
    FileHandle.standardError.write(Data("usage: bench-tagging DIR_OR_FILE... [--min-seconds S] [--only match,tag,parse,e2e]\n".utf8))
    exit(64)
}
var minimumSeconds = 3.0
/// Only the measurements whose key is listed (match, tag, tag-lean, parse, e2e, html); all when empty.
var only: Set<String> = []
var inputs: [String] = []
var index = 0
while index < arguments.count {
    if arguments[index] == "--min-seconds", index + 1 < arguments.count {
        minimumSeconds = Double(arguments[index + 1]) ?? minimumSeconds
        index += 2
        continue
    }
    if arguments[index] == "--only", index + 1 < arguments.count {
        only.formUnion(arguments[index + 1].split(separator: ",").map(String.init))
        index += 2
        continue
    }
    inputs.append(arguments[index])
    index += 1
}

let extensions: Set<String> = ["html", "htm", "xhtml", "xml", "txt", "md", "markdown", "pdf"]
var files: [String] = []
for input in inputs {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("bench-tagging: \(input): no such file or folder\n".utf8))
        exit(66)
    }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
        for name in names.sorted() where extensions.contains((name as NSString).pathExtension.lowercased()) {
            files.append((input as NSString).appendingPathComponent(name))
        }
    } else {
        files.append(input)
    }
}

guard !files.isEmpty else {
    FileHandle.standardError.write(Data("bench-tagging: no review documents (\(extensions.sorted().joined(separator: ", "))) in \(inputs.joined(separator: " "))\n".utf8))
    exit(66)
}

struct Input {
    var name: String
    var bytes: [UInt8]
    var format: String
}

let inputsLoaded: [Input] = files.compactMap { path in
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return Input(name: path, bytes: [UInt8](data), format: (path as NSString).pathExtension.lowercased())
}

let tagger: Tagger
do {
    let start = Date()
    tagger = try Tagger(codebook: try Codebook.loadDefault())
    print(String(format: "codebook compile: %.1f ms", Date().timeIntervalSince(start) * 1000))
} catch {
    print("cannot compile the codebook: \(error)")
    exit(70)
}
let reader = DocumentReader()

let minimumDuration = minimumSeconds
let selected = only

/// CPU time of this process (user + system), in seconds: the machine is shared, so wall
/// time would measure the other processes too.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

func measure(_ key: String, _ label: String, bytes: Int, _ body: () -> Int) {
    guard selected.isEmpty || selected.contains(key) else { return }
    var rounds = 0
    var sink = 0
    let start = cpuSeconds()
    var elapsed = 0.0
    repeat {
        sink &+= body()
        rounds += 1
        elapsed = cpuSeconds() - start
    } while elapsed < minimumDuration
    let megabytes = Double(bytes * rounds) / 1_000_000
    print(String(format: "%@: %.1f MB/s  (%.2f MB x %d rounds in %.2f CPU s; checksum %d)", label, megabytes / elapsed, Double(bytes) / 1_000_000, rounds, elapsed, sink))
}

// Parse once for the match-only and tag-only figures (measured on the normalised text).
var documents: [ReviewDocument] = []
var failures = 0
for input in inputsLoaded {
    do {
        documents.append(try reader.read(bytes: input.bytes, name: input.name))
    } catch {
        failures += 1
    }
}
let texts = documents.map(\.text)
let textBytes = texts.reduce(0) { $0 + $1.utf8.count }
let sourceBytes = inputsLoaded.reduce(0) { $0 + $1.bytes.count }
print("files: \(inputsLoaded.count) (\(failures) failed to parse), source \(String(format: "%.2f", Double(sourceBytes) / 1e6)) MB, text \(String(format: "%.2f", Double(textBytes) / 1e6)) MB")

measure("match", "match-only (tokenise + automaton, text bytes)", bytes: textBytes) {
    texts.reduce(0) { $0 &+ tagger.matchOnly($1) }
}

measure("tag", "tag only (match + context + attribution, text bytes)", bytes: textBytes) {
    documents.reduce(0) { $0 &+ tagger.tag($1).suggestions.count }
}

// As retag tags: without the suppressed matches (``Tagger/tag(_:includeSuppressed:)``).
measure("tag-lean", "tag only, no suppressed matches (text bytes)", bytes: textBytes) {
    documents.reduce(0) { $0 &+ tagger.tag($1, includeSuppressed: false).suggestions.count }
}

measure("parse", "parse only (source bytes)", bytes: sourceBytes) {
    var count = 0
    for input in inputsLoaded where (try? reader.read(bytes: input.bytes, name: input.name)) != nil { count &+= 1 }
    return count
}

measure("e2e", "parse + tag end to end (source bytes)", bytes: sourceBytes) {
    var count = 0
    for input in inputsLoaded {
        guard let document = try? reader.read(bytes: input.bytes, name: input.name) else { continue }
        count &+= tagger.tag(document).suggestions.count
    }
    return count
}

let html = inputsLoaded.filter { $0.format == "html" || $0.format == "htm" || $0.format == "xhtml" }
if !html.isEmpty, html.count != inputsLoaded.count {
    let htmlBytes = html.reduce(0) { $0 + $1.bytes.count }
    measure("html", "parse + tag end to end, HTML only (source bytes)", bytes: htmlBytes) {
        var count = 0
        for input in html {
            guard let document = try? reader.read(bytes: input.bytes, name: input.name) else { continue }
            count &+= tagger.tag(document).suggestions.count
        }
        return count
    }
}
