package io.github.chatlog.store;

import io.github.chatlog.Await;
import io.github.chatlog.file.StatusReporter;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the store does on PostgreSQL beyond SQLite: rows that say which instance wrote them, batches that may be written
 * twice (a commit whose answer was lost), passwords kept out of status messages, text PostgreSQL cannot hold, and a
 * row it refuses.
 */
class PostgresStoreTest {

    private static String appender(String name, String url, String extra) {
        return "<appender name='" + name + "' class='io.github.chatlog.logback.EventStoreAppender'><storage>"
                + url.replace("&", "&amp;") + "</storage>" + extra + "</appender>";
    }

    @Test
    void everyRowSaysWhichInstanceWroteIt(@TempDir Path dir) throws Exception {
        String url = StoreBackend.POSTGRES.newStore(dir, "instances");
        for (String instance : new String[]{"replica-a", null}) {
            String xml = appender("STORE", url, instance == null ? "" : "<instance>" + instance + "</instance>")
                    + "<root level='INFO'><appender-ref ref='STORE'/></root>";
            try (LogbackFixture f = LogbackFixture.fromXml(xml, dir)) {
                MDC.put("session_id", "shared");
                try {
                    f.logger("event").atInfo().addKeyValue("from", instance).log("who:am_i");
                    f.logger("chat").atInfo().addKeyValue("role", "user").log("hello from " + instance);
                } finally {
                    MDC.clear();
                }
                assertEquals(List.of(), f.errors());
            }
        }
        String here = StoreConnections.defaultInstance();
        assertTrue(here.matches(".+:" + ProcessHandle.current().pid()), here);
        assertEquals(List.of(List.of("replica-a", "1"), List.of(here, "1")), StoreBackend.rows(url,
                "SELECT instance, count(*) FROM events GROUP BY instance ORDER BY instance = 'replica-a' DESC"));
        assertEquals(List.of(List.of("hello from replica-a", "replica-a"), List.of("hello from null", here)),
                StoreBackend.rows(url, "SELECT content, instance FROM messages ORDER BY id"));
        assertEquals(List.of(List.of("shared", "2")), StoreBackend.rows(url, "SELECT session_id, messages FROM sessions"));
    }

    @Test
    void aBatchWrittenAgainAfterALostAnswerAddsNothing(@TempDir Path dir) throws Exception {
        String url = StoreBackend.POSTGRES.newStore(dir, "again");
        List<StoreRecord> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            batch.add(new StoreRecord.Line("2026-03-01T10:00:00.000Z|llm:request|agent|session_id=s i=" + (i % 10)));
            batch.add(StoreRecord.Message.of(io.github.chatlog.event.LogEntry.builder()
                    .kind(io.github.chatlog.event.LogEntry.Kind.CHAT).eventType("conversation:turn").source("chat")
                    .timestamp(1_772_359_200_000L + i * 1000L).sessionId("s").role("user").message("turn " + i)
                    .keyValue("tokens", "3").build(), "default"));
        }
        batch.add(new StoreRecord.Line("2026-03-01T10:10:00.000Z|conversation:end|agent|session_id=s"));
        try (EventStore store = EventStore.open(url, 1000, "a")) {
            store.write(batch);
            // the commit went through but its answer was lost: the writer writes the same records again
            store.write(batch);
        }
        assertEquals(251, StoreBackend.count(url, "SELECT count(*) FROM events"), "identical lines, each stored once");
        assertEquals(251, StoreBackend.count(url, "SELECT count(DISTINCT event_key) FROM events"));
        assertEquals(250, StoreBackend.count(url, "SELECT count(*) FROM messages"));
        assertEquals(List.of(List.of("250", "750", "2026-03-01T10:00:00.000Z", "2026-03-01T10:10:00.000Z")),
                StoreBackend.rows(url, "SELECT messages, tokens, started, ended FROM sessions WHERE session_id = 's'"));
    }

    @Test
    void aPasswordInTheUrlNeverReachesTheStatus(@TempDir Path dir) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:1/nowhere?user=app&password=s3cret-pw&ssl=false";
        assertEquals("jdbc:postgresql://127.0.0.1:1/nowhere?user=app&password=***&ssl=false",
                StoreConnections.display(url));
        assertEquals("jdbc:postgresql://app:***@db:5432/x", StoreConnections.display("jdbc:postgresql://app:pw@db:5432/x"));
        try (LogbackFixture f = LogbackFixture.fromXml(appender("STORE", url, "")
                + "<root level='INFO'><appender-ref ref='STORE'/></root>", dir)) {
            f.logger("event").info("still:logging");
            List<String> errors = f.errors();
            assertTrue(errors.stream().anyMatch(e -> e.contains("[STORE]") && e.contains("password=***")), errors.toString());
            String all = f.context.getStatusManager().getCopyOfStatusList().stream()
                    .map(st -> st.getMessage() + " " + st.getThrowable()).collect(java.util.stream.Collectors.joining("\n"));
            assertTrue(all.contains("password=***"), all);
            assertFalse(all.contains("s3cret"), "the password reached the status: " + all);
        }
    }

    @Test
    void textPostgresCannotHoldIsStoredWithAReplacementCharacter(@TempDir Path dir) throws Exception {
        String url = StoreBackend.POSTGRES.newStore(dir, "nul");
        try (LogbackFixture f = LogbackFixture.fromXml(appender("STORE", url, "")
                + "<root level='INFO'><appender-ref ref='STORE'/></root>", dir)) {
            MDC.put("session_id", "nul\u0000id");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").addKeyValue("note", "a\u0000b").log("x\u0000y");
                f.logger("chat").atInfo().addKeyValue("role", "user").log("after it");
            } finally {
                MDC.clear();
            }
            assertEquals(List.of(), f.errors());
        }
        assertEquals(List.of(List.of("x\uFFFDy", "nul\uFFFDid", "{\"note\":\"a\\u0000b\"}"), java.util.Arrays.asList(
                "after it", "nul\uFFFDid", null)), StoreBackend.rows(url, "SELECT content, session_id, metadata FROM messages ORDER BY id"));
    }

    @Test
    void aRowTheDatabaseRefusesIsDroppedAloneAndReported(@TempDir Path dir) throws Exception {
        String url = StoreBackend.POSTGRES.newStore(dir, "refused");
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        StatusReporter status = new StatusReporter() {
            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message, Throwable cause) {
                errors.add(message);
            }
        };
        StoreWriter writer = new StoreWriter(url, "t", 1024, 500, 1000, 30_000, status);
        writer.start("chatlog-store-refused");
        for (int i = 0; i < 100; i++) {
            writer.submit(new StoreRecord.Line("2026-03-01T10:00:00.000Z|llm:request|agent|i=" + i));
            if (i == 50) { // no content: NOT NULL refuses it, whichever batch it is in
                writer.submit(new StoreRecord.Message("s", "2026-03-01T10:00:00.000Z", "user", "message", null, null,
                        null, null, null, null, null, null, null, "k"));
            }
        }
        Await.until("everything written or dropped", () -> writer.written() + writer.dropped() == 101);
        writer.close();
        assertEquals(1, writer.dropped());
        assertEquals(100, StoreBackend.count(url, "SELECT count(*) FROM events"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("refused a record")), errors.toString());
    }
}
