package io.github.chatlog.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite schema (SPEC §5), versioned with {@code PRAGMA user_version} so later releases can migrate. {@code events}
 * is exactly as the SPEC gives it; {@code sessions} and {@code messages} hold the conversations, with an FTS5 index on
 * message content kept in step by triggers; {@code ingest_files} remembers how far ingest got in each file.
 */
public final class StoreSchema {

    /** The schema version this code writes. */
    public static final int VERSION = 1;

    static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, "
                    + "event_type TEXT NOT NULL, source TEXT NOT NULL, message TEXT NOT NULL, session_id TEXT NULL, "
                    + "kv_json TEXT NULL, raw_line TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS idx_events_ts ON events(ts)",
            "CREATE INDEX IF NOT EXISTS idx_events_type_ts ON events(event_type, ts)",
            "CREATE INDEX IF NOT EXISTS idx_events_session_ts ON events(session_id, ts)",
            "CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, started TEXT NOT NULL, ended TEXT NULL, "
                    + "last_entry TEXT NOT NULL, messages INTEGER NOT NULL DEFAULT 0, tokens INTEGER NOT NULL DEFAULT 0, "
                    + "errors INTEGER NOT NULL DEFAULT 0)",
            // the viewer's listing, newest first, and its count: read from the index alone
            "CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions(started, messages)",
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, "
                    + "timestamp TEXT NOT NULL, role TEXT NOT NULL, type TEXT NOT NULL, content TEXT NOT NULL, "
                    + "provider TEXT NULL, model TEXT NULL, latency_ms INTEGER NULL, tokens INTEGER NULL, "
                    + "tokens_in INTEGER NULL, confidence REAL NULL, tool TEXT NULL, metadata TEXT NULL, "
                    + "entry_key TEXT NOT NULL UNIQUE)",
            "CREATE INDEX IF NOT EXISTS idx_messages_session_ts ON messages(session_id, timestamp)",
            "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(content, content='messages', content_rowid='id')",
            "CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN "
                    + "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
            "CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN "
                    + "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
            "CREATE TABLE IF NOT EXISTS ingest_files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                    + "done_bytes INTEGER NOT NULL, head TEXT NOT NULL)");

    private StoreSchema() {
    }

    /** Creates or checks the schema; refuses a database written by a newer version. */
    public static void apply(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > VERSION) {
            throw new SQLException("the database has schema version " + version + "; this logback-chatlog knows up to "
                    + VERSION + ": upgrade logback-chatlog");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            s.execute("PRAGMA user_version = " + VERSION);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
