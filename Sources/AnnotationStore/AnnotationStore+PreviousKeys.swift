import Foundation
import GRDB
import ReviewModel

extension AnnotationStore {
    /// Below this many documents, ``previousSuggestionKeys(documents:)`` looks each one up by
    /// name; above it, one ordered scan of every document's latest run is cheaper.
    static let previousKeysLookupLimit = 256

    /// For each of `documents` that some run covered: the suggestion keys (tag and subject,
    /// in recorded order) of the latest run that covered it, empty when that run recorded
    /// none. Documents no run covered are absent. The same keys as
    /// ``latestRuns()`` followed by ``suggestionKeys(_:)`` per document, in one read
    /// transaction: one ordered query for many documents, lookups by name for a few.
    public func previousSuggestionKeys(documents: [String]) throws(StoreError) -> [String: [TagKey]] {
        try previousSuggestionKeys(documents: documents, scan: documents.count > Self.previousKeysLookupLimit)
    }

    /// ``previousSuggestionKeys(documents:)`` with the strategy chosen (`scan`: one ordered
    /// query over every document's latest run; otherwise lookups by name). Tests compare the two.
    func previousSuggestionKeys(documents: [String], scan: Bool) throws(StoreError) -> [String: [TagKey]] {
        guard !documents.isEmpty else { return [:] }
        return try read { db in
            var interned = TagKeyInterner()
            var result: [String: [TagKey]] = [:]
            if !scan {
                let documentID = try db.cachedStatement(sql: "SELECT id FROM documents WHERE path = ?")
                let latest = try db.cachedStatement(sql: "SELECT MAX(run_id) FROM run_documents WHERE document_id = ?")
                let keys = try db.cachedStatement(sql: "SELECT tag, subject FROM suggestions WHERE document_id = ? AND run_id = ? ORDER BY id")
                for name in documents where result[name] == nil {
                    guard let id = try Int64.fetchOne(documentID, arguments: [name]),
                        let run = try Int64.fetchOne(latest, arguments: [id])
                    else { continue }
                    var list: [TagKey] = []
                    let rows = try Row.fetchCursor(keys, arguments: [id, run])
                    while let row = try rows.next() { list.append(interned.key(tag: row[0], subject: row[1])) }
                    result[name] = list
                }
                return result
            }
            let wanted = Set(documents)
            // Each document's latest run, then its suggestions by the (document_id, run_id)
            // index; a LEFT JOIN keeps documents whose latest run recorded nothing. Stepped on
            // SQLite's own statement: a row's tag and subject are interned from their bytes
            // (tens of thousands of rows, a few hundred distinct keys), not made into strings.
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT l.document_id, doc.path, s.tag, s.subject
                    FROM (SELECT document_id, MAX(run_id) AS run_id FROM run_documents GROUP BY document_id) l
                    JOIN documents doc ON doc.id = l.document_id
                    LEFT JOIN suggestions s ON s.document_id = l.document_id AND s.run_id = l.run_id
                    ORDER BY l.document_id, s.id
                    """)
            var currentID: Int64?
            var currentPath = ""
            var currentKeys: [TagKey] = []
            var keep = false
            while try statement.step() {
                let id = statement.int64(0)
                if id != currentID {
                    if keep { result[currentPath] = currentKeys }
                    currentID = id
                    currentPath = String(decoding: statement.text(1), as: UTF8.self)
                    currentKeys = []
                    keep = wanted.contains(currentPath)
                }
                guard keep, !statement.isNull(2) else { continue }
                currentKeys.append(interned.key(tag: statement.text(2), subject: statement.text(3)))
            }
            if keep { result[currentPath] = currentKeys }
            return result
        }
    }
}

/// Parses each distinct (tag, subject) pair once: a store holds a few hundred distinct keys
/// over hundreds of thousands of rows.
struct TagKeyInterner {
    private var keys: [String: [String: TagKey]] = [:]
    /// Keys by the hash of their columns' bytes, for ``key(tag:subject:)`` on bytes.
    private var byBytes: [Int: [(tag: [UInt8], subject: [UInt8], key: TagKey)]] = [:]

    /// ``key(tag:subject:)`` of the columns' UTF-8 bytes: no string is made for a key seen before.
    mutating func key(tag: UnsafeBufferPointer<UInt8>, subject: UnsafeBufferPointer<UInt8>) -> TagKey {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(tag))
        hasher.combine(tag.count)
        hasher.combine(bytes: UnsafeRawBufferPointer(subject))
        let hash = hasher.finalize()
        if let known = byBytes[hash] {
            for entry in known where entry.tag.elementsEqual(tag) && entry.subject.elementsEqual(subject) { return entry.key }
        }
        let key = key(tag: String(decoding: tag, as: UTF8.self), subject: String(decoding: subject, as: UTF8.self))
        byBytes[hash, default: []].append((Array(tag), Array(subject), key))
        return key
    }

    mutating func key(tag: String, subject: String) -> TagKey {
        if let key = keys[tag]?[subject] { return key }
        let key = AnnotationStore.tagKey(tag: tag, subject: subject)
        keys[tag, default: [:]][subject] = key
        return key
    }
}
