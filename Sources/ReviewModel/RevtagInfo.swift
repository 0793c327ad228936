/// Facts about this build of revtag that every layer may record.
public enum RevtagInfo {
    /// The release version (semantic versioning).
    public static let version = "0.1.0"
}
