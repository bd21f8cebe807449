package io.github.chatlog.store;

import io.github.chatlog.Await;
import io.github.chatlog.logback.EventStoreAppender;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event store on SQLite and on PostgreSQL, the same tests against each: schema, the live appender next to the
 * master log, locks, full-text search; then what only one of them has.
 */
class EventStoreTest {

    static String config(Path dir, String storeExtra) {
        return config("jdbc:sqlite:" + dir.resolve("chatlog.db"), storeExtra);
    }

    static String config(String url, String storeExtra) {
        String turns = storeExtra.contains("<logTurns>true</logTurns>") ? "<logTurns>true</logTurns>" : "";
        return "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>16KB</maxFileSize>" + turns + "</appender>"
                + "<appender name='STORE' class='io.github.chatlog.logback.EventStoreAppender'>"
                + "<url>" + url.replace("&", "&amp;") + "</url>" + storeExtra + "</appender>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='STORE'/></root>";
    }

    /** A count query's answer, for a condition wait. */
    static long count(Path db, String sql) {
        try {
            return Long.parseLong(rows(db, sql).get(0).get(0));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the store's writer thread is inside the JDBC driver (sqlite-jdbc's native code, or PostgreSQL's driver
     * waiting for the server's answer): held by a lock.
     */
    static boolean storeWriterBlocked() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName().startsWith(
                "chatlog-store-") && java.util.Arrays.stream(e.getValue()).limit(12).anyMatch(f ->
                f.getClassName().startsWith("org.sqlite.") || f.getClassName().startsWith("org.postgresql.core.")));
    }

    static List<List<String>> rows(Path db, String sql) throws SQLException {
        return StoreBackend.rows("jdbc:sqlite:" + db, sql);
    }

    @Test
    void schemaIsExactlyAsSpecified(@TempDir Path dir) throws Exception {
        try (Connection c = StoreConnections.open("jdbc:sqlite:" + dir.resolve("s.db"), 1000)) {
            assertTrue(c != null);
        }
        Path db = dir.resolve("s.db");
        // cid, name, type, notnull, default, pk
        assertEquals("[[0, id, INTEGER, 0, null, 1], [1, ts, TEXT, 1, null, 0], [2, event_type, TEXT, 1, null, 0], "
                + "[3, source, TEXT, 1, null, 0], [4, message, TEXT, 1, null, 0], [5, session_id, TEXT, 0, null, 0], "
                + "[6, kv_json, TEXT, 0, null, 0], [7, raw_line, TEXT, 1, null, 0]]",
                rows(db, "PRAGMA table_info(events)").toString());
        assertEquals("[[idx_events_session_ts, session_id|ts], [idx_events_ts, ts], [idx_events_type_ts, event_type|ts]]",
                rows(db, "SELECT il.name, (SELECT group_concat(name, '|') FROM (SELECT name FROM pragma_index_info(il.name) "
                        + "ORDER BY seqno)) FROM pragma_index_list('events') il ORDER BY il.name").toString());
        assertTrue(rows(db, "SELECT sql FROM sqlite_master WHERE name = 'events'").get(0).get(0).contains("AUTOINCREMENT"));
        assertEquals("1", rows(db, "PRAGMA user_version").get(0).get(0));
        assertEquals("wal", rows(db, "PRAGMA journal_mode").get(0).get(0));
        // a second open of the same database changes nothing
        try (Connection c = StoreConnections.open("jdbc:sqlite:" + db, 1000)) {
            assertTrue(c.isValid(1));
        }
    }

    @Test
    void postgresHasTheSameTablesPlusInstanceAndEventKey() throws Exception {
        String url = StoreBackend.POSTGRES.newStore(null, "schema");
        try (Connection c = StoreConnections.open(url, 1000)) {
            assertTrue(c.isValid(1));
        }
        String columns = "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = "
                + "'%s' ORDER BY ordinal_position";
        assertEquals("[[id, bigint, NO], [ts, text, NO], [event_type, text, NO], [source, text, NO], [message, text, NO], "
                + "[session_id, text, YES], [kv_json, text, YES], [raw_line, text, NO], [instance, text, YES], "
                + "[event_key, uuid, YES]]", StoreBackend.rows(url, columns.formatted("events")).toString());
        assertEquals(List.of("session_id", "timestamp", "role", "type", "content", "provider", "model", "latency_ms",
                "tokens", "tokens_in", "confidence", "tool", "metadata", "entry_key", "instance"),
                StoreBackend.column(url, columns.formatted("messages")).subList(1, 16));
        assertEquals(List.of("idx_events_key", "idx_events_session_ts", "idx_events_ts", "idx_events_type_ts"),
                StoreBackend.column(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'events' AND indexname "
                        + "LIKE 'idx_%' ORDER BY indexname"));
        assertEquals(List.of("1"), StoreBackend.column(url, "SELECT version FROM schema_version"));
        try (Connection c = StoreConnections.open(url, 1000)) { // a second open changes nothing
            assertTrue(c.isValid(1));
        }
        assertEquals(List.of("1"), StoreBackend.column(url, "SELECT version FROM schema_version"));
    }

    /** A database made before the search-order index existed (same schema version) gains it when opened to write. */
    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void aDatabaseOfTheSameVersionGainsTheIndexesAddedSince(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "added");
        String indexes = backend == StoreBackend.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND name = 'idx_messages_ts'"
                : "SELECT indexname FROM pg_indexes WHERE tablename = 'messages' AND indexname = 'idx_messages_ts'";
        try (Connection c = StoreConnections.open(url, 1000); Statement s = c.createStatement()) {
            s.execute("DROP INDEX idx_messages_ts"); // as an earlier build left it
        }
        assertEquals(List.of(), StoreBackend.column(url, indexes));
        try (EventStore reader = EventStore.openForReading(url)) { // reading changes nothing
            assertTrue(reader != null);
        }
        assertEquals(List.of(), StoreBackend.column(url, indexes));
        try (Connection c = StoreConnections.open(url, 1000)) {
            assertTrue(c.isValid(1));
        }
        assertEquals(List.of("idx_messages_ts"), StoreBackend.column(url, indexes));
    }

    /**
     * In production a PostgreSQL writer often has rights to the rows, not to the schema (the tables belong to another
     * role): it opens the store all the same, and an index it may not add is left to the owner.
     */
    @Test
    void aPostgresWriterThatDoesNotOwnTheTablesOpensTheStore() throws Exception {
        String url = StoreBackend.POSTGRES.newStore(null, "rows_only");
        try (Connection c = StoreConnections.open(url, 1000); Statement s = c.createStatement()) {
            s.execute("DROP INDEX idx_messages_ts"); // as an earlier build left it
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rows_only') THEN "
                    + "CREATE ROLE rows_only LOGIN; END IF; END $$");
            s.execute("GRANT USAGE ON SCHEMA public TO rows_only");
            s.execute("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO rows_only");
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rows_only");
        }
        String asWriter = url.replace("user=chatlog", "user=rows_only");
        assertTrue(asWriter.contains("user=rows_only"), asWriter);
        try (Connection c = StoreConnections.open(asWriter, 1000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals("rows_only", rs.getString(1));
        }
        assertEquals(List.of(), StoreBackend.column(url, "SELECT indexname FROM pg_indexes WHERE indexname = 'idx_messages_ts'"),
                "not the writer's to add");
        try (Connection c = StoreConnections.open(url, 1000)) { // the owner adds it at its next open
            assertTrue(c.isValid(1));
        }
        assertEquals(List.of("idx_messages_ts"), StoreBackend.column(url,
                "SELECT indexname FROM pg_indexes WHERE indexname = 'idx_messages_ts'"));
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void aDatabaseOfANewerVersionIsRefused(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "newer");
        try (Connection c = StoreConnections.open(url, 1000); Statement s = c.createStatement()) {
            s.execute(backend == StoreBackend.SQLITE ? "PRAGMA user_version = 2" : "UPDATE schema_version SET version = 2");
        }
        SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> StoreConnections.open(url, 1000).close());
        assertTrue(refused.getMessage().contains("schema version 2"), refused.getMessage());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> EventStore.openForReading(url).close()).getMessage().contains("upgrade logback-chatlog"));
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, ""), dir)) {
            f.logger("event").info("still:logging");
            assertTrue(f.errors().stream().anyMatch(e -> e.contains("[STORE]") && e.contains("schema version 2")),
                    f.errors().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void everyMasterLineIsARowWithTheSameRawLine(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "lines");
        int events = 3_000;
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, "<logTurns>true</logTurns>"), dir)) {
            Logger log = f.logger("event.agent");
            for (int i = 0; i < events; i++) {
                MDC.put("session_id", "s" + (i % 7));
                try {
                    log.atInfo().addKeyValue("i", i).addKeyValue("text", "a | b \"q\"\nline").log("llm:request");
                    if (i % 10 == 0) {
                        f.logger("chat").atInfo().addKeyValue("role", "user").log("question " + i);
                    }
                } finally {
                    MDC.clear();
                }
            }
            f.logger("error.db").error("write failed", new java.io.IOException("disk"));
            assertEquals(List.of(), f.errors());
        }
        // the master log's lines (its archives included), without the appender's own start/stop/rotation lines
        List<String> lines = new ArrayList<>();
        for (io.github.chatlog.format.MasterLine l : io.github.chatlog.read.MasterLogReader.of(dir.resolve("master.log"))
                .read(io.github.chatlog.read.EventQuery.ALL)) {
            if (!l.eventType().startsWith("app:") && !l.eventType().equals("system:log_rotated")) {
                lines.add(l.raw());
            }
        }
        assertEquals(events + events / 10 + 1, lines.size());
        assertEquals(lines, StoreBackend.column(url, "SELECT raw_line FROM events ORDER BY id"));
        List<String> row = StoreBackend.rows(url, "SELECT ts, event_type, source, message, session_id, kv_json "
                + "FROM events WHERE event_type = 'llm:request' ORDER BY id LIMIT 1").get(0);
        assertEquals(List.of("llm:request", "agent", "session_id=s0 i=0 text=\"a | b \\\"q\\\"\nline\"", "s0",
                "{\"session_id\":\"s0\",\"i\":\"0\",\"text\":\"a | b \\\"q\\\"\\nline\"}"), row.subList(1, 6));
        assertEquals(events / 10, StoreBackend.count(url, "SELECT count(*) FROM messages WHERE role = 'user'"));
        assertEquals(events / 10, StoreBackend.count(url, "SELECT count(*) FROM events WHERE event_type = "
                + "'conversation:turn'"));
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6"), StoreBackend.column(url,
                "SELECT session_id FROM sessions ORDER BY session_id"));
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void aSecondConnectionHoldingTheWriteLockLosesNothing(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "locked");
        String during = "SELECT count(*) FROM messages WHERE content LIKE 'during the lock %'";
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, ""), dir)) {
            f.logger("event").info("warm:up");
            Await.until("the store holds the first event", () -> StoreBackend.count(url, "SELECT count(*) FROM events "
                    + "WHERE event_type = 'warm:up'") == 1);
            try (Connection other = DriverManager.getConnection(url)) {
                other.setAutoCommit(false);
                try (Statement s = other.createStatement()) {
                    // SQLite: the database's write lock; PostgreSQL: the lock on the session's row the writer updates
                    s.execute("INSERT INTO sessions (session_id, started, last_entry) VALUES ('locked', 'x', 'x')");
                }
                for (int i = 0; i < 500; i++) {
                    MDC.put("session_id", "locked");
                    try {
                        f.logger("chat").atInfo().addKeyValue("role", "user").log("during the lock " + i);
                        f.logger("event").atInfo().addKeyValue("i", i).log("lock:test");
                    } finally {
                        MDC.clear();
                    }
                }
                // the callers returned while the lock was held: they only enqueue (how fast is a benchmark's
                // business); the writer has met the lock at least once before it is released
                Await.until("the store's writer waits for the lock", () -> StoreBackend.count(url, during) == 0
                        && storeWriterBlocked());
                other.rollback();
            }
            assertEquals(List.of(), f.errors().stream().filter(e -> !e.contains("lock")).toList());
        }
        Await.until("all 500 entries stored", () -> StoreBackend.count(url, during) == 500);
        assertEquals(500, StoreBackend.count(url, "SELECT count(*) FROM events WHERE event_type = 'lock:test'"));
        assertEquals(List.of(List.of("500")), StoreBackend.rows(url, "SELECT messages FROM sessions WHERE session_id = "
                + "'locked'"));
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void searchFindsAMessageByAWordThroughTheStore(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "words");
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, ""), dir)) {
            MDC.put("session_id", "fts");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").log("Do I need an umbrella tomorrow?");
                f.logger("chat").atInfo().addKeyValue("role", "assistant").log("No, it will be sunny.");
            } finally {
                MDC.clear();
            }
        }
        List<String> found = new ArrayList<>();
        try (EventStore store = EventStore.openForReading(url)) {
            store.forEachMessageContaining("UMBRELLA", null, null, m -> found.add(m.message().role() + ": "
                    + m.message().content() + " (" + m.message().sessionId() + ")"));
        }
        assertEquals(List.of("user: Do I need an umbrella tomorrow? (fts)"), found);
        if (backend == StoreBackend.SQLITE) {
            assertEquals(List.of(List.of("user", "Do I need an umbrella tomorrow?", "fts")), StoreBackend.rows(url,
                    "SELECT m.role, m.content, m.session_id FROM messages_fts JOIN messages m ON "
                            + "m.id = messages_fts.rowid WHERE messages_fts MATCH 'umbrella'"));
        } else {
            // the trigram index answers a substring search, case ignored
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN SELECT id FROM messages WHERE content ILIKE '%mbrell%'")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertTrue(plan.toString().contains("idx_messages_content_trgm"), plan.toString());
            }
        }
    }

    @Test
    void storageNoneLeavesTheAppenderIdle(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(config(dir, "<storage>none</storage>"), dir)) {
            f.logger("event").info("a:b");
            EventStoreAppender store = (EventStoreAppender) f.context.getLogger("ROOT").getAppender("STORE");
            assertTrue(store.isStarted());
            assertEquals(0, store.written());
            assertEquals(List.of(), f.errors());
        }
        assertTrue(!Files.exists(dir.resolve("chatlog.db")));
    }

    /** SQLite only: the database is a file that can be deleted under the writer. */
    @Test
    void aDatabaseDeletedWhileLoggingIsNoticedAndRecreated(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("chatlog.db");
        try (LogbackFixture f = LogbackFixture.fromXml(config(dir, ""), dir)) {
            EventStoreAppender store = (EventStoreAppender) f.context.getLogger("ROOT").getAppender("STORE");
            for (int i = 0; i < 300; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("store:before");
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (store.written() < 300 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(store.written() >= 300, "stored before the deletion: " + store.written());
            for (String suffix : new String[]{"", "-wal", "-shm"}) {
                Files.deleteIfExists(dir.resolve("chatlog.db" + suffix)); // rm chatlog.db*
            }
            for (int i = 0; i < 300; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("store:after");
            }
            f.close(); // drains the queue
            assertTrue(f.statusMessages(ch.qos.logback.core.status.Status.WARN).stream()
                    .anyMatch(m -> m.contains(db.toString()) && m.contains("deleted")), "the deletion was reported");
        }
        assertTrue(Files.exists(db), "recreated");
        assertEquals(List.of(List.of("300")), rows(db, "SELECT COUNT(DISTINCT raw_line) FROM events "
                + "WHERE event_type = 'store:after'"));
        assertEquals(List.of(List.of("300")), rows(db, "SELECT COUNT(*) FROM events WHERE event_type = 'store:after'"));
    }
}
