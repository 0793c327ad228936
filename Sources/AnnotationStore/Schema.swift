import GRDB

/// The store's migrations. A migration is never edited once it has landed on main:
/// schema changes are new migrations ("v2-...") appended here.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-retag") { db in try db.execute(sql: RetagSchema.v2) }
        migrator.registerMigration("v3-coded-documents") { db in try db.execute(sql: v3) }
        migrator.registerMigration("v4-suggestions-without-run-index") { db in try db.execute(sql: v4) }
        return migrator
    }

    /// Every query of suggestions is by document and run (`suggestions_document_run`), and
    /// runs are never deleted, so the index by run alone only cost each insert of a bulk
    /// retag (and space). Stores keep their rows; evidence written since is in the compact
    /// encoding (``EvidenceCodec``), older rows stay JSON and read the same.
    private static let v4 = """
        DROP INDEX IF EXISTS suggestions_run;
        """

    /// Which coder coded which document as a whole, even when the record holds no tag (a
    /// coder who found nothing): imports write it, so that agreement counts the document.
    private static let v3 = """
        CREATE TABLE coded_documents (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            coder TEXT NOT NULL,
            import_id INTEGER REFERENCES imports(id),
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (document_id, coder)
        );
        CREATE INDEX coded_documents_import ON coded_documents(import_id);
        """

    /// Plain SQL (no application types), so that the migration never changes meaning.
    private static let v1 = """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            content_hash TEXT,
            metadata TEXT,
            text_length INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE suggestion_runs (
            id INTEGER PRIMARY KEY,
            codebook_version TEXT NOT NULL,
            codebook_hash TEXT NOT NULL,
            revtag_version TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed'))
        );

        CREATE TABLE run_documents (
            run_id INTEGER NOT NULL REFERENCES suggestion_runs(id),
            document_id INTEGER NOT NULL REFERENCES documents(id),
            content_hash TEXT NOT NULL,
            PRIMARY KEY (run_id, document_id)
        );
        CREATE INDEX run_documents_document ON run_documents(document_id, run_id);

        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES suggestion_runs(id),
            document_id INTEGER NOT NULL REFERENCES documents(id),
            tag TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            confidence REAL NOT NULL,
            rule TEXT NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX suggestions_document_run ON suggestions(document_id, run_id);
        CREATE INDEX suggestions_run ON suggestions(run_id);

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            record_count INTEGER NOT NULL,
            imported_at TEXT NOT NULL,
            actor TEXT NOT NULL
        );

        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            tag TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected', 'added', 'withdrawn')),
            coder TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            note TEXT,
            quote_exact TEXT,
            quote_prefix TEXT,
            quote_suffix TEXT,
            start_offset INTEGER,
            end_offset INTEGER,
            char_start INTEGER,
            char_end INTEGER,
            orphaned INTEGER NOT NULL DEFAULT 0,
            superseded_by INTEGER REFERENCES decisions(id),
            suggestion_id INTEGER REFERENCES suggestions(id),
            origin TEXT NOT NULL CHECK (origin IN ('command', 'review', 'editor', 'import')),
            import_id INTEGER REFERENCES imports(id)
        );
        CREATE INDEX decisions_document ON decisions(document_id, tag, subject, coder);
        CREATE INDEX decisions_superseded_by ON decisions(superseded_by);
        CREATE INDEX decisions_suggestion ON decisions(suggestion_id);
        CREATE INDEX decisions_import ON decisions(import_id);

        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            subject TEXT NOT NULL CHECK (subject IN ('victim', 'perpetrator', 'unknown')),
            name TEXT,
            gender TEXT,
            age TEXT,
            ethnicity TEXT,
            coder TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('command', 'review', 'editor', 'import')),
            superseded_by INTEGER REFERENCES people(id),
            import_id INTEGER REFERENCES imports(id)
        );
        CREATE INDEX people_document ON people(document_id, coder, subject);
        CREATE INDEX people_superseded_by ON people(superseded_by);
        CREATE INDEX people_import ON people(import_id);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id),
            decision_id INTEGER REFERENCES decisions(id),
            person_id INTEGER REFERENCES people(id),
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_log_document ON audit_log(document_id);
        CREATE INDEX audit_log_decision ON audit_log(decision_id);
        CREATE INDEX audit_log_person ON audit_log(person_id);

        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

        CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are never deleted; record a new decision instead'); END;
        CREATE TRIGGER decisions_immutable
        BEFORE UPDATE OF id, document_id, tag, subject, status, coder, decided_at, note, quote_exact,
            suggestion_id, origin, import_id ON decisions
        BEGIN SELECT RAISE(ABORT, 'a decision is never changed; record a new decision instead'); END;
        CREATE TRIGGER decisions_supersede_once BEFORE UPDATE OF superseded_by ON decisions
        WHEN OLD.superseded_by IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a superseded decision stays superseded'); END;

        CREATE TRIGGER people_no_delete BEFORE DELETE ON people
        BEGIN SELECT RAISE(ABORT, 'people records are never deleted; record a correction instead'); END;
        CREATE TRIGGER people_immutable
        BEFORE UPDATE OF id, document_id, subject, name, gender, age, ethnicity, coder, recorded_at, origin, import_id
        ON people
        BEGIN SELECT RAISE(ABORT, 'a people record is never changed; record a correction instead'); END;
        CREATE TRIGGER people_supersede_once BEFORE UPDATE OF superseded_by ON people
        WHEN OLD.superseded_by IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a superseded people record stays superseded'); END;
        """
}
