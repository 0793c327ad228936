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
    /// The standard engine's parser version: revtag's version, this executable's build
    /// (size and modification time: every rebuild is a new parser, so a parser fix can never
    /// be hidden by documents it parsed before) and the parse options that change output.
    /// `maxInputBytes` is left out: it refuses files, it never changes a parse.
    public static func parserVersion(_ options: ParseOptions) -> String {
        "revtag \(RevtagInfo.version); build \(buildFingerprint); lenient \(options.lenient); depth \(options.maxDepth); "
            + "pdftohtml \(options.pdfConverter ?? "PATH")"
    }

    /// Size and modification time of the running executable ("unknown" when it cannot be found).
    static let buildFingerprint: String = {
        var candidates = ["/proc/self/exe"]
        if let path = Bundle.main.executablePath { candidates.append(path) }
        candidates.append(CommandLine.arguments[0])
        for path in candidates {
            guard let info = RetagInput.status(path), info.isRegular else { continue }
            return "\(info.size)-\(info.modified)"
        }
        return "unknown"
    }()
}
