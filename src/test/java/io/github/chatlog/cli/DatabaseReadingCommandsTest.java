package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.store.StoreBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: every reading command with {@code --db} reads PostgreSQL with the same results as SQLite. One set of
 * conversations is logged through the real appenders into the files and, live, into both stores; each command then
 * runs against each store and must print the same, and what it prints must agree with the files where both can say
 * it (statistics, exports, search hits).
 */
class DatabaseReadingCommandsTest {

    @TempDir
    static Path dir;
    static String sqlite;
    static String postgres;

    static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    static final List<String> SESSIONS = List.of("trip", "code-review", "ünïcödé 会话", "short");

    @BeforeAll
    static void corpus() throws Exception {
        sqlite = StoreBackend.SQLITE.newStore(dir, "chatlog");
        postgres = StoreBackend.POSTGRES.newStore(dir, "reading_commands");
        String store = "<appender name='%s' class='io.github.chatlog.logback.EventStoreAppender'><storage>%s</storage>"
                + "<logTurns>false</logTurns></appender>";
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' "
                + "class='io.github.chatlog.logback.MasterLogAppender'><file>${CHATLOG_DIR}/master.log</file></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><format>jsonl</format>"
                + "</appender>" + store.formatted("SQLITE", sqlite) + store.formatted("PG", postgres.replace("&", "&amp;"))
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/><appender-ref ref='SQLITE'/>"
                + "<appender-ref ref='PG'/></root>", dir)) {
            Conversations c = new Conversations(f);
            long t = T0;
            for (int round = 0; round < 3; round++) {
                for (String s : SESSIONS) {
                    if (s.equals("short") && round > 0) {
                        continue;
                    }
                    c.log("event.llm", t, s, "llm:request", "model", round == 1 ? "gpt-x" : "phi3", "round", round);
                    c.log("chat", t + 10, s, "Question " + round + " about Lisbon, 50% off?", "role", "user");
                    c.log("chat", t + 10, s, "same millisecond, second entry " + round, "role", "user");
                    c.log("chat", t + 300, s, "", "type", "tool_call", "tool", "weather", "args",
                            "{\"city\":\"Lisbon\"}", "result", "sunny, 24C");
                    c.log("chat", t + 900, s, "Answer " + round + ": café by the river", "role", "assistant",
                            "model", round == 1 ? "gpt-x" : "phi3", "provider", "acme", "latency_ms", 400 + round * 50,
                            "tokens", 20 + round, "tokens_in", 7, "confidence", round == 2 ? "0.30" : "0.90");
                    if (round == 1) {
                        c.log("chat", t + 950, s, "go with the river café", "type", "decision", "rationale",
                                "closest to the user");
                        c.error("error.tools", t + 980, s, "looking up opening hours",
                                new IllegalStateException("maps API down"));
                    }
                    t += 1_500;
                }
            }
            for (String s : SESSIONS) {
                c.log("event", t, s, "conversation:end");
                t += 10;
            }
            c.log("event.app", t, null, "cache:flush", "entries", 12);
            assertEquals(List.of(), f.errors());
        }
    }

    /** Runs {@code args} with {@code --db} on each store; both must exit and print alike. Returns what they printed. */
    private static ReadCommandsTest.Run both(String... args) {
        List<String> withSqlite = new ArrayList<>(Arrays.asList(args));
        withSqlite.addAll(List.of("--db", sqlite, "--zone", "UTC"));
        List<String> withPostgres = new ArrayList<>(Arrays.asList(args));
        withPostgres.addAll(List.of("--db", postgres, "--zone", "UTC"));
        ReadCommandsTest.Run a = ReadCommandsTest.chatlog(withSqlite.toArray(String[]::new));
        ReadCommandsTest.Run b = ReadCommandsTest.chatlog(withPostgres.toArray(String[]::new));
        assertEquals(0, a.code(), String.join(" ", args) + ": " + a.err());
        assertEquals(a.out(), b.out(), String.join(" ", args) + " on SQLite and on PostgreSQL");
        assertEquals(a.code(), b.code(), String.join(" ", args));
        return a;
    }

    private static ReadCommandsTest.Run files(String... args) {
        List<String> withDir = new ArrayList<>(Arrays.asList(args));
        withDir.addAll(List.of("--dir", dir.toString(), "--zone", "UTC"));
        ReadCommandsTest.Run r = ReadCommandsTest.chatlog(withDir.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void sessionsAreListedAlike() {
        ReadCommandsTest.Run table = both("sessions");
        assertEquals(SESSIONS.size() + 2, table.lines().size(), table.out()); // header, rows, count
        assertTrue(table.out().contains(SESSIONS.size() + " session(s)"), table.out());
        ReadCommandsTest.Run json = both("sessions", "--json");
        assertEquals(SESSIONS.size(), json.lines().size(), json.out());
        // the figures the files give, but for the file
        List<String> fromFiles = files("sessions", "--json").lines().stream()
                .map(l -> l.replaceAll(",\"file\":\"[^\"]*\"", ",\"file\":null")).sorted().toList();
        assertEquals(fromFiles, json.lines().stream().sorted().toList());
    }

    @Test
    void showPrintsEachConversationInTimeOrder() {
        for (String s : SESSIONS) {
            ReadCommandsTest.Run show = both("show", s);
            int question = show.out().indexOf("Question 0 about Lisbon");
            int answer = show.out().indexOf("Answer 0: café by the river");
            assertTrue(question > 0 && answer > question, show.out());
            assertTrue(show.out().contains("Session: " + s), show.out());
        }
        ReadCommandsTest.Run missing = ReadCommandsTest.chatlog("show", "nobody", "--db", postgres);
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no conversation for session 'nobody'"), missing.err());
    }

    @Test
    void searchFindsTheFilesHitsInTheFilesOrder() {
        for (String q : List.of("lisbon", "CAFÉ", "50%", "maps api", "weather {\"city\"", "river", "e")) {
            for (String role : new String[]{null, "user"}) {
                List<String> args = new ArrayList<>(List.of("search", q, "--limit", "0", "--json"));
                if (role != null) {
                    args.addAll(List.of("--role", role));
                }
                ReadCommandsTest.Run db = both(args.toArray(String[]::new));
                List<String> fromFiles = files(args.toArray(String[]::new)).lines().stream()
                        .map(l -> l.replaceAll(",\"file\":\"[^\"]*\"", "")).toList();
                assertEquals(fromFiles, db.lines().stream().map(l -> l.replaceAll(",\"file\":\"[^\"]*\"", "")).toList(),
                        "search " + q + " role " + role);
            }
        }
        assertEquals(3 * 3 * 2 + 2, both("search", "lisbon", "--limit", "0").lines().size(),
                "a question and a tool call (its args) in each of 3 rounds of 3 sessions, and in 'short''s one round");
    }

    @Test
    void statsAndExportsAgreeWithTheFiles() {
        assertEquals(files("stats", "--json").out(), both("stats", "--json").out());
        assertEquals(files("stats", "--by", "model").out(), both("stats", "--by", "model").out());
        for (String format : List.of("jsonl", "csv", "md")) {
            ReadCommandsTest.Run db = both("export", "--format", format);
            assertTrue(db.out().contains("café by the river"), db.out());
            assertEquals(sorted(files("export", "--format", format).out()), sorted(db.out()), format);
        }
        assertEquals(files("reflect").out(), both("reflect").out());
    }

    @Test
    void tailAndTextReadTheStoredMasterLines() {
        ReadCommandsTest.Run tail = both("tail", "-n", "5");
        assertEquals(5, tail.lines().size(), tail.out());
        assertTrue(tail.lines().get(4).contains("|cache:flush|"), tail.out());
        assertEquals(List.of(), both("tail", "--type", "nothing:*").lines());
        ReadCommandsTest.Run llm = both("tail", "-n", "100", "--type", "llm:*", "--json");
        assertEquals(3 * 3 + 1, llm.lines().size(), llm.out());
        ReadCommandsTest.Run session = both("tail", "--session", "trip");
        assertTrue(session.lines().stream().allMatch(l -> l.contains("session_id=trip")), session.out());
        assertEquals(5, session.lines().size(), session.out()); // 3 llm:request, an error, conversation:end
        // the lines are the master log's own
        List<String> master = files("tail", "-n", "1000").lines();
        assertTrue(master.containsAll(both("tail", "-n", "1000").lines()));
        // the master log's own lines (app:start, app:shutdown) are its appender's, not the store's
        assertEquals(files("text", "--since", "2026-03-02T09:00:00Z").lines().stream()
                        .filter(l -> !l.startsWith("app:")).toList(),
                both("text", "--since", "2026-03-02T09:00:00Z").lines());
        ReadCommandsTest.Run follow = ReadCommandsTest.chatlog("tail", "--follow", "--db", postgres);
        assertEquals(2, follow.code(), follow.err());
    }

    /** Lines sorted: the files list sessions by file name, the store by first entry. */
    private static List<String> sorted(String text) {
        return Arrays.stream(text.split("\n")).sorted().toList();
    }
}
