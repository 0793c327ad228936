import AnnotationStore
import ArgumentParser
import ReviewModel

/// `revtag person FILE --subject victim [--gender G] [--age A] [--ethnicity E] [--name N]`.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Record or correct a person's demographics in a document.",
        discussion: """
            Fields not given keep the values the coder recorded before (the earlier record is kept \
            in the history). Example: revtag person corpus/dhr-ipv-01.html --subject victim --gender female --age 34 --ethnicity white
            """)

    @Argument(help: ArgumentHelp("The review document (a file, or a document already in the store).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Who: victim, perpetrator or unknown.", valueName: "subject"))
    var subject: String

    @Option(help: ArgumentHelp("female or male.", valueName: "gender"))
    var gender: String?

    @Option(help: ArgumentHelp("Age in years (34) or a range (30-39).", valueName: "age"))
    var age: String?

    @Option(help: ArgumentHelp("white, asian, black, mixed or other.", valueName: "ethnicity"))
    var ethnicity: String?

    @Option(help: ArgumentHelp("The name or pseudonym the review uses.", valueName: "name"))
    var name: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var coderOptions: CoderOptions

    func run() async throws {
        try StoreSupport.reporting {
            let person = try Person(
                subject: StoreSupport.subject(subject), name: name, gender: gender.map(StoreSupport.gender),
                age: age.map(StoreSupport.age), ethnicity: ethnicity.map(StoreSupport.ethnicity))
            let store = try StoreSupport.open(storeOptions)
            let prepared = try StoreSupport.prepare(file, store: store, codebookOptions: nil, tag: false)
            let stored = try store.recordPerson(document: prepared.path, person: person, coder: coderOptions.resolvedCoder)
            print("recorded \(ReviewSession.describe(stored.person)) in \(prepared.path) (coder \(stored.coder))")
        }
    }
}

extension StoreSupport {
    static func gender(_ string: String) throws -> Gender {
        guard let value = Gender(rawValue: string.lowercased()) else {
            throw CLIFailure(message: "unknown gender '\(string)'; valid: " + Gender.allCases.map(\.rawValue).joined(separator: ", "), code: RevtagExit.usage)
        }
        return value
    }

    static func ethnicity(_ string: String) throws -> Ethnicity {
        guard let value = Ethnicity(rawValue: string.lowercased()) else {
            throw CLIFailure(message: "unknown ethnicity '\(string)'; valid: " + Ethnicity.allCases.map(\.rawValue).joined(separator: ", "), code: RevtagExit.usage)
        }
        return value
    }

    static func age(_ string: String) throws -> Age {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if parts.count == 1, let years = parts[0], (0...120).contains(years) { return .years(years) }
        if parts.count == 2, let low = parts[0], let high = parts[1], 0 <= low, low <= high, high <= 120 { return .range(low, high) }
        throw CLIFailure(message: "age '\(string)' is not a number of years (34) or a range (30-39)", code: RevtagExit.usage)
    }
}
