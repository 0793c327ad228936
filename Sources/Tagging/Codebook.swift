import Foundation
import ReviewModel
import Yams

/// The codebook: for every tag id a label, a definition and keyword rules, plus the context
/// lexicons (negation, hypothetical, termination, pseudo-triggers) and the people lexicons
/// (role phrases, kinship nouns, pseudonym declarations, ethnicity phrases).
///
/// Rules are data. A phrase is a sequence of words matched on whole word tokens,
/// case-insensitively, with this small syntax:
/// - `word` matches the word and its regular inflections (`stab` also matches `stabs`,
///   `stabbed`, `stabbing`); `=word` matches the word exactly;
/// - `word*` matches any word that starts with `word` (`alcohol*` matches `alcoholic`);
/// - `(drank|drinking)` or `[drank|drinking]` is a choice of one; `(to)` (one alternative) or
///   `(to|into)?` is optional; alternatives may be several words (`(a lot of|much)`);
/// - `record(s)`, `physical(ly)`, `spous(e|al)`: endings of the word before (optional when
///   there is one ending);
/// - `{0,3}` is a gap of zero to three arbitrary words.
/// Hyphens and apostrophes separate words, so `alcohol related` also matches `alcohol-related`.
///
/// ```swift
/// let codebook = try Codebook.loadDefault()
/// print(codebook.label(for: TagID("characteristic/alcohol-misuse")!) ?? "")
/// ```
public struct Codebook: Sendable {
    /// One tag of the codebook with its rules.
    public struct Entry: Sendable, Hashable {
        /// The tag id.
        public var tag: TagID
        /// A short human label.
        public var label: String
        /// What the tag means (for coders and hover text).
        public var definition: String
        /// Phrase rules; rule `n` (1-based, in this order) has the id `<id>/<n>`.
        public var phrases: [String]
        /// Proximity rules, numbered after the phrases.
        public var near: [ProximityRule]
        /// Phrases that, when they overlap a match of this tag, suppress it ("not gang related").
        public var exclude: [String]
        /// Whether this tag ignores negation and hypothetical context (rare; for example
        /// practice findings that are themselves stated as absences).
        public var ignoreContext: Bool
        /// What a match must be about to count: `incident` (a sentence about the incident:
        /// weapons, locations), `victim` or `perpetrator` (outcomes), or nil for anything.
        public var about: String?

        public init(
            tag: TagID, label: String, definition: String, phrases: [String] = [], near: [ProximityRule] = [],
            exclude: [String] = [], ignoreContext: Bool = false, about: String? = nil
        ) {
            self.tag = tag
            self.label = label
            self.definition = definition
            self.phrases = phrases
            self.near = near
            self.exclude = exclude
            self.ignoreContext = ignoreContext
            self.about = about
        }

        /// Number of rules (phrases plus proximity rules).
        public var ruleCount: Int { phrases.count + near.count }
    }

    /// A proximity rule: a phrase of `a` within `within` words of a phrase of `b`, in the
    /// same sentence, in either order.
    public struct ProximityRule: Sendable, Hashable, Codable {
        public var a: [String]
        public var b: [String]
        public var within: Int

        public init(a: [String], b: [String], within: Int) {
            self.a = a
            self.b = b
            self.within = within
        }
    }

    /// Negation, hypothetical and termination lexicons.
    public struct ContextLexicon: Sendable, Hashable {
        /// Triggers before the phrase ("no evidence of", "denied").
        public var negationPre: [String] = []
        /// Triggers after the phrase ("was ruled out", "was denied").
        public var negationPost: [String] = []
        /// Phrases that contain a trigger but do not negate ("not only", "no doubt").
        public var pseudo: [String] = []
        /// Words that end a trigger's scope ("but", "however").
        public var termination: [String] = []
        /// Hypothetical, future or recommended mentions ("should", "risk of").
        public var hypotheticalPre: [String] = []
        /// Hypothetical triggers after the phrase ("was considered", "were explored").
        public var hypotheticalPost: [String] = []
        /// Heading words whose sections are recommendations or hypotheticals.
        public var hypotheticalSections: [String] = []
        /// Phrases that mark a sentence as being about the incident itself ("was killed",
        /// "on the night of"), for tags that are `about: incident`.
        public var incident: [String] = []
        /// Maximum words between a pre-trigger and the phrase.
        public var preScope = 12
        /// Maximum words between the phrase and a post-trigger.
        public var postScope = 5

        public init() {}
    }

    /// A kinship or relationship noun ("husband", "mother's partner").
    public struct Kin: Sendable, Hashable {
        /// Phrases naming the relative ("husband", "mother's partner").
        public var phrases: [String]
        /// The relative's gender when the noun states it.
        public var gender: Gender?
        /// The `relationship-type` id the noun implies when the relative is the perpetrator
        /// and the possessor is the victim ("her husband" → partner).
        public var relation: String
        /// Whether the relative is a parent of the possessor (for the child-victim tags).
        public var isParent: Bool

        public init(phrases: [String], gender: Gender?, relation: String, isParent: Bool = false) {
            self.phrases = phrases
            self.gender = gender
            self.relation = relation
            self.isParent = isParent
        }
    }

    /// Lexicons for finding the people of a review.
    public struct PeopleLexicon: Sendable, Hashable {
        /// Phrases that name the victim ("the victim", "the deceased").
        public var victim: [String] = []
        /// Phrases that name the perpetrator ("the perpetrator", "the alleged perpetrator").
        public var perpetrator: [String] = []
        /// Phrases that name a child subject of a children's review ("the child", "the baby").
        public var child: [String] = []
        /// Phrases that introduce a pseudonym ("referred to as", "known as").
        public var declare: [String] = []
        /// Event cues after or before a name that mark the victim ("was killed", "the death of").
        public var victimAfter: [String] = []
        public var victimBefore: [String] = []
        /// Event cues after or before a name that mark the perpetrator ("was convicted", "killed by").
        public var perpetratorAfter: [String] = []
        public var perpetratorBefore: [String] = []
        /// Kinship and relationship nouns.
        public var kin: [Kin] = []
        /// Words stating a gender ("woman", "mother").
        public var female: [String] = []
        public var male: [String] = []
        /// Phrases stating an ethnicity, by group.
        public var ethnicity: [Ethnicity: [String]] = [:]

        public init() {}
    }

    /// The codebook's version (from the file).
    public var version: String
    /// A stable hash of the file's bytes (FNV-1a 64, hex).
    public var hash: String
    /// Where it was loaded from (`nil` for the shipped default).
    public var path: String?
    /// The tag entries in file order.
    public var entries: [Entry]
    /// Context lexicons.
    public var context: ContextLexicon
    /// People lexicons.
    public var people: PeopleLexicon

    /// Creates a codebook from parts (tests and tools; files go through ``load(path:)``).
    public init(
        version: String, hash: String = "", path: String? = nil, entries: [Entry], context: ContextLexicon = ContextLexicon(),
        people: PeopleLexicon = PeopleLexicon()
    ) {
        self.version = version
        self.hash = hash
        self.path = path
        self.entries = entries
        self.context = context
        self.people = people
    }

    /// The entry of a tag, if the codebook has one.
    public func entry(for tag: TagID) -> Entry? {
        entries.first { $0.tag == tag }
    }

    /// The label of a tag, if the codebook has one.
    public func label(for tag: TagID) -> String? { entry(for: tag)?.label }

    /// The definition of a tag, if the codebook has one.
    public func definition(for tag: TagID) -> String? { entry(for: tag)?.definition }

    /// The id prefix of a tag's rules: the bare id when no other facet uses it
    /// (`alcohol-misuse`), else `facet.id` (`agency.school`).
    public func rulePrefix(for tag: TagID) -> String {
        let clashes = entries.contains { $0.tag.id == tag.id && $0.tag.facet != tag.facet }
        return clashes ? "\(tag.facet).\(tag.id)" : tag.id
    }

    /// Loads the codebook shipped with revtag.
    public static func loadDefault() throws(CodebookError) -> Codebook {
        guard let url = Bundle.module.url(forResource: "codebook", withExtension: "yaml") else {
            throw CodebookError.missingDefault
        }
        guard let data = try? Data(contentsOf: url) else { throw CodebookError.missingDefault }
        return try parse(bytes: [UInt8](data), path: nil)
    }

    /// Loads a codebook YAML file.
    public static func load(path: String) throws(CodebookError) -> Codebook {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CodebookError.unreadable(path: path)
        }
        return try parse(bytes: [UInt8](data), path: path)
    }

    /// Parses codebook YAML; `path` only names the input in errors.
    public static func parse(bytes: [UInt8], path: String?) throws(CodebookError) -> Codebook {
        let name = path ?? "shipped codebook.yaml"
        guard let yaml = String(validating: bytes, as: UTF8.self) else {
            throw CodebookError.invalid(path: name, message: "the file is not valid UTF-8")
        }
        let file: CodebookFile
        do {
            file = try YAMLDecoder().decode(CodebookFile.self, from: yaml)
        } catch {
            throw CodebookError.invalid(path: name, message: "\(error)")
        }
        var entries: [Entry] = []
        var seen: Set<TagID> = []
        for raw in file.tags {
            guard let tag = TagID(raw.tag) else {
                throw CodebookError.invalid(path: name, message: "'\(raw.tag)' is not a tag id of the form facet/id")
            }
            guard seen.insert(tag).inserted else {
                throw CodebookError.invalid(path: name, message: "tag \(tag) is listed twice")
            }
            entries.append(
                Entry(
                    tag: tag, label: raw.label ?? tag.id, definition: raw.definition ?? "", phrases: raw.phrases ?? [],
                    near: raw.near ?? [], exclude: raw.exclude ?? [], ignoreContext: raw.ignoreContext ?? false,
                    about: raw.about))
        }
        var context = ContextLexicon()
        if let raw = file.context {
            context.negationPre = raw.negationPre ?? []
            context.negationPost = raw.negationPost ?? []
            context.pseudo = raw.pseudo ?? []
            context.termination = raw.termination ?? []
            context.hypotheticalPre = raw.hypotheticalPre ?? []
            context.hypotheticalPost = raw.hypotheticalPost ?? []
            context.hypotheticalSections = raw.hypotheticalSections ?? []
            context.incident = raw.incident ?? []
            context.preScope = raw.preScope ?? context.preScope
            context.postScope = raw.postScope ?? context.postScope
        }
        var people = PeopleLexicon()
        if let raw = file.people {
            people.victim = raw.victim ?? []
            people.perpetrator = raw.perpetrator ?? []
            people.child = raw.child ?? []
            people.declare = raw.declare ?? []
            people.victimAfter = raw.victimAfter ?? []
            people.victimBefore = raw.victimBefore ?? []
            people.perpetratorAfter = raw.perpetratorAfter ?? []
            people.perpetratorBefore = raw.perpetratorBefore ?? []
            people.female = raw.female ?? []
            people.male = raw.male ?? []
            for kin in raw.kin ?? [] {
                let gender = kin.gender.flatMap(Gender.init(rawValue:))
                people.kin.append(Kin(phrases: kin.phrases, gender: gender, relation: kin.relation, isParent: kin.parent ?? false))
            }
            for (key, phrases) in raw.ethnicity ?? [:] {
                guard let group = Ethnicity(rawValue: key) else {
                    throw CodebookError.invalid(path: name, message: "unknown ethnicity group '\(key)' (use white, asian, black, mixed, other)")
                }
                people.ethnicity[group] = phrases
            }
        }
        return Codebook(
            version: file.version, hash: FNV1a.hex(bytes), path: path, entries: entries, context: context, people: people)
    }
}

/// Why a codebook could not be loaded or compiled.
public enum CodebookError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The shipped codebook is missing from the bundle (a broken install).
    case missingDefault
    /// The file could not be read.
    case unreadable(path: String)
    /// The file is not a valid codebook.
    case invalid(path: String, message: String)
    /// A rule cannot be compiled.
    case badRule(rule: String, phrase: String, message: String)

    public var description: String {
        switch self {
        case .missingDefault:
            "the shipped codebook.yaml is missing from revtag's resources; reinstall revtag or pass --codebook PATH"
        case .unreadable(let path):
            "\(path): cannot read the codebook; check the path or pass --codebook PATH"
        case .invalid(let path, let message):
            "\(path): not a valid codebook: \(message)"
        case .badRule(let rule, let phrase, let message):
            "rule \(rule) ('\(phrase)'): \(message); fix the phrase in the codebook"
        }
    }
}

/// The YAML layout of a codebook file.
struct CodebookFile: Decodable {
    struct Tag: Decodable {
        var tag: String
        var label: String?
        var definition: String?
        var phrases: [String]?
        var near: [Codebook.ProximityRule]?
        var exclude: [String]?
        var ignoreContext: Bool?
        var about: String?

        enum CodingKeys: String, CodingKey {
            case tag, label, definition, phrases, near, exclude, about
            case ignoreContext = "ignore_context"
        }
    }

    struct Context: Decodable {
        var negationPre: [String]?
        var negationPost: [String]?
        var pseudo: [String]?
        var termination: [String]?
        var hypotheticalPre: [String]?
        var hypotheticalPost: [String]?
        var hypotheticalSections: [String]?
        var incident: [String]?
        var preScope: Int?
        var postScope: Int?

        enum CodingKeys: String, CodingKey {
            case pseudo, termination, incident
            case negationPre = "negation_pre"
            case negationPost = "negation_post"
            case hypotheticalPre = "hypothetical_pre"
            case hypotheticalPost = "hypothetical_post"
            case hypotheticalSections = "hypothetical_sections"
            case preScope = "pre_scope"
            case postScope = "post_scope"
        }
    }

    struct Kin: Decodable {
        var phrases: [String]
        var gender: String?
        var relation: String
        var parent: Bool?
    }

    struct People: Decodable {
        var victim: [String]?
        var perpetrator: [String]?
        var child: [String]?
        var declare: [String]?
        var female: [String]?
        var male: [String]?
        var kin: [Kin]?
        var ethnicity: [String: [String]]?
        var victimAfter: [String]?
        var victimBefore: [String]?
        var perpetratorAfter: [String]?
        var perpetratorBefore: [String]?

        enum CodingKeys: String, CodingKey {
            case victim, perpetrator, child, declare, female, male, kin, ethnicity
            case victimAfter = "victim_after"
            case victimBefore = "victim_before"
            case perpetratorAfter = "perpetrator_after"
            case perpetratorBefore = "perpetrator_before"
        }
    }

    var version: String
    var context: Context?
    var people: People?
    var tags: [Tag]
}

/// FNV-1a, 64 bits: a small stable hash for codebook identity.
enum FNV1a {
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let value = String(hash(bytes), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
