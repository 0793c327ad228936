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
    /// extension and the bytes), ``Tagger`` tags with `codebook`.
    /// - Throws: ``RetagError/codebook(_:)`` when the codebook does not compile.
    public static func standard(codebook: Codebook, parseOptions: ParseOptions = ParseOptions()) throws(RetagError) -> RetagEngine {
        let tagger: Tagger
        do {
            tagger = try Tagger(codebook: codebook)
        } catch {
            throw .codebook("\(error)")
        }
        let reader = DocumentReader(options: parseOptions)
        var engine = RetagEngine(
            codebookVersion: codebook.version, codebookHash: codebook.hash, maxInputBytes: parseOptions.maxInputBytes,
            parserVersion: parserVersion(parseOptions),
            parse: { bytes, name in try reader.read(bytes: bytes, name: name) },
            tag: { document in tagger.tag(document) })
        // It compiled once, so it compiles again.
        engine.replicate = { try? standard(codebook: codebook, parseOptions: parseOptions) }
        return engine
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
