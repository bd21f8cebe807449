package io.github.chatlog.logback;

import io.github.chatlog.Await;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle reaping with an injected clock, reopening in append mode, per-session rolling and retention. */
class SessionLifecycleTest {

    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private final LoggerContext context = new LoggerContext();
    private final ManualClock clock = new ManualClock();

    @AfterEach
    void stop() {
        context.stop();
        MDC.clear();
    }

    private ChatTranscriptAppender appender(Path chats, String... settings) {
        context.setMDCAdapter(MDC.getMDCAdapter());
        ChatTranscriptAppender a = new ChatTranscriptAppender();
        a.setContext(context);
        a.setName("CHAT");
        a.setDirectory(chats.toString());
        a.setFileNamePattern("chat_%session.log");
        a.setTimeZone("UTC");
        a.setClock(clock);
        for (int i = 0; i < settings.length; i += 2) {
            switch (settings[i]) {
                case "idleTimeout" -> a.setIdleTimeout(settings[i + 1]);
                case "maxFileSize" -> a.setMaxFileSize(settings[i + 1]);
                case "maxHistory" -> a.setMaxHistory(Integer.parseInt(settings[i + 1]));
                case "totalSizeCap" -> a.setTotalSizeCap(settings[i + 1]);
                case "fileNamePattern" -> a.setFileNamePattern(settings[i + 1]);
                default -> throw new IllegalArgumentException(settings[i]);
            }
        }
        a.start();
        assertTrue(a.isStarted(), context.getStatusManager().getCopyOfStatusList().toString());
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a);
        return a;
    }

    private void say(String session, String role, String text) {
        MDC.put("session_id", session);
        try {
            context.getLogger("chat").atInfo().addKeyValue("role", role).addKeyValue("tokens", 10)
                    .addKeyValue("latency_ms", 500).log(text);
        } finally {
            MDC.remove("session_id");
        }
    }

    private static String waitFor(Path file, String needle) throws Exception {
        Await.until(needle + " in " + file, () -> read(file).contains(needle));
        return Files.readString(file);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void idleReaperEndsASessionWithNoFurtherTrafficAndItsReturnAppends(@TempDir Path dir) throws Exception {
        ChatTranscriptAppender a = appender(dir, "idleTimeout", "1 minute");
        say("idle", "user", "anyone there?");
        say("idle", "assistant", "yes");
        Path file = dir.resolve("chat_idle.log");
        assertFalse(Files.readString(file).contains("Session ended"));
        assertEquals(1, a.openFiles());

        clock.millis.addAndGet(61_000); // no event arrives: only the reaper can act
        String text = waitFor(file, "Session ended at ");
        assertTrue(text.contains(" - turns=1, duration="), text);
        // the footer is written before the reaper closes the file: wait for the close, not for a moment after it
        Await.until("the reaper closed the idle file", () -> a.openFiles() == 0);
        text = Files.readString(file);
        assertTrue(text.endsWith(", tokens=20, avg speed=20.00 tok/s\n"), text);

        say("idle", "user", "back again");
        context.getLogger("event.agent").atInfo().addKeyValue("session_id", "idle").log("conversation:end");
        String after = Files.readString(file);
        assertTrue(after.startsWith(text), "reopened in append mode, nothing rewritten");
        String added = after.substring(text.length());
        assertFalse(added.contains("Chat Log - Session started"), "no second header: " + added);
        assertTrue(added.contains("] User:\nback again\n"), added);
        assertTrue(added.contains("Session ended at "), added);
    }

    @Test
    void footerReportsTurnsDurationTokensAndSpeed(@TempDir Path dir) throws Exception {
        appender(dir);
        say("s", "user", "q1");
        say("s", "assistant", "a1");
        say("s", "user", "q2");
        say("s", "assistant", "a2");
        context.getLogger("event").atInfo().addKeyValue("session_id", "s").log("conversation:end");
        String text = Files.readString(dir.resolve("chat_s.log"));
        assertTrue(text.matches("(?s).*\nSession ended at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d - turns=2, "
                + "duration=\\d+\\.\\d\\ds, tokens=40, avg speed=20\\.00 tok/s\n"), text);
    }

    @Test
    void longSessionsRollIntoNumberedArchives(@TempDir Path dir) throws Exception {
        appender(dir, "maxFileSize", "2KB");
        for (int i = 0; i < 60; i++) {
            say("long", i % 2 == 0 ? "user" : "assistant", "message number " + i + " " + "x".repeat(40));
        }
        context.stop();
        assertTrue(Files.exists(dir.resolve("chat_long.1.log.gz")), TranscriptFiles.all(dir).toString());
        StringBuilder all = new StringBuilder();
        for (int n = 1; Files.exists(dir.resolve("chat_long." + n + ".log.gz")); n++) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("chat_long." + n + ".log.gz")))) {
                String part = new String(in.readAllBytes());
                assertTrue(part.startsWith("Chat Log - Session started at "), "each part has the header");
                all.append(part);
            }
        }
        all.append(Files.readString(dir.resolve("chat_long.log")));
        for (int i = 0; i < 60; i++) {
            assertTrue(all.indexOf("message number " + i + " ") >= 0, "entry " + i);
        }
        assertTrue(Files.size(dir.resolve("chat_long.log")) <= 2048);
    }

    /** Retention selects the files the configured pattern makes, read back by the code that names them. */
    @ParameterizedTest
    @ValueSource(strings = {"chat_%session.log", "talks/%session.jsonl"})
    void retentionDeletesOldAndOversizedSessionFilesButNeverOpenOnes(String pattern, @TempDir Path dir) throws Exception {
        appender(dir, "maxHistory", "7", "fileNamePattern", pattern);
        // an open session whose file looks 30 days old: only being open keeps it
        say("live", "user", "I am open");
        Path live = dir.resolve(pattern.replace("%session", "live"));
        Files.setLastModifiedTime(live, FileTime.from(Instant.now().minusSeconds(30 * 86_400)));
        Path old = Files.writeString(dir.resolve(pattern.replace("%session", "old")), "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(10 * 86_400)));
        // a rolled part, as the sink names it: chat_old.1.log.gz, talks/old.jsonl.1.log.gz
        String base = old.getFileName().toString().replaceFirst("\\.log$", "");
        Path oldArchive = Files.writeString(old.resolveSibling(base + ".1.log.gz"), "old");
        Files.setLastModifiedTime(oldArchive, FileTime.from(Instant.now().minusSeconds(9 * 86_400)));
        Path recent = Files.writeString(dir.resolve(pattern.replace("%session", "recent")), "recent");
        Path other = Files.writeString(live.resolveSibling("notes.txt"), "not a transcript");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minusSeconds(100 * 86_400)));
        Path otherLog = Files.writeString(live.resolveSibling("other.log.gz"), "another program's log");
        Files.setLastModifiedTime(otherLog, FileTime.from(Instant.now().minusSeconds(100 * 86_400)));

        // retention runs once a minute by the appender's clock: the run this makes due sees all of the above
        clock.millis.addAndGet(61_000);
        Await.until("retention deleted the old transcripts", () -> !Files.exists(old) && !Files.exists(oldArchive));
        assertTrue(Files.exists(recent));
        assertTrue(Files.exists(other), "only transcripts are deleted");
        assertTrue(Files.exists(otherLog), "a .log.gz the pattern did not make is not a transcript");
        assertTrue(Files.exists(live), "an open session's file is never deleted");
        say("live", "assistant", "still open");
        assertTrue(Files.readString(live).contains("I am open"), Files.readString(live));
    }

    @Test
    void misconfigurationNamesAppenderAndProperty(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<format>xml</format><fileNamePattern>chat.log</fileNamePattern><idleTimeout>later</idleTimeout>"
                + "<maxOpenFiles>-1</maxOpenFiles><timeZone>Mars/Olympus</timeZone></appender>"
                + "<root level='INFO'><appender-ref ref='CHAT'/></root>", dir)) {
            List<String> errors = f.errors();
            for (String property : List.of("format", "fileNamePattern", "idleTimeout", "maxOpenFiles", "timeZone")) {
                assertTrue(errors.stream().anyMatch(e -> e.startsWith("[CHAT] property '" + property + "'")),
                        property + " in " + errors);
            }
            f.logger("chat").info("logging goes on"); // does not throw
            assertFalse(Files.exists(dir.resolve("chats")));
        }
    }
}
