import Foundation
import GRDB
import ReviewModel

extension AnnotationStore {
    /// Records a person's demographics as a coder states them. With `merge`, the fields
    /// left nil keep the values of the coder's record in force for the same subject, which
    /// the new record supersedes (a correction, audited). The document is registered by
    /// path when the store does not know it yet.
    @discardableResult
    public func recordPerson(
        document: String, person: Person, coder: String, origin: DecisionOrigin = .command, merge: Bool = true
    ) throws(StoreError) -> StoredPerson {
        try write { db in
            let stored = try Self.ensureDocument(db, path: document)
            let previous = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM people WHERE document_id = ? AND coder = ? AND subject = ? AND superseded_by IS NULL
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [stored.id, coder, person.subject.rawValue])
            var merged = person
            if merge, let previous {
                let old = Self.person(previous)
                merged.name = person.name ?? old.name
                merged.gender = person.gender ?? old.gender
                merged.age = person.age ?? old.age
                merged.ethnicity = person.ethnicity ?? old.ethnicity
            }
            return try Self.insertPerson(
                db, documentID: stored.id, path: document, person: merged, coder: coder, origin: origin,
                supersedes: previous?["id"], importID: nil)
        }
    }

    /// The people records in force of a document (of one coder, or all), by subject.
    public func people(document: String, coder: String? = nil) throws(StoreError) -> [StoredPerson] {
        try read { db in
            let documentID = try Self.documentID(db, path: document)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM people WHERE document_id = ?1 AND (?2 IS NULL OR coder = ?2) AND superseded_by IS NULL
                    ORDER BY coder, id
                    """,
                arguments: [documentID, coder]
            ).map { Self.storedPerson($0, path: document) }
        }
    }

    static func insertPerson(
        _ db: Database, documentID: Int64, path: String, person: Person, coder: String, origin: DecisionOrigin,
        supersedes: Int64?, importID: Int64?
    ) throws -> StoredPerson {
        let now = Date()
        try db.executeCached(
            sql: """
                INSERT INTO people (document_id, subject, name, gender, age, ethnicity, coder, recorded_at, origin, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                documentID, person.subject.rawValue, person.name, person.gender?.rawValue,
                try person.age.map { try json($0) }, person.ethnicity?.rawValue, coder, timestamp(now), origin.rawValue, importID,
            ])
        let id = db.lastInsertedRowID
        var detail: [String: any Sendable] = ["subject": person.subject.rawValue, "origin": origin.rawValue]
        if let name = person.name { detail["name"] = name }
        if let gender = person.gender { detail["gender"] = gender.rawValue }
        if let age = person.age { detail["age"] = age.description }
        if let ethnicity = person.ethnicity { detail["ethnicity"] = ethnicity.rawValue }
        if let supersedes {
            try db.executeCached(sql: "UPDATE people SET superseded_by = ? WHERE id = ?", arguments: [id, supersedes])
            detail["supersedes"] = supersedes
        }
        try audit(db, actor: coder, action: "person", documentID: documentID, personID: id, detail: detail)
        return StoredPerson(
            id: id, document: path, person: person, coder: coder, time: date(timestamp(now)), origin: origin, supersededBy: nil)
    }

    static func person(_ row: Row) -> Person {
        Person(
            subject: Subject(rawValue: row["subject"]) ?? .unknown, name: row["name"],
            gender: (row["gender"] as String?).flatMap(Gender.init(rawValue:)),
            age: decode(Age.self, row["age"]),
            ethnicity: (row["ethnicity"] as String?).flatMap(Ethnicity.init(rawValue:)))
    }

    static func storedPerson(_ row: Row, path: String) -> StoredPerson {
        StoredPerson(
            id: row["id"], document: path, person: person(row), coder: row["coder"], time: date(row["recorded_at"]),
            origin: DecisionOrigin(rawValue: row["origin"]) ?? .command, supersededBy: row["superseded_by"])
    }
}
