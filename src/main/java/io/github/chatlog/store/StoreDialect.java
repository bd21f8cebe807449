package io.github.chatlog.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every difference between the databases the store runs on, in one place: how to connect, the schema's DDL, where the
 * schema version is kept, the SQL spellings that differ, and which failures are the data's rather than the
 * connection's. Everything else (the tables, the statements, the writer) is one code path.
 *
 * <p>SQLite is the embedded default (one machine, one file). PostgreSQL takes many instances into one database: its
 * rows also say which instance wrote them ({@code instance}) and carry a key made when the event was logged
 * ({@code event_key}), so a batch retried after a lost connection adds nothing twice.
 */
enum StoreDialect {

    SQLITE("SQLite", "jdbc:sqlite:", "org.sqlite.JDBC", "org.xerial:sqlite-jdbc") {
        @Override
        Connection connect(String url, int busyTimeoutMs) throws SQLException {
            Properties p = new Properties();
            p.setProperty("journal_mode", "WAL");
            p.setProperty("synchronous", "NORMAL");
            p.setProperty("busy_timeout", Integer.toString(busyTimeoutMs));
            return DriverManager.getConnection(url, p);
        }

        /**
         * Read-only, no schema applied, no journal mode set. A WAL database with no {@code -wal} file has no writer
         * attached; SQLite would still create {@code -wal} and {@code -shm} files to read it, so it is opened as
         * immutable, which creates nothing. With a writer attached, those files exist and are shared.
         */
        @Override
        Connection connectForReading(String url) throws SQLException {
            Path db = StoreConnections.databaseFile(url);
            Properties p = new Properties();
            p.setProperty("busy_timeout", Integer.toString(StoreConnections.DEFAULT_BUSY_TIMEOUT_MS));
            if (db == null) {
                return DriverManager.getConnection(url, p);
            }
            if (!Files.isRegularFile(db)) {
                throw new SQLException("no database at " + db.toAbsolutePath());
            }
            boolean writerAttached = Files.exists(db.resolveSibling(db.getFileName() + "-wal"));
            p.setProperty("open_mode", Integer.toString(SQLITE_OPEN_READONLY | (writerAttached ? 0 : SQLITE_OPEN_URI)));
            return DriverManager.getConnection(writerAttached ? url : prefix
                    + db.toAbsolutePath().toUri().toString().replace("file:///", "file:/") + "?immutable=1", p);
        }

        @Override
        List<String> ddl() {
            return List.of(
                    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, "
                            + "event_type TEXT NOT NULL, source TEXT NOT NULL, message TEXT NOT NULL, "
                            + "session_id TEXT NULL, kv_json TEXT NULL, raw_line TEXT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS idx_events_ts ON events(ts)",
                    "CREATE INDEX IF NOT EXISTS idx_events_type_ts ON events(event_type, ts)",
                    "CREATE INDEX IF NOT EXISTS idx_events_session_ts ON events(session_id, ts)",
                    "CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, started TEXT NOT NULL, "
                            + "ended TEXT NULL, last_entry TEXT NOT NULL, messages INTEGER NOT NULL DEFAULT 0, "
                            + "tokens INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0)",
                    // the viewer's listing, newest first, and its count: read from the index alone
                    "CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions(started, messages)",
                    "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, "
                            + "timestamp TEXT NOT NULL, role TEXT NOT NULL, type TEXT NOT NULL, content TEXT NOT NULL, "
                            + "provider TEXT NULL, model TEXT NULL, latency_ms INTEGER NULL, tokens INTEGER NULL, "
                            + "tokens_in INTEGER NULL, confidence REAL NULL, tool TEXT NULL, metadata TEXT NULL, "
                            + "entry_key TEXT NOT NULL UNIQUE)",
                    "CREATE INDEX IF NOT EXISTS idx_messages_session_ts ON messages(session_id, timestamp)",
                    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(content, content='messages', "
                            + "content_rowid='id')",
                    "CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN "
                            + "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
                    "CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN "
                            + "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, "
                            + "old.content); END",
                    "CREATE TABLE IF NOT EXISTS ingest_files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                            + "done_bytes INTEGER NOT NULL, head TEXT NOT NULL)");
        }

        @Override
        boolean hasIndex(Connection c, String name) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        }

        @Override
        int schemaVersion(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }

        @Override
        void recordSchemaVersion(Statement s, int version) throws SQLException {
            s.execute("PRAGMA user_version = " + version);
        }

        /**
         * Autocommit between transactions, each begun explicitly: sqlite-jdbc's own non-autocommit mode would begin the
         * next transaction at once and so hold the write lock between batches, locking everyone else out.
         */
        @Override
        void writing(Connection c) throws SQLException {
            c.setAutoCommit(true);
        }

        @Override
        void begin(Connection c, Statement control) throws SQLException {
            control.execute("BEGIN IMMEDIATE"); // takes the write lock up front rather than failing half-way
        }

        @Override
        void commit(Connection c, Statement control) throws SQLException {
            control.execute("COMMIT");
        }

        @Override
        void rollback(Connection c, Statement control) throws SQLException {
            control.execute("ROLLBACK");
        }

        @Override
        boolean dataError(SQLException e) {
            int code = e.getErrorCode() & 0xff;
            return code == 18 || code == 19 || code == 20; // SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH
        }
    },

    POSTGRES("PostgreSQL", "jdbc:postgresql:", "org.postgresql.Driver", "org.postgresql:postgresql") {
        /** Serialises schema changes of instances starting at once (an arbitrary number: "chatlog" in ASCII). */
        private static final long SCHEMA_LOCK = 0x63686174_6c6f67L;

        @Override
        Connection connect(String url, int busyTimeoutMs) throws SQLException {
            // the URL's own parameters win over these defaults
            Properties p = new Properties();
            p.setProperty("ApplicationName", "logback-chatlog");
            p.setProperty("connectTimeout", "10");
            // a network that silently drops the connection fails the statement (and the writer reconnects) rather
            // than holding the writer forever
            p.setProperty("socketTimeout", "60");
            p.setProperty("tcpKeepAlive", "true");
            Connection c = DriverManager.getConnection(url, p);
            try (Statement s = c.createStatement()) {
                // waiting for another session's row lock is what busyTimeout bounds on SQLite
                s.execute("SET lock_timeout = " + Math.max(1, busyTimeoutMs));
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }

        @Override
        Connection connectForReading(String url) throws SQLException {
            Connection c = connect(url, StoreConnections.DEFAULT_BUSY_TIMEOUT_MS);
            c.setReadOnly(true);
            c.setAutoCommit(false); // so that a large result is fetched in pages, not all at once
            return c;
        }

        @Override
        List<String> ddl() {
            // the SQLite tables, column for column, plus instance and event_key; text compares byte by byte
            // (COLLATE "C"), as SQLite's does, so that orders and ranges are the same on both
            String text = " TEXT COLLATE \"C\"";
            return List.of(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS events (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                            + "ts" + text + " NOT NULL, event_type" + text + " NOT NULL, source" + text + " NOT NULL, "
                            + "message" + text + " NOT NULL, session_id" + text + " NULL, kv_json TEXT NULL, "
                            + "raw_line" + text + " NOT NULL, instance" + text + " NULL, event_key UUID NULL)",
                    "CREATE INDEX IF NOT EXISTS idx_events_ts ON events(ts)",
                    "CREATE INDEX IF NOT EXISTS idx_events_type_ts ON events(event_type, ts)",
                    "CREATE INDEX IF NOT EXISTS idx_events_session_ts ON events(session_id, ts)",
                    "CREATE UNIQUE INDEX IF NOT EXISTS idx_events_key ON events(event_key)",
                    "CREATE TABLE IF NOT EXISTS sessions (session_id" + text + " PRIMARY KEY, started" + text
                            + " NOT NULL, ended" + text + " NULL, last_entry" + text + " NOT NULL, "
                            + "messages BIGINT NOT NULL DEFAULT 0, tokens BIGINT NOT NULL DEFAULT 0, "
                            + "errors BIGINT NOT NULL DEFAULT 0)",
                    "CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions(started, messages)",
                    "CREATE TABLE IF NOT EXISTS messages (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                            + "session_id" + text + " NOT NULL, timestamp" + text + " NOT NULL, role" + text
                            + " NOT NULL, type" + text + " NOT NULL, content" + text + " NOT NULL, provider" + text
                            + " NULL, model" + text + " NULL, latency_ms BIGINT NULL, tokens BIGINT NULL, "
                            + "tokens_in BIGINT NULL, confidence DOUBLE PRECISION NULL, tool" + text + " NULL, "
                            + "metadata TEXT NULL, entry_key" + text + " NOT NULL UNIQUE, instance" + text + " NULL)",
                    "CREATE INDEX IF NOT EXISTS idx_messages_session_ts ON messages(session_id, timestamp)",
                    "CREATE TABLE IF NOT EXISTS ingest_files (path" + text + " PRIMARY KEY, size BIGINT NOT NULL, "
                            + "done_bytes BIGINT NOT NULL, head TEXT NOT NULL)");
        }

        /**
         * The trigram index behind search: a search is a case-insensitive substring match ({@code ILIKE}), which a
         * word index ({@code tsvector}) cannot answer for parts of words, punctuation or {@code 50%}. pg_trgm ships
         * with PostgreSQL but is an extension: where it may not be created, search works without the index.
         */
        @Override
        List<String> optionalDdl() {
            return List.of("CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    "CREATE INDEX IF NOT EXISTS idx_messages_content_trgm ON messages USING gin (content gin_trgm_ops)");
        }

        @Override
        boolean hasIndex(Connection c, String name) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }

        @Override
        int schemaVersion(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT to_regclass('schema_version') IS NOT NULL")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return 0; // a new database
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT coalesce(max(version), 0) FROM schema_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }

        @Override
        void lockSchema(Statement s) throws SQLException {
            s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        }

        @Override
        void recordSchemaVersion(Statement s, int version) throws SQLException {
            s.execute("DELETE FROM schema_version");
            s.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
        }

        /** The driver begins each transaction with its first statement, in the same round trip. */
        @Override
        void writing(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        @Override
        void begin(Connection c, Statement control) {
            // begun by the first statement
        }

        @Override
        void commit(Connection c, Statement control) throws SQLException {
            c.commit();
        }

        @Override
        void rollback(Connection c, Statement control) throws SQLException {
            c.rollback();
        }

        @Override
        boolean multiInstance() {
            return true;
        }

        @Override
        String least() {
            return "LEAST";
        }

        @Override
        String greatest() {
            return "GREATEST";
        }

        @Override
        String likeIgnoringCase() {
            return "ILIKE";
        }

        @Override
        String text(String s) {
            // PostgreSQL text cannot hold U+0000: it becomes the replacement character rather than failing the batch
            return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
        }

        /** Data exceptions (22), integrity violations (23), limits (54): retrying the same rows fails again. */
        @Override
        boolean dataError(SQLException e) {
            String state = e.getSQLState();
            return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
        }
    };

    private static final int SQLITE_OPEN_READONLY = 0x01;
    private static final int SQLITE_OPEN_URI = 0x40;
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/@?]*@");

    final String displayName;
    final String prefix;
    private final String driverClass;
    private final String artifact;

    StoreDialect(String displayName, String prefix, String driverClass, String artifact) {
        this.displayName = displayName;
        this.prefix = prefix;
        this.driverClass = driverClass;
        this.artifact = artifact;
    }

    /** The dialect of a JDBC URL; null for a database the store does not run on. */
    static StoreDialect of(String url) {
        for (StoreDialect d : values()) {
            if (url != null && url.startsWith(d.prefix)) {
                return d;
            }
        }
        return null;
    }

    /** Whether this database's JDBC driver is on the classpath. */
    boolean driverPresent() {
        try {
            Class.forName(driverClass);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The Maven coordinates of the driver, for the message that says it is missing. */
    String driverArtifact() {
        return artifact;
    }

    /** A connection for the writer or for ingest; the schema is applied by the caller. */
    abstract Connection connect(String url, int busyTimeoutMs) throws SQLException;

    /** A connection that only reads and changes nothing, not even the schema. */
    abstract Connection connectForReading(String url) throws SQLException;

    /** The tables and indexes, created if missing. */
    abstract List<String> ddl();

    /**
     * Indexes added within a schema version, created at an open for writing when missing, so a database made by an
     * earlier build of the same version gains them without a migration (where the writer may create them: the store
     * works without them, only slower). The one on
     * {@code messages(timestamp)} lets a search, newest first and stopping at its limit, read the newest messages first
     * instead of every message and a sort: a rare word's ten newest hits are found near the end, not in a full scan.
     */
    List<AddedIndex> addedIndexes() {
        return List.of(new AddedIndex("idx_messages_ts", "CREATE INDEX IF NOT EXISTS idx_messages_ts ON messages(timestamp)"));
    }

    /** An index added within a schema version: its name, and the statement that creates it. */
    record AddedIndex(String name, String ddl) {
    }

    /** Whether the index exists; looked up first, so a writer that may not create indexes is never asked to. */
    abstract boolean hasIndex(Connection c, String name) throws SQLException;

    /** Statements that improve the schema where permitted (an extension, say); the store works without them. */
    List<String> optionalDdl() {
        return List.of();
    }

    /** The schema version the database records; 0 for a new database. */
    abstract int schemaVersion(Connection c) throws SQLException;

    abstract void recordSchemaVersion(Statement s, int version) throws SQLException;

    /** Within the schema transaction: waits until no other process is changing the schema. */
    void lockSchema(Statement s) throws SQLException {
        // SQLite: the write transaction is the lock
    }

    /** Sets a connection up for writing: how its transactions begin and end. */
    abstract void writing(Connection c) throws SQLException;

    /** Begins a write transaction. */
    abstract void begin(Connection c, Statement control) throws SQLException;

    abstract void commit(Connection c, Statement control) throws SQLException;

    abstract void rollback(Connection c, Statement control) throws SQLException;

    /** Whether rows carry {@code instance} and {@code event_key}: many writers into one database. */
    boolean multiInstance() {
        return false;
    }

    /** The smaller of two values, as a scalar function. */
    String least() {
        return "min";
    }

    /** The larger of two values, as a scalar function. */
    String greatest() {
        return "max";
    }

    /** The operator that matches a {@code %…%} pattern ignoring (at least ASCII) case. */
    String likeIgnoringCase() {
        return "LIKE";
    }

    /** A string as this database can store it. */
    String text(String s) {
        return s;
    }

    /** Whether a failure is the rows' own (they will fail again) rather than the connection's or a lock's. */
    abstract boolean dataError(SQLException e);

    /** The URL fit for a message: a password in it is masked. */
    static String display(String url) {
        if (url == null) {
            return null;
        }
        return USER_INFO.matcher(PASSWORD_PARAMETER.matcher(url).replaceAll("$1***")).replaceAll("$1***@");
    }
}
