package io.github.chatlog.store;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.EventQuery;
import io.github.chatlog.read.MasterLogReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chatlog ingest over directories written by the real appenders, into SQLite and into PostgreSQL. */
class IngestTest {

    private static String config(String format) {
        return "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>8KB</maxFileSize></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<format>" + format + "</format></appender>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>";
    }

    private static void converse(LogbackFixture f, String session, int turns) {
        MDC.put("session_id", session);
        try {
            for (int i = 0; i < turns; i++) {
                f.logger("event.llm").atInfo().addKeyValue("turn", i).addKeyValue("model", "phi3").log("llm:request");
                f.logger("chat").atInfo().addKeyValue("role", "user").log("question " + i + " about zebras\nsecond line");
                f.logger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("model", "phi3")
                        .addKeyValue("latency_ms", 100 + i).addKeyValue("tokens", 10).log("answer " + i);
            }
            f.logger("chat").atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "search")
                    .addKeyValue("args", "{\"q\":\"zebra\"}").addKeyValue("result", "found").log("");
            f.logger("error.tools").error("tool broke", new IllegalStateException("boom"));
            f.logger("event").info("conversation:end");
        } finally {
            MDC.clear();
        }
    }

    private static List<String> masterLines(Path dir) {
        return MasterLogReader.of(dir.resolve("master.log")).read(EventQuery.ALL).stream().map(MasterLine::raw)
                .collect(Collectors.toList());
    }

    private static long count(String url, String sql) {
        return StoreBackend.count(url, sql);
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void ingestOfAllFormatsAndArchivesTwiceAddsNothingTheSecondTime(StoreBackend backend, @TempDir Path root)
            throws Exception {
        for (String format : new String[]{"text", "jsonl", "plain"}) {
            Path dir = root.resolve(format);
            String url = backend.newStore(dir, "ingest_" + format);
            try (LogbackFixture f = LogbackFixture.fromXml(config(format), dir)) {
                for (int s = 0; s < 5; s++) {
                    converse(f, format + "-session-" + s, 20);
                }
            }
            try (Stream<Path> archives = Files.list(dir.resolve("archive"))) {
                assertTrue(archives.anyMatch(p -> p.toString().endsWith(".log.gz")), "the master log rolled into gzip");
            }
            List<String> lines = masterLines(dir);
            Ingest.Result first = new Ingest(dir, url, ZoneId.systemDefault(), null).run();
            assertEquals(lines.size(), first.events(), format);
            assertEquals(5 * (20 * 2 + 2), first.messages(), format);
            assertEquals(lines, StoreBackend.column(url, "SELECT raw_line FROM events ORDER BY id"),
                    "lossless raw_line, in order");

            Ingest.Result second = new Ingest(dir, url, ZoneId.systemDefault(), null).run();
            assertEquals(0, second.events(), format);
            assertEquals(0, second.messages(), format);
            assertEquals(first.files(), second.filesSkipped(), format);
            assertEquals(lines.size(), count(url, "SELECT count(*) FROM events"));
            assertEquals(5 * 42, count(url, "SELECT count(*) FROM messages"));
            assertEquals(5, count(url, "SELECT count(*) FROM sessions WHERE ended IS NOT NULL"));
            assertEquals(5 * 20, count(url, "SELECT count(*) FROM messages WHERE content LIKE '%zebras%'"));
            if (backend == StoreBackend.SQLITE) {
                assertEquals(5 * 20, count(url, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zebras'"));
            }
            if (!format.equals("plain")) {
                assertEquals(5 * 20, count(url, "SELECT count(*) FROM messages WHERE role = 'assistant' AND tokens = 10 "
                        + "AND model = 'phi3' AND latency_ms >= 100"), format);
                assertEquals(5, count(url, "SELECT count(*) FROM messages WHERE type = 'error' "
                        + "AND content LIKE '%IllegalStateException: boom%'"), format);
                assertEquals(5, count(url, "SELECT count(*) FROM messages WHERE type = 'tool_call' AND tool = 'search'"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void ingestWhileTheApplicationLogsStoresEachLineOnce(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "while_logging");
        LogbackFixture f = LogbackFixture.fromXml(config("text"), dir);
        int total = 20_000;
        AtomicBoolean logging = new AtomicBoolean(true);
        Thread app = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                f.logger("event.app").atInfo().addKeyValue("i", i).log("tick:tock");
                if (i % 200 == 0) {
                    Thread.yield(); // let ingest run between bursts
                }
            }
            logging.set(false);
        });
        app.start();
        int runsWhileLogging = 0;
        try {
            while (logging.get()) {
                new Ingest(dir, url, ZoneId.systemDefault(), null).run();
                runsWhileLogging++;
            }
        } finally {
            app.join();
            f.close();
        }
        assertTrue(runsWhileLogging >= 1);
        new Ingest(dir, url, ZoneId.systemDefault(), null).run();
        List<String> lines = masterLines(dir);
        assertEquals(total + 2, lines.stream().filter(l -> !l.contains("|system:log_rotated|")).count(), "app:start, app:shutdown");
        assertEquals(lines.size(), count(url, "SELECT count(*) FROM events"));
        assertEquals(lines.size(), count(url, "SELECT count(DISTINCT raw_line) FROM events"));
    }

    @ParameterizedTest
    @EnumSource(StoreBackend.class)
    void liveStoreAndIngestTogetherStoreEachEventOnce(StoreBackend backend, @TempDir Path dir) throws Exception {
        String url = backend.newStore(dir, "live_and_ingest");
        try (LogbackFixture f = LogbackFixture.fromXml(config("text").replace("<root",
                "<appender name='STORE' class='io.github.chatlog.logback.EventStoreAppender'><url>"
                        + url.replace("&", "&amp;") + "</url></appender><root")
                .replace("</root>", "<appender-ref ref='STORE'/></root>"), dir)) {
            converse(f, "both", 10);
        }
        long events = count(url, "SELECT count(*) FROM events");
        long messages = count(url, "SELECT count(*) FROM messages");
        Ingest.Result r = new Ingest(dir, url, ZoneId.systemDefault(), null).run();
        assertEquals(masterLines(dir).size(), count(url, "SELECT count(*) FROM events"));
        assertEquals(r.events() + events, count(url, "SELECT count(*) FROM events"));
        assertEquals(messages, count(url, "SELECT count(*) FROM messages"), "transcript entries already stored live");
        assertEquals(0, r.messages());
    }
}
