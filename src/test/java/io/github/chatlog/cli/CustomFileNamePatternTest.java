package io.github.chatlog.cli;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.file.SessionFileNames;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.TranscriptDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, item 6: a custom {@code fileNamePattern} (folders, another extension, dates in a zone far from UTC, rolled
 * parts) works end to end. Written by the real appender in each format, every reading command, ingest and prune find
 * the same conversations, with the session ids and times the files were written with; the plain format, which keeps
 * the id only in the file name, included.
 */
class CustomFileNamePatternTest {

    static final String PATTERN = "%d{yyyy-MM}/%session/conv_%d{yyyyMMdd'T'HHmmss}.txt";
    static final long T0 = Instant.parse("2026-03-01T23:30:00Z").toEpochMilli(); // 2 March in Tokyo
    static final int TURNS = 12;

    @Test
    void everyReaderFollowsTheConfiguredPattern(@TempDir Path root) throws Exception {
        for (String format : List.of("text", "jsonl", "plain")) {
            Path dir = root.resolve(format);
            try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                    + "<file>${CHATLOG_DIR}/master.log</file></appender>"
                    + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><format>" + format
                    + "</format><timeZone>Asia/Tokyo</timeZone><maxFileSize>1KB</maxFileSize><fileNamePattern>" + PATTERN
                    + "</fileNamePattern></appender>"
                    + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
                Conversations c = new Conversations(f);
                for (String session : List.of("alpha", "beta")) {
                    long t = T0 + (session.equals("alpha") ? 0 : 3_600_000);
                    for (int i = 0; i < TURNS; i++) {
                        c.log("chat", t + i * 2_000L, session, session + " question " + i + " " + "x".repeat(80),
                                "role", "user");
                        c.log("chat", t + i * 2_000L + 1_000, session, session + " answer " + i, "role", "assistant",
                                "tokens", 10);
                    }
                }
            }
            Path chats = dir.resolve("chats");
            List<Path> written = files(chats);
            assertTrue(written.contains(chats.resolve(SessionFileNames.DESCRIPTION)), written.toString());
            assertTrue(written.stream().anyMatch(p -> p.toString().endsWith(".1.log.gz")), format + ": rolled parts " + written);
            assertTrue(written.contains(chats.resolve("2026-03/alpha/conv_20260302T083000.txt")), written.toString());

            // the readers' own view: ids and times as written, every part in order
            List<TranscriptDirectory.Transcript> all = new TranscriptDirectory(dir, null).transcripts();
            assertEquals(List.of("alpha", "beta"), all.stream().map(TranscriptDirectory.Transcript::sessionId).toList(), format);
            for (TranscriptDirectory.Transcript t : all) {
                assertEquals(2 * TURNS, t.entries().size(), format + " " + t.sessionId());
                long start = T0 + (t.sessionId().equals("alpha") ? 0 : 3_600_000);
                List<Long> times = new ArrayList<>();
                for (LogEntry e : t.entries()) {
                    times.add(e.timestamp() / 1000 * 1000);
                }
                assertEquals(start, times.get(0), format + ": the first entry's time, read in the recorded zone");
                long last = format.equals("plain") ? start // plain keeps no times: its entries carry the session's start
                        : start + (TURNS - 1) * 2_000L + 1_000;
                assertEquals(last, times.get(times.size() - 1), format);
                assertTrue(t.entries().get(t.entries().size() - 1).message().endsWith("answer " + (TURNS - 1)), format);
            }

            // the commands, as people run them
            ReadCommandsTest.Run sessions = ReadCommandsTest.chatlog("sessions", "--dir", dir.toString());
            assertEquals(0, sessions.code(), sessions.err());
            assertTrue(sessions.out().contains("2 session(s)") && sessions.out().contains("alpha")
                    && sessions.out().contains("beta"), sessions.out());
            ReadCommandsTest.Run show = ReadCommandsTest.chatlog("show", "beta", "--dir", dir.toString());
            assertEquals(0, show.code(), show.err());
            for (int i = 0; i < TURNS; i++) {
                assertTrue(show.out().contains("beta answer " + i), format + ": " + show.out());
            }
            assertFalse(show.out().contains("alpha"), show.out());
            ReadCommandsTest.Run search = ReadCommandsTest.chatlog("search", "answer 3", "--limit", "0", "--dir", dir.toString());
            assertEquals(2, search.lines().stream().filter(l -> l.contains("answer 3")).count(), search.out());
            ReadCommandsTest.Run export = ReadCommandsTest.chatlog("export", "--format", "jsonl", "--dir", dir.toString());
            assertEquals(0, export.code(), export.err());
            assertTrue(export.out().contains("alpha answer 11") && export.out().contains("beta answer 11"), export.out());
            ReadCommandsTest.Run ingest = ReadCommandsTest.chatlog("ingest", "--dir", dir.toString());
            assertEquals(0, ingest.code(), ingest.err());
            ReadCommandsTest.Run indexed = ReadCommandsTest.chatlog("search", "answer 3", "--limit", "0", "--dir", dir.toString());
            assertEquals(search.lines().stream().filter(l -> l.contains("answer 3")).count(),
                    indexed.lines().stream().filter(l -> l.contains("answer 3")).count(), indexed.out());

            // prune compresses the old live files where they are, and the readers still find everything
            for (Path p : files(chats)) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(10L * 86_400)));
            }
            ReadCommandsTest.Run prune = ReadCommandsTest.chatlog("prune", "--older-than", "30d", "--compress-after", "7d",
                    "--dir", dir.toString());
            assertEquals(0, prune.code(), prune.err());
            assertTrue(Files.exists(chats.resolve("2026-03/alpha/conv_20260302T083000.txt.gz")), files(chats).toString());
            assertTrue(Files.exists(chats.resolve(SessionFileNames.DESCRIPTION)), "prune leaves the description alone");
            List<TranscriptDirectory.Transcript> pruned = new TranscriptDirectory(dir, null).transcripts();
            assertEquals(List.of(2 * TURNS, 2 * TURNS), pruned.stream().map(t -> t.entries().size()).toList(), format);
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }
}
