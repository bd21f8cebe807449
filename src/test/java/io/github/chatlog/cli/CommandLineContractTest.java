package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static io.github.chatlog.cli.ReadCommandsTest.chatlog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, items 4 and 5: errors and exit codes as the README gives them (2 for a wrong command line, 1 for a
 * failure), search that says when it stopped, stats that agree with the master log, topics without stopwords, the CSV
 * columns of tool calls and errors, and a session id used for two conversations.
 */
class CommandLineContractTest {

    @TempDir
    static Path dir;

    static final long T0 = Instant.parse("2026-02-01T09:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000;

    @BeforeAll
    static void fixture() throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><timeZone>UTC</timeZone>"
                + "</appender><root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            Conversations c = new Conversations(f);
            // "again": one id, two conversations an hour apart, each ended by conversation:end
            for (int conv = 0; conv < 2; conv++) {
                long t = T0 + conv * HOUR;
                for (int i = 0; i < 12; i++) {
                    c.log("chat", t + i * 1_000L, "again", "question from me about the lisbon trip " + conv + "." + i,
                            "role", "user");
                }
                c.log("chat", t + 20_000, "again", "answer " + conv, "role", "assistant");
                c.log("chat", t + 21_000, "again", "", "type", "tool_call", "tool", "weather", "args", "city=Lisbon",
                        "result", "sunny");
                c.error("chat", t + 22_000, "again", "speaking", new IllegalStateException("tts down"));
                c.log("event", t + 30_000 + conv, "again", "conversation:end");
            }
            // errors outside any conversation: only the master log has them
            c.error("error.db", T0 + 3 * HOUR, null, "pool exhausted", new IllegalStateException("no connection"));
            c.log("event.llm", T0 + 3 * HOUR, null, "llm:error provider timed out");
        }
    }

    @Test
    void aMissingLogDirectoryIsAnErrorForEveryReadingCommand() {
        String missing = dir.resolve("no-such-dir").toString();
        for (List<String> command : List.of(List.of("sessions"), List.of("tail"), List.of("tail", "--follow"),
                List.of("text"), List.of("search", "x"), List.of("stats"), List.of("reflect"), List.of("show", "x"),
                List.of("export", "--format", "csv"), List.of("prune", "--older-than", "30d"))) {
            String[] argv = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--dir", missing))
                    .toArray(String[]::new);
            ReadCommandsTest.Run r = chatlog(argv);
            assertEquals(1, r.code(), command + ": " + r.out() + r.err());
            assertEquals("", r.out(), command.toString());
            assertTrue(r.err().contains("no log directory at ") && r.err().trim().lines().count() == 1, r.err());
        }
    }

    @Test
    void wrongValuesAreAWrongCommandLine() {
        String d = dir.toString();
        for (List<String> command : List.of(List.of("sessions", "--since", "7x"), List.of("export", "--format", "xml"),
                List.of("stats", "--by", "planet"), List.of("search", "x", "--limit", "-1"),
                List.of("prune", "--older-than", "soon"), List.of("show", "again", "--conversation", "3"),
                List.of("reflect", "--limit", "0"))) {
            String[] argv = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--dir", d))
                    .toArray(String[]::new);
            ReadCommandsTest.Run r = chatlog(argv);
            assertEquals(2, r.code(), command + ": " + r.err());
            assertEquals(1, r.err().trim().lines().count(), r.err());
        }
    }

    @Test
    void searchSaysWhenItStoppedAndLimitZeroShowsAll() {
        ReadCommandsTest.Run ten = chatlog("search", "lisbon", "--dir", dir.toString());
        assertEquals(0, ten.code());
        assertEquals(10, ten.lines().size(), ten.out());
        assertTrue(ten.err().contains("showing the newest 10 hits; there are more"), ten.err());
        ReadCommandsTest.Run all = chatlog("search", "lisbon", "--limit", "0", "--dir", dir.toString());
        assertEquals(2 * 13, all.lines().size(), "12 questions and a tool call, twice: " + all.out());
        assertEquals("", all.err());
        ReadCommandsTest.Run exact = chatlog("search", "lisbon", "--limit", "26", "--dir", dir.toString());
        assertEquals(26, exact.lines().size());
        assertEquals("", exact.err(), "no note when nothing was left out");
    }

    @Test
    void statsCountsTheMasterLogsErrorsToo() throws Exception {
        long inMasterLog = Files.readAllLines(dir.resolve("master.log")).stream()
                .filter(l -> l.contains("|error:") || l.contains("|llm:error|")).count();
        assertEquals(4, inMasterLog, "the two conversation errors, the database error and llm:error");
        ReadCommandsTest.Run r = chatlog("stats", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("errors 2 "), "two errors in conversations: " + r.out());
        assertTrue(r.out().contains("error events in the master log 4 "), r.out());
        ReadCommandsTest.Run json = chatlog("stats", "--json", "--dir", dir.toString());
        assertTrue(json.out().contains("\"master_log_errors\":4"), json.out());
    }

    @Test
    void reflectTopicsAreNotStopwords() {
        ReadCommandsTest.Run r = chatlog("reflect", "--limit", "100", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        String topics = r.lines().stream().filter(l -> l.startsWith("Recurring topics: ")).findFirst().orElseThrow();
        assertTrue(topics.contains("lisbon=24") && topics.contains("trip=24") && topics.contains("question=24"), topics);
        assertFalse(topics.contains("from") || topics.contains("about"), topics);
    }

    @Test
    void csvHasToolColumnsAndErrorsAreNotNotes(@TempDir Path out) throws Exception {
        Path file = out.resolve("again.csv");
        assertEquals(0, chatlog("export", "--format", "csv", "--out", file.toString(), "--dir", dir.toString()).code());
        List<String> rows = Files.readAllLines(file);
        assertEquals("session_id,timestamp,role,type,content,provider,model,latency_ms,tokens,confidence,tool,args,result",
                rows.get(0));
        assertEquals(2, rows.stream().filter(l -> l.startsWith("again,") && l.endsWith(",tool_call,,,,,,,weather,city=Lisbon,sunny"))
                .count(), String.join("\n", rows));
        assertEquals(2, rows.stream().filter(l -> l.contains(",,error,speaking - IllegalStateException: tts down,")).count(),
                String.join("\n", rows));
        assertFalse(rows.stream().anyMatch(l -> l.contains(",note,")), String.join("\n", rows));
    }

    @Test
    void anIdUsedTwiceIsTwoConversationsEachWithItsOwnEndAndShowPicksOne() {
        ReadCommandsTest.Run json = chatlog("sessions", "--json", "--dir", dir.toString());
        List<String> rows = json.lines();
        assertEquals(2, rows.size(), json.out());
        assertTrue(rows.get(0).contains("\"ended\":\"" + Instant.ofEpochMilli(T0 + 30_000) + "\""), rows.get(0));
        assertTrue(rows.get(1).contains("\"ended\":\"" + Instant.ofEpochMilli(T0 + HOUR + 30_000) + "\""), rows.get(1));
        assertTrue(rows.get(0).contains("\"conversation\":1,\"conversations\":2"), rows.get(0));
        assertTrue(rows.get(1).contains("\"conversation\":2,\"conversations\":2"), rows.get(1));

        ReadCommandsTest.Run table = chatlog("sessions", "--dir", dir.toString());
        assertTrue(table.lines().get(1).startsWith("again      1  2026-") && table.lines().get(2).startsWith("again      2  2026-"),
                table.out());

        ReadCommandsTest.Run newest = chatlog("show", "again", "--dir", dir.toString());
        assertEquals(0, newest.code(), newest.err());
        assertTrue(newest.out().contains("lisbon trip 1.0") && !newest.out().contains("lisbon trip 0.0"), newest.out());
        assertTrue(newest.err().contains("has 2 conversations; this is 2"), newest.err());
        ReadCommandsTest.Run first = chatlog("show", "again", "--conversation", "1", "--dir", dir.toString());
        assertTrue(first.out().contains("lisbon trip 0.0") && !first.out().contains("lisbon trip 1.0"), first.out());
    }
}
