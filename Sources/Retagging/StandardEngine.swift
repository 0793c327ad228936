import ReviewModel
import ReviewParsing
import Tagging

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
            parse: { bytes, name in try reader.read(bytes: bytes, name: name) },
            tag: { document in tagger.tag(document) })
        // It compiled once, so it compiles again.
        engine.replicate = { try? standard(codebook: codebook, parseOptions: parseOptions) }
        return engine
    }
}
