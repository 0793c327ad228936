import Foundation
import ReviewModel

/// Renders the store's decisions for other tools: JSONL case records (what
/// `annotations import` reads), CSV (one row per document and tag), and W3C Web
/// Annotation JSON-LD (TextQuoteSelector + TextPositionSelector).
public enum AnnotationExport {
    /// The export formats.
    public enum Format: String, Sendable, CaseIterable {
        case jsonl
        case csv
        case w3c
    }

    /// One JSON object per line, keys in the order of the import format (document,
    /// reviewType, category, coder, tags, rejected, people; nested keys sorted), so that
    /// the same store always exports the same bytes.
    public static func jsonl(_ records: [CodedRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        func encoded<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        return try records.map { record in
            var fields = ["\"document\":" + (try encoded(record.document))]
            if let reviewType = record.reviewType { fields.append("\"reviewType\":" + (try encoded(reviewType))) }
            if let category = record.category { fields.append("\"category\":" + (try encoded(category))) }
            if let coder = record.coder { fields.append("\"coder\":" + (try encoded(coder))) }
            fields.append("\"tags\":" + (try encoded(record.tags)))
            if let rejected = record.rejected, !rejected.isEmpty { fields.append("\"rejected\":" + (try encoded(rejected))) }
            if let people = record.people, !people.isEmpty { fields.append("\"people\":" + (try encoded(people))) }
            return "{" + fields.joined(separator: ",") + "}\n"
        }.joined()
    }

    /// CSV (RFC 4180) with one row per document, coder and confirmed or added tag; the
    /// document's review type and category repeat on every row.
    public static func csv(_ records: [CodedRecord]) -> String {
        var lines = ["document,coder,review_type,category,tag,subject,status,quote,start,end,note"]
        for record in records {
            for tag in record.tags {
                lines.append([
                    record.document, record.coder ?? "", record.reviewType ?? "", record.category ?? "", tag.tag.description,
                    tag.key.subject?.rawValue ?? "", tag.status ?? "confirmed", tag.quote ?? "",
                    tag.start.map(String.init) ?? "", tag.end.map(String.init) ?? "", tag.note ?? "",
                ].map(field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A W3C Web Annotation collection (JSON-LD): one `tagging` annotation per confirmed or
    /// added decision in force; the body is the tag id, the target the document with a
    /// TextQuoteSelector and a TextPositionSelector (Unicode scalar offsets into the
    /// normalised text) when the decision is anchored.
    public static func w3c(_ decisions: [Decision]) throws -> String {
        let items: [[String: Any]] = decisions.filter { $0.status.isPositive }.map { decision in
            var bodies: [[String: Any]] = [
                ["type": "TextualBody", "purpose": "tagging", "value": decision.key.tag.description]
            ]
            if let subject = decision.key.subject {
                bodies.append(["type": "TextualBody", "purpose": "classifying", "value": "subject:\(subject.rawValue)"])
            }
            if let note = decision.note {
                bodies.append(["type": "TextualBody", "purpose": "commenting", "value": note])
            }
            var target: [String: Any] = ["source": decision.document]
            if let anchor = decision.anchor {
                target["selector"] = [
                    ["type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix],
                    ["type": "TextPositionSelector", "start": anchor.characterStart, "end": anchor.characterEnd],
                ]
            }
            var annotation: [String: Any] = [
                "id": "urn:revtag:decision:\(decision.id)",
                "type": "Annotation",
                "motivation": "tagging",
                "creator": ["type": "Person", "nickname": decision.coder],
                "created": decision.time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
                "generator": ["type": "Software", "name": "revtag \(RevtagInfo.version)"],
                "body": bodies,
                "target": target,
            ]
            if decision.orphaned { annotation["revtag:orphaned"] = true }
            return annotation
        }
        let collection: [String: Any] = [
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "AnnotationCollection",
            "label": "revtag decisions",
            "total": items.count,
            "first": ["type": "AnnotationPage", "startIndex": 0, "items": items],
        ]
        let data = try JSONSerialization.data(withJSONObject: collection, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension AnnotationStore {
    /// Every decision in force (all documents), for the W3C export.
    public func currentDecisions(coder: String? = nil) throws(StoreError) -> [Decision] {
        var all: [Decision] = []
        for document in try documents() {
            all += try decisions(document: document.path, coder: coder)
        }
        return all
    }

    /// Renders the store in an export format.
    public func export(format: AnnotationExport.Format, coder: String? = nil) throws(StoreError) -> String {
        do {
            switch format {
            case .jsonl: return try AnnotationExport.jsonl(codedRecords(coder: coder))
            case .csv: return AnnotationExport.csv(try codedRecords(coder: coder))
            case .w3c: return try AnnotationExport.w3c(currentDecisions(coder: coder))
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .invalidRequest("cannot render the \(format.rawValue) export: \(error)")
        }
    }
}
