import Foundation
import GRDB
import ReviewModel

/// What an import did.
public struct ImportSummary: Hashable, Sendable {
    /// Records (lines) read.
    public var records: Int
    /// Decisions created (identical decisions already in force are not repeated).
    public var decisions: Int
    /// People records created.
    public var people: Int
    /// Documents the store did not know before.
    public var newDocuments: Int
}

extension AnnotationStore {
    // MARK: - Case records

    /// One record per document and coder: confirmed and added decisions in force, the
    /// category and review type decided (the review type falls back to the one detected in
    /// the document), and the people recorded. Imported records are included (an import
    /// creates decisions). Documents without a positive decision or person are left out.
    public func caseRecords(coder: String?) throws(StoreError) -> [CaseRecord] {
        let documents = try documents()
        let metadata = Dictionary(documents.map { ($0.path, $0.metadata) }, uniquingKeysWith: { first, _ in first })
        return try codedRecords(coder: coder).compactMap { record in
            var caseRecord = record.caseRecord
            if caseRecord.reviewType == nil, let detected = metadata[record.document]??.reviewType?.id {
                caseRecord.reviewType = detected
            }
            guard !caseRecord.tags.isEmpty || caseRecord.category != nil || !caseRecord.people.isEmpty else { return nil }
            return caseRecord
        }
    }

    /// The coded records of every document and coder (the JSONL export), with anchors and
    /// rejected tags, ordered by document then coder. A document imported for a coder is
    /// there even when the record held nothing (the coder found no tag).
    public func codedRecords(coder: String? = nil) throws(StoreError) -> [CodedRecord] {
        try read { db in
            let decisions = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.*, doc.path AS document_path FROM decisions d JOIN documents doc ON doc.id = d.document_id
                    WHERE d.superseded_by IS NULL AND d.status != 'withdrawn' AND (?1 IS NULL OR d.coder = ?1)
                    ORDER BY doc.path, d.coder, d.id
                    """,
                arguments: [coder]
            ).map(Self.decision)
            let people = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, doc.path AS document_path FROM people p JOIN documents doc ON doc.id = p.document_id
                    WHERE p.superseded_by IS NULL AND (?1 IS NULL OR p.coder = ?1)
                    ORDER BY doc.path, p.coder, p.id
                    """,
                arguments: [coder]
            ).map { Self.storedPerson($0, path: $0["document_path"]) }
            struct Key: Hashable, Comparable {
                var document: String
                var coder: String
                static func < (lhs: Key, rhs: Key) -> Bool { (lhs.document, lhs.coder) < (rhs.document, rhs.coder) }
            }
            var records: [Key: CodedRecord] = [:]
            // Documents coded as a whole (imported records), including those with nothing found.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT doc.path, c.coder FROM coded_documents c JOIN documents doc ON doc.id = c.document_id
                    WHERE ?1 IS NULL OR c.coder = ?1
                    """,
                arguments: [coder])
            {
                let key = Key(document: row[0], coder: row[1])
                records[key] = CodedRecord(document: key.document, coder: key.coder)
            }
            for decision in decisions {
                let key = Key(document: decision.document, coder: decision.coder)
                var record = records[key] ?? CodedRecord(document: decision.document, coder: decision.coder)
                let facet = decision.key.tag.facet
                if decision.status.isPositive, facet == Taxonomy.categoryFacet, record.category == nil {
                    record.category = decision.key.tag.id
                } else if decision.status.isPositive, facet == Taxonomy.reviewTypeFacet, record.reviewType == nil {
                    record.reviewType = decision.key.tag.id
                } else {
                    let tag = CodedRecord.Tag(
                        tag: decision.key.tag, subject: decision.key.subject,
                        status: decision.status == .added ? "added" : nil, quote: decision.anchor?.exact,
                        prefix: decision.anchor?.prefix, suffix: decision.anchor?.suffix, start: decision.anchor?.range.start,
                        end: decision.anchor?.range.end, note: decision.note)
                    if decision.status.isPositive {
                        record.tags.append(tag)
                    } else {
                        record.rejected = (record.rejected ?? []) + [tag]
                    }
                }
                records[key] = record
            }
            for person in people {
                let key = Key(document: person.document, coder: person.coder)
                var record = records[key] ?? CodedRecord(document: person.document, coder: person.coder)
                record.people = (record.people ?? []) + [person.person]
                records[key] = record
            }
            return records.sorted { $0.key < $1.key }.map { entry in
                var record = entry.value
                record.tags.sort { $0.key < $1.key }
                record.rejected?.sort { $0.key < $1.key }
                return record
            }
        }
    }

    // MARK: - Import

    /// Validates every line of a JSONL file of ``CodedRecord``s, then imports them all in
    /// one transaction, or nothing.
    /// - Parameters:
    ///   - contents: The file's text.
    ///   - file: Its name, for messages and provenance.
    ///   - defaultCoder: The coder of records that name none (nil: such records are invalid).
    ///   - actor: Who runs the import (for the audit log).
    ///   - isKnownTag: Which tag ids are valid (default: the taxonomy's).
    /// - Throws: ``StoreError/invalidImport(file:problems:)`` listing every bad line.
    @discardableResult
    public func importRecords(
        _ contents: String, file: String, defaultCoder: String?, actor: String,
        isKnownTag: (TagID) -> Bool = Taxonomy.contains
    ) throws(StoreError) -> ImportSummary {
        let records = try Self.parseImport(contents, file: file, defaultCoder: defaultCoder, isKnownTag: isKnownTag)
        return try write { db in
            let known = Set(try String.fetchAll(db, sql: "SELECT path FROM documents"))
            try db.executeCached(
                sql: "INSERT INTO imports (file, content_hash, record_count, imported_at, actor) VALUES (?, ?, ?, ?, ?)",
                arguments: [file, Self.contentHash(contents), records.count, Self.timestamp(Date()), actor])
            let importID = db.lastInsertedRowID
            var summary = ImportSummary(records: records.count, decisions: 0, people: 0, newDocuments: 0)
            for (_, record) in records {
                if !known.contains(record.document) { summary.newDocuments += 1 }
                let document = try Self.ensureDocument(db, path: record.document)
                let coder = record.coder ?? defaultCoder ?? actor
                try db.executeCached(
                    sql: "INSERT OR IGNORE INTO coded_documents (document_id, coder, import_id, recorded_at) VALUES (?, ?, ?, ?)",
                    arguments: [document.id, coder, importID, Self.timestamp(Date())])
                var entries: [(CodedRecord.Tag, DecisionStatus)] = []
                if let reviewType = record.reviewType {
                    entries.append((CodedRecord.Tag(tag: TagID(facet: Taxonomy.reviewTypeFacet, id: reviewType)), .confirmed))
                }
                if let category = record.category {
                    entries.append((CodedRecord.Tag(tag: TagID(facet: Taxonomy.categoryFacet, id: category)), .confirmed))
                }
                entries += record.tags.map { ($0, $0.status == "added" ? .added : .confirmed) }
                entries += (record.rejected ?? []).map { ($0, .rejected) }
                for (entry, status) in entries {
                    let anchor = Self.anchor(of: entry)
                    if let current = try db.fetchOneCached(
                        sql: """
                            SELECT status, quote_exact, start_offset FROM decisions WHERE document_id = ? AND tag = ? AND subject = ?
                              AND coder = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1
                            """,
                        arguments: [document.id, entry.tag.description, Self.subjectColumn(entry.key), coder]),
                        current["status"] == status.rawValue, current["quote_exact"] == anchor?.exact,
                        current["start_offset"] == anchor?.range.start
                    {
                        continue
                    }
                    _ = try Self.decide(
                        db, documentID: document.id, path: record.document, key: entry.key, status: status, coder: coder,
                        note: entry.note, anchor: anchor, suggestionID: nil, origin: .import, importID: importID)
                    summary.decisions += 1
                }
                let existing = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM people WHERE document_id = ? AND coder = ? AND superseded_by IS NULL ORDER BY id"),
                    arguments: [document.id, coder]
                ).map { (id: $0["id"] as Int64, person: Self.person($0)) }
                let incoming = record.people ?? []
                if Set(existing.map(\.person)) == Set(incoming) { continue }
                var replaced = Set<Int64>()
                for person in incoming {
                    let old = existing.first { $0.person.subject == person.subject && !replaced.contains($0.id) }
                    if let old { replaced.insert(old.id) }
                    _ = try Self.insertPerson(
                        db, documentID: document.id, path: record.document, person: person, coder: coder, origin: .import,
                        supersedes: old?.id, importID: importID)
                    summary.people += 1
                }
            }
            try Self.audit(
                db, actor: actor, action: "import", documentID: nil,
                detail: ["file": file, "records": records.count, "decisions": summary.decisions, "people": summary.people])
            return summary
        }
    }

    static func anchor(of entry: CodedRecord.Tag) -> TextAnchor? {
        guard let quote = entry.quote, let start = entry.start, let end = entry.end, end >= start else { return nil }
        let prefix = entry.prefix ?? ""
        let suffix = entry.suffix ?? ""
        // Character offsets cannot be known without the text; they are filled in when the
        // document is next registered (re-anchoring) and estimated here from the quote.
        return TextAnchor(
            exact: quote, prefix: prefix, suffix: suffix, range: TextRange(start: start, end: end),
            characterStart: start, characterEnd: start + quote.unicodeScalars.count)
    }

    /// Parses and validates every line; throws with every problem found.
    static func parseImport(
        _ contents: String, file: String, defaultCoder: String?, isKnownTag: (TagID) -> Bool
    ) throws(StoreError) -> [(line: Int, record: CodedRecord)] {
        var records: [(line: Int, record: CodedRecord)] = []
        var problems: [ImportProblem] = []
        var seen: [String: Int] = [:]
        let categories = Set(Taxonomy.ids(of: Taxonomy.categoryFacet))
        let reviewTypes = Set(Taxonomy.reviewTypes)
        // A byte-order mark (some spreadsheet and Windows tools write one) is not part of line 1.
        let body = contents.hasPrefix("\u{FEFF}") ? String(contents.dropFirst()) : contents
        for (index, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let record: CodedRecord
            do {
                record = try JSONDecoder().decode(CodedRecord.self, from: Data(line.utf8))
            } catch {
                problems.append(ImportProblem(line: lineNumber, reason: describe(error)))
                continue
            }
            var reasons: [String] = []
            if record.document.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("\"document\" is empty") }
            let coder = record.coder ?? defaultCoder
            if coder == nil || coder?.isEmpty == true {
                reasons.append("no \"coder\" (give one in the line or with --coder)")
            }
            if let reviewType = record.reviewType, !reviewTypes.contains(reviewType) {
                reasons.append("reviewType '\(reviewType)' is not one of \(Taxonomy.reviewTypes.joined(separator: ", "))")
            }
            if let category = record.category, !categories.contains(category) {
                reasons.append("category '\(category)' is not one of \(Taxonomy.ids(of: Taxonomy.categoryFacet).joined(separator: ", "))")
            }
            for (list, entries) in [("tags", record.tags), ("rejected", record.rejected ?? [])] {
                for (position, entry) in entries.enumerated() {
                    if !isKnownTag(entry.tag) {
                        reasons.append("\(list)[\(position)]: unknown tag id '\(entry.tag)' (`revtag codebook show` lists every tag)")
                    }
                    if entry.subject != nil, !entry.tag.takesSubject {
                        reasons.append("\(list)[\(position)]: '\(entry.tag)' takes no subject (only characteristic/* tags do)")
                    }
                    if let status = entry.status, list == "tags", status != "confirmed", status != "added" {
                        reasons.append("\(list)[\(position)]: status '\(status)' is not confirmed or added")
                    }
                    if let start = entry.start, let end = entry.end, start < 0 || end < start {
                        reasons.append("\(list)[\(position)]: start \(start) and end \(end) are not a range")
                    }
                }
            }
            if let coder {
                let key = "\(record.document)\u{0}\(coder)"
                if let first = seen[key] {
                    reasons.append("document '\(record.document)' by coder '\(coder)' is already on line \(first)")
                } else {
                    seen[key] = lineNumber
                }
            }
            if reasons.isEmpty {
                records.append((lineNumber, record))
            } else {
                problems += reasons.map { ImportProblem(line: lineNumber, reason: $0) }
            }
        }
        if !problems.isEmpty { throw .invalidImport(file: file, problems: problems) }
        return records
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON: \(error)" }
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath)
            return "missing \"\(key.stringValue)\"" + (at.isEmpty ? "" : " in \(at)")
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        @unknown default:
            return "\(error)"
        }
    }
}
