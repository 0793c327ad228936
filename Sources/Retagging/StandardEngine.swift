import Foundation
import ReviewModel
import ReviewParsing
import Tagging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RetagEngine {
    /// The engine of `revtag retag`: ``DocumentReader`` parses (format from the name's
    /// extension and the bytes), ``Tagger`` tags with `codebook`, without recording
    /// suppressed matches (``TaggingResult/suppressed`` stays empty: retag stores and
    /// compares suggestions and the category only).
    /// - Throws: ``RetagError/codebook(_:)`` when the codebook does not compile.
    public static func standard(codebook: Codebook, parseOptions: ParseOptions = ParseOptions()) throws(RetagError) -> RetagEngine {
        let tagger: Tagger
        do {
            tagger = try Tagger(codebook: codebook)
        } catch {
            throw .codebook("\(error)")
        }
        let reader = DocumentReader(options: parseOptions)
        // Every worker tags with this one compiled tagger (see `RetagEngine.replicate`).
        return RetagEngine(
            codebookVersion: codebook.version, codebookHash: codebook.hash, maxInputBytes: parseOptions.maxInputBytes,
            parserVersion: parserVersion(parseOptions),
            parse: { bytes, name in try reader.read(bytes: bytes, name: name) },
            tag: { document in tagger.tag(document, includeSuppressed: false) })
    }
}

extension RetagEngine {
    /// ``standard(codebook:parseOptions:)`` with the codebook compiled on a thread of its own
    /// (about a third of a second), so that ``Retagger`` lists the files and reads the store
    /// meanwhile. ``waitUntilReady`` waits for it: the retagger calls it before the first
    /// document, and not at all when nothing needs re-tagging (a no-change re-run does not
    /// wait for a compilation it does not need). A codebook that does not compile fails the
    /// run there, with ``RetagError/codebook(_:)``.
    public static func standardCompiledInBackground(codebook: Codebook, parseOptions: ParseOptions = ParseOptions()) -> RetagEngine {
        let compilation = BackgroundCompilation(codebook: codebook)
        let reader = DocumentReader(options: parseOptions)
        var engine = RetagEngine(
            codebookVersion: codebook.version, codebookHash: codebook.hash, maxInputBytes: parseOptions.maxInputBytes,
            parserVersion: parserVersion(parseOptions),
            parse: { bytes, name in try reader.read(bytes: bytes, name: name) },
            tag: { document in compilation.compiledTagger().tag(document, includeSuppressed: false) })
        engine.waitUntilReady = { () throws(RetagError) in _ = try compilation.tagger() }
        // Every worker tags with the one compiled tagger (see `RetagEngine.replicate`).
        return engine
    }
}

/// A ``Tagger`` compiled on a thread started at once. `@unchecked Sendable`: `result` is
/// written once and read under `condition`'s lock.
final class BackgroundCompilation: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Tagger, RetagError>?

    init(codebook: Codebook) {
        let thread = Thread { [self] in
            let compiled: Result<Tagger, RetagError>
            do {
                compiled = .success(try Tagger(codebook: codebook))
            } catch {
                compiled = .failure(.codebook("\(error)"))
            }
            condition.lock()
            result = compiled
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "revtag.retag.compile"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The compiled tagger, once compiled; the compilation's error otherwise.
    func tagger() throws(RetagError) -> Tagger {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }

    /// The tagger for tagging: ``tagger()`` succeeded before (``RetagEngine/waitUntilReady``).
    func compiledTagger() -> Tagger {
        do {
            return try tagger()
        } catch {
            preconditionFailure("a document was tagged although the codebook did not compile: \(error)")
        }
    }
}

extension RetagEngine {
    /// The standard engine's parser version: ``ParserVersion/current`` (bumped by the parser's
    /// authors whenever a parsed document may change) and the parse options that change
    /// output. Rebuilding revtag keeps the parse cache; a new parser version starts a new
    /// one (the cache adds its own entry and ``DocumentArchive`` layout versions to the key).
    /// `maxInputBytes` and `pdfTimeout` are left out: they refuse files, they never change a parse.
    public static func parserVersion(_ options: ParseOptions) -> String {
        "parser \(ParserVersion.current); lenient \(options.lenient); depth \(options.maxDepth); "
            + "pdftohtml \(options.pdfConverter ?? "PATH")"
    }
}
