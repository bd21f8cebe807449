package io.github.chatlog.store;

import io.github.chatlog.Await;
import io.github.chatlog.logback.EventStoreAppender;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

/** The SQLite event store: schema, the live appender next to the master log, locks, full-text search. */
class EventStoreTest {

    static String config(Path dir, String storeExtra) {
        String turns = storeExtra.contains("<logTurns>true</logTurns>") ? "<logTurns>true</logTurns>" : "";
        return "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>16KB</maxFileSize>" + turns + "</appender>"
                + "<appender name='STORE' class='io.github.chatlog.logback.EventStoreAppender'>"
                + "<url>jdbc:sqlite:" + dir.resolve("chatlog.db") + "</url>" + storeExtra + "</appender>"
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

    /** Whether a thread other than this one is inside sqlite-jdbc's native code: the store's writer, held by a lock. */
    static boolean storeWriterBlocked() {
        Thread me = Thread.currentThread();
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey() != me
                && e.getValue().length > 0 && e.getValue()[0].getClassName().startsWith("org.sqlite."));
    }

    static List<List<String>> rows(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
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
    void everyMasterLineIsARowWithTheSameRawLine(@TempDir Path dir) throws Exception {
        int events = 3_000;
        try (LogbackFixture f = LogbackFixture.fromXml(config(dir, "<logTurns>true</logTurns>"), dir)) {
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
        List<String> stored = rows(dir.resolve("chatlog.db"), "SELECT raw_line FROM events ORDER BY id").stream()
                .map(r -> r.get(0)).collect(Collectors.toList());
        assertEquals(lines, stored);
        List<String> row = rows(dir.resolve("chatlog.db"), "SELECT ts, event_type, source, message, session_id, kv_json "
                + "FROM events WHERE event_type = 'llm:request' ORDER BY id LIMIT 1").get(0);
        assertEquals(List.of("llm:request", "agent", "session_id=s0 i=0 text=\"a | b \\\"q\\\"\nline\"", "s0",
                "{\"session_id\":\"s0\",\"i\":\"0\",\"text\":\"a | b \\\"q\\\"\\nline\"}"), row.subList(1, 6));
        assertEquals(String.valueOf(events / 10), rows(dir.resolve("chatlog.db"),
                "SELECT count(*) FROM messages WHERE role = 'user'").get(0).get(0));
        assertEquals(String.valueOf(events / 10), rows(dir.resolve("chatlog.db"),
                "SELECT count(*) FROM events WHERE event_type = 'conversation:turn'").get(0).get(0));
    }

    @Test
    void aSecondConnectionHoldingTheWriteLockLosesNothing(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("chatlog.db");
        try (LogbackFixture f = LogbackFixture.fromXml(config(dir, ""), dir)) {
            f.logger("event").info("warm:up");
            Await.until("the store holds the first event", () -> count(db, "SELECT count(*) FROM events WHERE "
                    + "event_type = 'warm:up'") == 1);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                other.setAutoCommit(false);
                try (Statement s = other.createStatement()) {
                    s.execute("INSERT INTO sessions (session_id, started, last_entry) VALUES ('lock', 'x', 'x')");
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
                Await.until("the store's writer waits for the lock", () -> count(db, "SELECT count(*) FROM messages "
                        + "WHERE content LIKE 'during the lock %'") == 0 && storeWriterBlocked());
                other.rollback();
            }
            assertEquals(List.of(), f.errors());
        }
        Await.until("all 500 entries stored", () -> count(db, "SELECT count(*) FROM messages WHERE content LIKE "
                + "'during the lock %'") == 500);
        assertEquals("500", rows(db, "SELECT count(*) FROM messages WHERE content LIKE 'during the lock %'").get(0).get(0));
        assertEquals("500", rows(db, "SELECT count(*) FROM events WHERE event_type = 'lock:test'").get(0).get(0));
    }

    @Test
    void fullTextSearchFindsAMessageByAWord(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(config(dir, ""), dir)) {
            MDC.put("session_id", "fts");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").log("Do I need an umbrella tomorrow?");
                f.logger("chat").atInfo().addKeyValue("role", "assistant").log("No, it will be sunny.");
            } finally {
                MDC.clear();
            }
        }
        assertEquals(List.of(List.of("user", "Do I need an umbrella tomorrow?", "fts")), rows(dir.resolve("chatlog.db"),
                "SELECT m.role, m.content, m.session_id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
                        + "WHERE messages_fts MATCH 'umbrella'"));
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
