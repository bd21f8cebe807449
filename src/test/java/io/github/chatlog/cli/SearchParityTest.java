package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptSearch;
import io.github.chatlog.store.EventStore;
import io.github.chatlog.store.StoreBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, item 3: the transcript files and the store after {@code ingest} give the same hits in the same order for
 * the same data: messages, tool calls and errors, in text and jsonl transcripts, several entries in one second. The
 * store on SQLite and on PostgreSQL alike (issue 15).
 */
class SearchParityTest {

    @TempDir
    static Path dir;

    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    @BeforeAll
    static void corpus() throws Exception {
        for (String format : List.of("text", "jsonl")) {
            try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                    + "<file>${CHATLOG_DIR}/master.log</file></appender>"
                    + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><format>" + format
                    + "</format><timeZone>UTC</timeZone><fileNamePattern>chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log"
                    + "</fileNamePattern></appender>"
                    + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
                Conversations c = new Conversations(f);
                String s = format + "-trip";
                long t = T0 + (format.equals("text") ? 0 : 60_000);
                c.log("chat", t, s, "Plan a weekend in Lisbon, 50% cheaper_than last time", "role", "user");
                c.log("chat", t + 200, s, "", "type", "tool_call", "tool", "weather", "args", "city=Lisbon",
                        "result", "sunny, 24C");
                c.log("chat", t + 400, s, "Lisbon will be sunny. Café or beach?", "role", "assistant");
                c.error("chat", t + 600, s, "reading the answer aloud", new IllegalStateException("tts engine down"));
                c.log("chat", t + 1_000, s, "Café, please", "role", "user");
                c.log("chat", t + 1_200, s, "", "type", "tool_call", "tool", "places", "args",
                        "{\"kind\":\"cafe\",\"city\":\"Lisbon\"}", "result", "3 found");
            }
        }
        assertEquals(0, ReadCommandsTest.chatlog("ingest", "--dir", dir.toString()).code());
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void filesAndIndexGiveTheSameHitsInTheSameOrder(StoreBackend backend) throws Exception {
        Path db = dir.resolve("chatlog.db");
        assertTrue(TranscriptSearch.databaseCurrent(dir, db), "ingest made the store current");
        String url = "jdbc:sqlite:" + db;
        if (backend == StoreBackend.POSTGRES) {
            url = backend.newStore(dir, "search_parity");
            ReadCommandsTest.Run ingest = ReadCommandsTest.chatlog("ingest", "--dir", dir.toString(), "--db", url);
            assertEquals(0, ingest.code(), ingest.err());
        }
        try (EventStore store = EventStore.openForReading(url)) {
            compare(store);
        }
    }

    private static void compare(EventStore db) throws Exception {
        TranscriptDirectory transcripts = new TranscriptDirectory(dir, ZoneOffset.UTC);
        List<String> queries = List.of("lisbon", "LISBON", "city", "tts", "sunny", "weather city=", "aloud - Illegal",
                "50%", "cheaper_than", "café", "CAFÉ", "\"kind\"", "places {", "nothing like this", "e");
        for (String q : queries) {
            for (String role : new String[]{null, "user", "note"}) {
                for (int limit : new int[]{Integer.MAX_VALUE, 2}) {
                    List<TranscriptSearch.Hit> files = TranscriptSearch.files(transcripts, q, role, Long.MIN_VALUE, limit);
                    List<TranscriptSearch.Hit> index = TranscriptSearch.database(db, q, role, Long.MIN_VALUE, limit);
                    assertEquals(view(files), view(index), "'" + q + "' role " + role + " limit " + limit);
                }
            }
        }
        // what the issue saw: the tool call and the error are found from the files too
        assertEquals(8, TranscriptSearch.files(transcripts, "lisbon", null, Long.MIN_VALUE, 100).size());
        assertEquals(4, TranscriptSearch.files(transcripts, "city", null, Long.MIN_VALUE, 100).size());
        assertEquals(2, TranscriptSearch.files(transcripts, "tts", null, Long.MIN_VALUE, 100).size());
        assertEquals(4, TranscriptSearch.files(transcripts, "CAFÉ", null, Long.MIN_VALUE, 100).size());
        assertFalse(TranscriptSearch.files(transcripts, "aloud - Illegal", null, Long.MIN_VALUE, 100).isEmpty());
        List<TranscriptSearch.Hit> since = TranscriptSearch.files(transcripts, "lisbon", null, T0 + 30_000, 100);
        assertEquals(view(since), view(TranscriptSearch.database(db, "lisbon", null, T0 + 30_000, 100)));
        assertEquals(4, since.size());
    }

    /** What a hit shows, but where it came from (a file, or the database). */
    private static List<String> view(List<TranscriptSearch.Hit> hits) {
        return hits.stream().map(h -> Instant.ofEpochMilli(h.timestamp()) + " " + h.sessionId() + " " + h.role() + ": "
                + h.text()).toList();
    }
}
