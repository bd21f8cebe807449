package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.store.Ingest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.github.chatlog.cli.ReadCommandsTest.chatlog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** search, stats, reflect, export and prune on transcripts written by the real appenders. */
class AnalysisCommandsTest {

    @TempDir
    static Path dir;

    static final String[] INJECTION = {"=1+1", "+SUM(A1)", "-2+3", "@x", "\t=1", "say \"hi\", then\nleave"};

    @BeforeAll
    static void fixture() throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            Logger chat = f.logger("chat");
            // s1: ten answers with latencies 100..1000 ms, a tool call, a low-confidence answer
            MDC.put("session_id", "s1");
            for (int i = 1; i <= 10; i++) {
                chat.atInfo().addKeyValue("role", "user").log("weather question " + i);
                chat.atInfo().addKeyValue("role", "assistant").addKeyValue("model", i % 2 == 0 ? "even" : "odd")
                        .addKeyValue("latency_ms", i * 100).addKeyValue("tokens", 10).addKeyValue("tokens_in", 5)
                        .addKeyValue("confidence", i == 3 ? "0.2" : "0.9").log("answer " + i);
                long now = System.currentTimeMillis();
                while (System.currentTimeMillis() == now) {
                    Thread.onSpinWait(); // the next entries get a later time, which orders the hits
                }
            }
            chat.atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "forecast")
                    .addKeyValue("args", "{\"city\":\"Lisbon\"}").addKeyValue("result", "sunny").log("");
            chat.atInfo().addKeyValue("role", "assistant").addKeyValue("fallback_from", "openai").log("Sunny.");
            // s2: hostile content for csv and markdown, and an error
            MDC.put("session_id", "s2");
            for (String payload : INJECTION) {
                chat.atInfo().addKeyValue("role", "user").log(payload);
            }
            chat.atInfo().addKeyValue("role", "assistant").log("| a | table |\n```\n<script>alert(1)</script>\n````");
            f.logger("error.tool").error("tool broke", new IllegalStateException("boom"));
            // s3: no assistant reply at all
            MDC.put("session_id", "s3");
            chat.atInfo().addKeyValue("role", "user").log("anybody there? weather?");
            MDC.clear();
        }
    }

    @Test
    void searchIsNewestFirstFiltersByRoleAndUsesTheDatabaseWhenCurrent() throws Exception {
        ReadCommandsTest.Run r = chatlog("search", "WEATHER", "--limit", "3", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.lines().size(), r.out());
        assertTrue(r.lines().get(0).contains("user: anybody there? weather?"), r.out());
        assertTrue(r.lines().get(1).contains("user: weather question 10 (chats/chat_"), r.out());
        assertTrue(r.lines().get(2).contains("weather question 9"), r.out());
        assertTrue(r.lines().get(0).matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] user: .*"), r.out());
        assertEquals(List.of(), chatlog("search", "weather", "--role", "assistant", "--dir", dir.toString()).lines());
        assertEquals(10, chatlog("search", "answer", "--role", "assistant", "--limit", "50", "--dir", dir.toString())
                .lines().size());

        Path copy = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-db"));
        copyTree(dir, copy);
        new Ingest(copy, "jdbc:sqlite:" + copy.resolve("chatlog.db"), ZoneId.systemDefault(), null).run();
        ReadCommandsTest.Run db = chatlog("search", "weather", "--limit", "3", "--dir", copy.toString());
        assertEquals(3, db.lines().size(), db.out() + db.err());
        assertTrue(db.lines().get(0).contains("anybody there? weather? (chatlog.db session s3)"), db.out());
        assertTrue(db.lines().get(1).contains("weather question 10"), db.out());
    }

    @Test
    void statsMatchAHandComputedFixture() throws Exception {
        ReadCommandsTest.Run r = chatlog("stats", "--json", "--by", "model", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = JsonMapper.builder().build().readTree(r.out());
        JsonNode total = json.get("total");
        assertEquals(3, total.get("sessions").asInt());
        // latencies 100..1000: nearest rank p50 = 500, p95 = p99 = 1000
        assertEquals(500, total.get("latency_ms_p50").asInt());
        assertEquals(1000, total.get("latency_ms_p95").asInt());
        assertEquals(1000, total.get("latency_ms_p99").asInt());
        assertEquals(100, total.get("tokens_out").asInt());
        assertEquals(50, total.get("tokens_in").asInt());
        assertEquals("18.18", total.get("tokens_per_second").asString().isEmpty() ? "" : String.format(java.util.Locale.ROOT,
                "%.2f", total.get("tokens_per_second").asDouble()), "100 tokens over 5.5 s");
        assertEquals(1, total.get("fallbacks").asInt());
        assertEquals(1, total.get("low_confidence").asInt());
        assertEquals(1, total.get("tool_calls").asInt());
        assertEquals(1, total.get("errors").asInt());
        assertEquals(1, total.get("top_tools").get("forecast").asInt());
        // odd models answered 1,3,5,7,9 (100..900): p50 = 500
        assertEquals(500, json.get("by_model").get("odd").get("latency_ms_p50").asInt());
        assertEquals(600, json.get("by_model").get("even").get("latency_ms_p50").asInt());
        assertTrue(chatlog("stats", "--dir", dir.toString()).out().contains("latency p50 500 ms, p95 1000 ms, p99 1000 ms"));
    }

    @Test
    void reflectFindsUncertaintyErrorsAndTopics(@TempDir Path empty) {
        ReadCommandsTest.Run r = chatlog("reflect", "--limit", "100", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Low-confidence answers (confidence < 0.5): 1"), r.out());
        assertTrue(r.out().contains("(confidence 0.2): answer 3"), r.out());
        assertTrue(r.out().contains("Errors: 1"), r.out());
        assertTrue(r.out().contains("weather=11"), r.out());
        assertTrue(r.out().contains("question=10"), r.out());
        assertEquals("nothing to reflect on", chatlog("reflect", "--dir", empty.toString()).out().trim());
    }

    @Test
    void jsonlExportPassesTheFineTuningChecks(@TempDir Path out) throws Exception {
        Path file = out.resolve("train.jsonl");
        ReadCommandsTest.Run r = chatlog("export", "--format", "jsonl", "--out", file.toString(), "--system-prompt",
                "You are helpful.", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("exported 2 session(s)") && r.err().contains("skipped 1 without an assistant reply"), r.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        Set<String> roles = Set.of("system", "user", "assistant", "tool");
        for (String line : lines) {
            JsonNode messages = JsonMapper.builder().build().readTree(line).get("messages");
            assertEquals("system", messages.get(0).get("role").asString());
            boolean assistant = false;
            Set<String> openCalls = new HashSet<>();
            for (JsonNode m : messages) {
                assertTrue(roles.contains(m.get("role").asString()), line);
                assertTrue(m.get("content").isString(), "string content: " + m);
                assistant |= m.get("role").asString().equals("assistant");
                if (m.has("tool_calls")) {
                    for (JsonNode call : m.get("tool_calls")) {
                        openCalls.add(call.get("id").asString());
                        assertTrue(call.get("function").get("arguments").isString());
                        JsonMapper.builder().build().readTree(call.get("function").get("arguments").asString());
                    }
                }
                if (m.get("role").asString().equals("tool")) {
                    assertTrue(openCalls.remove(m.get("tool_call_id").asString()), "tool message answers a call: " + m);
                }
            }
            assertTrue(assistant, "at least one assistant reply");
            assertTrue(openCalls.isEmpty(), "every tool call answered");
        }
        assertTrue(lines.get(0).contains("\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"forecast\",\"arguments\":\"{\\\"city\\\":\\\"Lisbon\\\"}\"}}]"), lines.get(0));
        assertEquals(1, chatlog("export", "--format", "jsonl", "--out", file.toString(), "--min-turns", "7", "--dir",
                dir.toString()).code() == 0 ? Files.readAllLines(file).size() : -1);
    }

    @Test
    void csvExportRoundTripsAndIsNeutralised(@TempDir Path out) throws Exception {
        Path file = out.resolve("all.csv");
        assertEquals(0, chatlog("export", "--format", "csv", "--out", file.toString(), "--session", "s2", "--dir",
                dir.toString()).code());
        List<List<String>> rows = parseCsv(Files.readString(file));
        assertEquals(List.of("session_id", "timestamp", "role", "type", "content", "provider", "model", "latency_ms",
                "tokens", "confidence", "tool", "args", "result"), rows.get(0));
        assertEquals(1 + INJECTION.length + 2, rows.size());
        for (int i = 0; i < INJECTION.length; i++) {
            String cell = rows.get(i + 1).get(4);
            String payload = INJECTION[i];
            boolean dangerous = "=+-@\t\r".indexOf(payload.charAt(0)) >= 0;
            assertEquals(dangerous ? "'" + payload : payload, cell, "row " + i);
        }
        for (List<String> row : rows) {
            assertEquals(13, row.size(), row.toString());
            for (String cell : row) {
                assertFalse(!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0, "not neutralised: " + cell);
            }
        }
    }

    @Test
    void markdownExportCannotBeBrokenByContent(@TempDir Path out) throws Exception {
        Path file = out.resolve("s2.md");
        assertEquals(0, chatlog("export", "--format", "md", "--out", file.toString(), "--session", "s2", "--dir",
                dir.toString()).code());
        String md = Files.readString(file);
        assertTrue(md.startsWith("# Conversations\n\n## Session s2\n"), md);
        // the reply holds ``` and ````: its fence is five backticks, and everything in it stays inside
        assertTrue(md.contains("`````text\n| a | table |\n```\n<script>alert(1)</script>\n````\n`````\n"), md);
        // outside fences there is no raw HTML
        String outside = md.replaceAll("(?s)(`{3,})text\\n.*?\\n\\1\\n", "");
        assertFalse(outside.contains("<script>"), outside);
    }

    @Test
    void pruneDryRunChangesNothingAndTheRealRunKeepsRecentFiles(@TempDir Path root) throws Exception {
        Path d = Files.createDirectories(root.resolve("logs"));
        copyTree(dir, d);
        Path chats = d.resolve("chats");
        List<Path> transcripts;
        try (Stream<Path> s = Files.list(chats)) {
            transcripts = s.sorted().toList();
        }
        Instant now = Instant.now();
        Files.setLastModifiedTime(transcripts.get(0), FileTime.from(now.minusSeconds(40L * 86_400))); // old: deleted
        Files.setLastModifiedTime(transcripts.get(1), FileTime.from(now.minusSeconds(10L * 86_400))); // compressed
        Map<Path, FileTime> before = snapshot(d);

        ReadCommandsTest.Run dry = chatlog("prune", "--older-than", "30d", "--compress-after", "7d", "--dry-run",
                "--dir", d.toString());
        assertEquals(0, dry.code(), dry.err());
        assertEquals(before, snapshot(d), "a dry run changes nothing");
        assertTrue(dry.out().contains("would delete chats/" + transcripts.get(0).getFileName()), dry.out());
        assertTrue(dry.out().contains("would compress chats/" + transcripts.get(1).getFileName()), dry.out());

        ReadCommandsTest.Run real = chatlog("prune", "--older-than", "30d", "--compress-after", "7d", "--dir", d.toString());
        assertEquals(0, real.code(), real.err());
        assertFalse(Files.exists(transcripts.get(0)));
        assertFalse(Files.exists(transcripts.get(1)));
        assertTrue(Files.exists(transcripts.get(1).resolveSibling(transcripts.get(1).getFileName() + ".gz")));
        assertTrue(Files.exists(transcripts.get(2)), "a recent file (possibly open) is left alone");
        assertTrue(Files.exists(d.resolve("master.log")));
        // the compressed transcript still reads
        ReadCommandsTest.Run sessions = chatlog("sessions", "--dir", d.toString());
        assertTrue(sessions.out().contains("2 session(s)"), sessions.out());
    }

    private static Map<Path, FileTime> snapshot(Path d) throws Exception {
        Map<Path, FileTime> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** A strict RFC 4180 reader: quoted cells, doubled quotes, CRLF records. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        return rows;
    }
}
