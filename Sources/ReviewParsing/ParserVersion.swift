/// The version of what ``DocumentReader`` produces.
///
/// Caches of parsed documents (such as the retag parse cache) use this string as part of
/// their key. **Bump it whenever any change could alter a parsed `ReviewDocument`** — its
/// text, blocks, sentences, source map or metadata — for any input, including changes in
/// ReviewModel's `DocumentBuilder` or `SentenceSplitter` that the parsers rely on.
/// Changes that only make parsing faster while keeping every document identical leave it
/// as it is.
public enum ParserVersion {
    /// The current parser output version (bump on any output change; see the type's note).
    public static let current: String = "parse-2"
}
