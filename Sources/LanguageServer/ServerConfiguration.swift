import JSONRPC

/// What the server is configured with: defaults from the command line, overridden by the
/// client's `initializationOptions`, `workspace/configuration` (section `revtag`) and
/// `workspace/didChangeConfiguration`.
public struct ServerConfiguration: Sendable, Hashable {
    /// The annotation store; nil means `annotations/revtag.sqlite` under the workspace root.
    public var storePath: String?
    /// A codebook YAML; nil means `revtag.yaml` in the workspace root when present, else the shipped one.
    public var codebookPath: String?
    /// Who is coding; nil means `REVTAG_CODER`, then the login name.
    public var coder: String?
    /// Most diagnostics published per document (the highest-ranked are kept).
    public var maxDiagnostics: Int
    /// Whether confirmed tags are shown (as hints).
    public var showConfirmed: Bool
    /// The mark put before a confirmed tag's message.
    public var confirmedMark: String
    /// When a document's analysis takes at least this long, an edit first publishes the
    /// previous diagnostics moved along with the edit (`"provisional": true`), then the exact
    /// ones; `.infinity` turns that off.
    public var provisionalThresholdMilliseconds: Double

    /// The defaults: no paths, 500 diagnostics per document, confirmed tags shown with "✓ confirmed".
    public init(
        storePath: String? = nil, codebookPath: String? = nil, coder: String? = nil, maxDiagnostics: Int = 500,
        showConfirmed: Bool = true, confirmedMark: String = "✓ confirmed", provisionalThresholdMilliseconds: Double = 30
    ) {
        self.provisionalThresholdMilliseconds = provisionalThresholdMilliseconds
        self.storePath = storePath
        self.codebookPath = codebookPath
        self.coder = coder
        self.maxDiagnostics = maxDiagnostics
        self.showConfirmed = showConfirmed
        self.confirmedMark = confirmedMark
    }

    /// Applies the members a client sent (`{"store": ..., "codebook": ..., "coder": ...,
    /// "maxDiagnostics": n, "showConfirmed": b, "confirmedMark": s}`); unknown members are
    /// ignored, a member of the wrong type is reported.
    mutating func apply(_ json: JSONValue?) -> [String] {
        guard let json, case .object(let members) = json else { return [] }
        var problems: [String] = []
        func string(_ key: String, _ update: (String?) -> Void) {
            guard let value = members[key] else { return }
            if value.isNull { update(nil) } else if let string = value.stringValue {
                update(string.isEmpty ? nil : string)
            } else {
                problems.append("revtag.\(key) must be a string")
            }
        }
        string("store") { storePath = $0 }
        string("storePath") { storePath = $0 }
        string("codebook") { codebookPath = $0 }
        string("codebookPath") { codebookPath = $0 }
        string("coder") { coder = $0 }
        if let value = members["maxDiagnostics"] {
            if let count = value.intValue, count >= 0 { maxDiagnostics = count } else { problems.append("revtag.maxDiagnostics must be a non-negative integer") }
        }
        if let value = members["showConfirmed"] {
            if let flag = value.boolValue { showConfirmed = flag } else { problems.append("revtag.showConfirmed must be true or false") }
        }
        if let value = members["provisionalAfterMilliseconds"] {
            if let number = value.doubleValue, number >= 0 {
                provisionalThresholdMilliseconds = number
            } else if value.boolValue == false || value.isNull {
                provisionalThresholdMilliseconds = .infinity
            } else {
                problems.append("revtag.provisionalAfterMilliseconds must be a non-negative number, or false to turn it off")
            }
        }
        if let value = members["confirmedMark"] {
            if let mark = value.stringValue { confirmedMark = mark } else { problems.append("revtag.confirmedMark must be a string") }
        }
        return problems
    }
}
