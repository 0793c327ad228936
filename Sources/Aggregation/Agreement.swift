import Foundation
import ReviewModel

/// Agreement between coders on which tags a document carries, in the unit of the report
/// tables: presence or absence of a (tag, subject) in a document.
///
/// - Percent agreement and Cohen's kappa (Cohen 1960): κ = (pₒ − pₑ) / (1 − pₑ), with
///   pₑ = p(A yes)·p(B yes) + p(A no)·p(B no). With more than two coders both are the mean
///   over coder pairs (Light's kappa).
/// - Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's
///   Alpha-Reliability"), from the coincidence matrix: α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
///
/// Only documents coded by every selected coder count. A statistic is nil when it is
/// undefined (no units, or chance agreement of 1: both coders never or always used a tag).
public enum Agreement {
    /// A 2×2 table of two coders' presence/absence judgements.
    public struct Table: Hashable, Sendable {
        /// Both said present.
        public var both = 0
        /// Only the first coder said present.
        public var firstOnly = 0
        /// Only the second coder said present.
        public var secondOnly = 0
        /// Both said absent.
        public var neither = 0

        public init(both: Int = 0, firstOnly: Int = 0, secondOnly: Int = 0, neither: Int = 0) {
            self.both = both
            self.firstOnly = firstOnly
            self.secondOnly = secondOnly
            self.neither = neither
        }

        /// Number of units judged.
        public var total: Int { both + firstOnly + secondOnly + neither }

        /// Adds one unit.
        public mutating func add(first: Bool, second: Bool) {
            switch (first, second) {
            case (true, true): both += 1
            case (true, false): firstOnly += 1
            case (false, true): secondOnly += 1
            case (false, false): neither += 1
            }
        }

        /// The sum of two tables.
        public static func + (lhs: Table, rhs: Table) -> Table {
            Table(
                both: lhs.both + rhs.both, firstOnly: lhs.firstOnly + rhs.firstOnly,
                secondOnly: lhs.secondOnly + rhs.secondOnly, neither: lhs.neither + rhs.neither)
        }
    }

    /// Observed agreement pₒ; nil for an empty table.
    public static func percentAgreement(_ table: Table) -> Double? {
        guard table.total > 0 else { return nil }
        return Double(table.both + table.neither) / Double(table.total)
    }

    /// Cohen's kappa; nil for an empty table or when chance agreement is 1.
    public static func cohensKappa(_ table: Table) -> Double? {
        guard table.total > 0 else { return nil }
        let n = Double(table.total)
        let observed = Double(table.both + table.neither) / n
        let firstYes = Double(table.both + table.firstOnly) / n
        let secondYes = Double(table.both + table.secondOnly) / n
        let expected = firstYes * secondYes + (1 - firstYes) * (1 - secondYes)
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }

    /// Krippendorff's alpha for nominal values. Each unit lists the values the coders gave
    /// (nil where a coder gave none); units with fewer than two values are not pairable
    /// and are left out. Nil when there is no pairable unit or no variation at all.
    public static func krippendorffAlphaNominal<Value: Hashable>(_ units: [[Value?]]) -> Double? {
        var coincidences: [Value: [Value: Double]] = [:]
        for unit in units {
            let values = unit.compactMap { $0 }
            let m = values.count
            guard m >= 2 else { continue }
            let weight = 1 / Double(m - 1)
            for (i, first) in values.enumerated() {
                for (j, second) in values.enumerated() where i != j {
                    coincidences[first, default: [:]][second, default: 0] += weight
                }
            }
        }
        let marginals = coincidences.mapValues { $0.values.reduce(0, +) }
        let n = marginals.values.reduce(0, +)
        guard n > 1 else { return nil }
        var disagreement = 0.0
        for (first, row) in coincidences {
            for (second, count) in row where second != first { disagreement += count }
        }
        var expected = 0.0
        for (first, nFirst) in marginals {
            for (second, nSecond) in marginals where second != first { expected += nFirst * nSecond }
        }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * disagreement / expected
    }

    /// The agreement report over coders' codings.
    /// - Parameters:
    ///   - codings: coder → document → the (tag, subject) keys the coder gave the document.
    ///     A document present (even with an empty set) counts as coded by that coder.
    ///   - coders: The coders to compare (default: all, sorted).
    public static func report(codings: [String: [String: Set<TagKey>]], coders selected: [String]? = nil) -> AgreementReport {
        let coders = selected ?? codings.keys.sorted()
        let documentSets = coders.map { Set(codings[$0]?.keys.map { $0 } ?? []) }
        let shared = (documentSets.first.map { first in documentSets.dropFirst().reduce(first) { $0.intersection($1) } } ?? []).sorted()
        func keys(_ coder: String, _ document: String) -> Set<TagKey> { codings[coder]?[document] ?? [] }
        var used = Set<TagKey>()
        for coder in coders { for document in shared { used.formUnion(keys(coder, document)) } }
        let tags = used.sorted()
        var pairs: [(Int, Int)] = []
        for i in coders.indices { for j in coders.indices where j > i { pairs.append((i, j)) } }

        func tables(for key: TagKey) -> [Table] {
            pairs.map { pair in
                var table = Table()
                for document in shared {
                    table.add(first: keys(coders[pair.0], document).contains(key), second: keys(coders[pair.1], document).contains(key))
                }
                return table
            }
        }
        func mean(_ values: [Double?]) -> Double? {
            let present = values.compactMap { $0 }
            guard !present.isEmpty, present.count == values.count else { return nil }
            return present.reduce(0, +) / Double(present.count)
        }
        var pooled = [Table](repeating: Table(), count: pairs.count)
        var perTag: [AgreementReport.TagScore] = []
        for key in tags {
            let keyTables = tables(for: key)
            for index in pooled.indices { pooled[index] = pooled[index] + keyTables[index] }
            perTag.append(AgreementReport.TagScore(
                tag: key.tag, subject: key.subject, percentAgreement: mean(keyTables.map(percentAgreement)),
                kappa: mean(keyTables.map(cohensKappa))))
        }
        var alpha: Double?
        if coders.count > 2 {
            let units = shared.flatMap { document in
                tags.map { key in coders.map { Optional(keys($0, document).contains(key)) } }
            }
            alpha = krippendorffAlphaNominal(units)
        }
        return AgreementReport(
            documents: shared.count, coders: coders,
            pooled: AgreementReport.Score(percentAgreement: mean(pooled.map(percentAgreement)), kappa: mean(pooled.map(cohensKappa))),
            perTag: perTag, krippendorffAlpha: alpha)
    }
}

/// The result of `revtag agreement` (its JSON form is an interface).
public struct AgreementReport: Hashable, Sendable {
    /// Percent agreement and kappa.
    public struct Score: Hashable, Sendable {
        public var percentAgreement: Double?
        public var kappa: Double?

        public init(percentAgreement: Double?, kappa: Double?) {
            self.percentAgreement = percentAgreement
            self.kappa = kappa
        }
    }

    /// The score of one (tag, subject).
    public struct TagScore: Hashable, Sendable {
        public var tag: TagID
        /// Only for characteristics.
        public var subject: Subject?
        public var percentAgreement: Double?
        public var kappa: Double?

        public init(tag: TagID, subject: Subject?, percentAgreement: Double?, kappa: Double?) {
            self.tag = tag
            self.subject = subject
            self.percentAgreement = percentAgreement
            self.kappa = kappa
        }
    }

    /// Documents coded by every compared coder.
    public var documents: Int
    public var coders: [String]
    /// Over every (document, tag, subject) where some coder used the tag in the shared documents.
    public var pooled: Score
    public var perTag: [TagScore]
    /// Only with more than two coders.
    public var krippendorffAlpha: Double?

    public init(documents: Int, coders: [String], pooled: Score, perTag: [TagScore], krippendorffAlpha: Double?) {
        self.documents = documents
        self.coders = coders
        self.pooled = pooled
        self.perTag = perTag
        self.krippendorffAlpha = krippendorffAlpha
    }

    /// The JSON interface: keys in the documented order, numbers rounded to 4 decimals,
    /// `null` for undefined statistics.
    public func json() -> String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "null" }
            let rounded = (value * 10_000).rounded() / 10_000
            return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
        }
        func string(_ value: String) -> String { JSONString.quoted(value) }
        let tags = perTag.map { score in
            var fields = ["\"tag\": \(string(score.tag.description))"]
            if let subject = score.subject { fields.append("\"subject\": \(string(subject.rawValue))") }
            fields.append("\"percentAgreement\": \(number(score.percentAgreement))")
            fields.append("\"kappa\": \(number(score.kappa))")
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        return """
            {
              "documents": \(documents),
              "coders": [\(coders.map(string).joined(separator: ", "))],
              "pooled": {"percentAgreement": \(number(pooled.percentAgreement)), "kappa": \(number(pooled.kappa))},
              "perTag": [\(tags.isEmpty ? "" : "\n" + tags.joined(separator: ",\n") + "\n  ")],
              "krippendorffAlpha": \(number(krippendorffAlpha))
            }

            """
    }

    /// A plain-text table for the terminal.
    public func text() -> String {
        func figure(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "n/a" }
            return String(format: "%.2f", value)
        }
        var lines = [
            "Coders: \(coders.joined(separator: ", "))  Documents coded by all: \(documents)",
            "Pooled: agreement \(figure(pooled.percentAgreement)), kappa \(figure(pooled.kappa))"
                + (coders.count > 2 ? ", Krippendorff's alpha \(figure(krippendorffAlpha))" : ""),
        ]
        if !perTag.isEmpty {
            let labels = perTag.map { score in score.subject.map { "\(score.tag) (\($0.rawValue))" } ?? score.tag.description }
            let width = max(3, labels.map(\.count).max() ?? 0)
            lines.append("")
            lines.append("tag".padding(toLength: width, withPad: " ", startingAt: 0) + "  agreement  kappa")
            for (label, score) in zip(labels, perTag) {
                let agreement = figure(score.percentAgreement)
                lines.append(
                    label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + String(repeating: " ", count: max(0, 9 - agreement.count)) + agreement + "  "
                        + String(repeating: " ", count: max(0, 5 - figure(score.kappa).count)) + figure(score.kappa))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
