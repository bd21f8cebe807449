package io.github.chatlog.cli;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.EventQuery;
import io.github.chatlog.read.MasterLogFollower;
import io.github.chatlog.read.MasterLogReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tail, text, sessions and show on a directory written by the real appenders: three formats, archives, a cut line. */
class ReadCommandsTest {

    @TempDir
    static Path dir;

    record Run(int code, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Run chatlog(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ChatlogCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void converse(String format, String pattern, String session, int turns) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>4KB</maxFileSize></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><format>" + format
                + "</format><fileNamePattern>" + pattern + "</fileNamePattern></appender>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            MDC.put("session_id", session);
            try {
                for (int i = 0; i < turns; i++) {
                    f.logger("event.llm").atInfo().addKeyValue("turn", i).log("llm:request");
                    f.logger("chat").atInfo().addKeyValue("role", "user").log("question " + i);
                    f.logger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("tokens", 10)
                            .addKeyValue("latency_ms", 200).log("answer " + i);
                }
                f.logger("error.tool").error("tool failed", new IllegalStateException("boom"));
                f.logger("event").info("conversation:end");
            } finally {
                MDC.clear();
            }
        }
    }

    @BeforeAll
    static void fixture() throws Exception {
        converse("text", "chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log", "t1", 5);
        converse("text", "chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log", "t2", 3);
        converse("jsonl", "jl_%session.log", "j1", 4);
        converse("plain", "chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log", "p1", 2);
        // a line cut by a crash at the end of the live file
        Files.writeString(dir.resolve("master.log"), "2026-01-01T00:00:00.000Z|llm:req", StandardOpenOption.APPEND);
    }

    @Test
    void tailPrintsTheNewestCompleteLinesFilteredByTypeAndSession() {
        List<MasterLine> all = MasterLogReader.of(dir.resolve("master.log")).read(EventQuery.ALL);
        assertTrue(Files.exists(dir.resolve("archive")), "the fixture rolled");
        Run r = chatlog("tail", "-n", "5", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(all.subList(all.size() - 5, all.size()).stream().map(MasterLine::raw).toList(), r.lines());

        Run typed = chatlog("tail", "-n", "3", "--type", "llm:*", "--session", "t1", "--dir", dir.toString());
        assertEquals(List.of("turn=2", "turn=3", "turn=4"), typed.lines().stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
        assertTrue(typed.lines().stream().allMatch(l -> l.contains("|llm:request|") && l.contains("session_id=t1")));

        Run json = chatlog("tail", "-n", "2", "--json", "--dir", dir.toString());
        for (String line : json.lines()) {
            JsonNode node = JsonMapper.builder().build().readTree(line);
            assertTrue(node.get("event_type").asString().contains(":"), line);
        }
    }

    @Test
    void sessionsListsEveryFormatWithItsFigures() {
        Run r = chatlog("sessions", "--json", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = new ArrayList<>();
        for (String line : r.lines()) {
            rows.add(JsonMapper.builder().build().readTree(line));
        }
        // plain transcripts carry no times (they take the file name's, to the second) and no metadata
        rows.sort(java.util.Comparator.comparing(n -> n.get("session_id").asString()));
        assertEquals(List.of("j1", "p1", "t1", "t2"), rows.stream().map(n -> n.get("session_id").asString()).toList());
        assertEquals(List.of(4, 2, 5, 3), rows.stream().map(n -> n.get("turns").asInt()).toList());
        assertEquals(List.of(40L, 0L, 50L, 30L), rows.stream().map(n -> n.get("tokens").asLong()).toList());
        assertEquals(List.of(1, 1, 1, 1), rows.stream().map(n -> n.get("errors").asInt()).toList());
        assertTrue(rows.stream().noneMatch(n -> n.get("ended").isNull()), "every session ended");

        Run table = chatlog("sessions", "--since", "1h", "--dir", dir.toString());
        assertEquals(6, table.lines().size(), table.out());
        assertTrue(table.lines().get(0).startsWith("SESSION"));
        assertEquals("4 session(s)", table.lines().get(5));
        assertEquals(List.of("0 session(s)"), chatlog("sessions", "--since", "2026-12-31T00:00:00Z", "--dir",
                dir.toString()).lines().subList(1, 2));
    }

    @Test
    void showPrintsOneConversationAndUnknownOnesAreOneLineErrors() {
        Run r = chatlog("show", "t2", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Chat Log - Session started at "), r.out());
        assertTrue(r.out().contains("\nSession: t2\n") && r.out().contains("\nanswer 2\n") && r.out().contains("Session ended at "));
        assertTrue(chatlog("show", "j1", "--dir", dir.toString()).out().contains("\"content\":\"question 3\""));

        Run missing = chatlog("show", "nobody", "--dir", dir.toString());
        assertEquals(1, missing.code());
        assertEquals("chatlog: show: no transcript for session 'nobody' in " + dir.resolve("chats"), missing.err().trim());
        Run bad = chatlog("sessions", "--since", "yesterday", "--dir", dir.toString());
        assertEquals(2, bad.code(), "a wrong command line");
        assertEquals(1, bad.err().trim().lines().count(), bad.err());
        assertEquals(2, chatlog("tail", "--bogus").code());
    }

    @Test
    void textIsOneLinePerEvent() {
        Run r = chatlog("text", "--since", "1h", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<MasterLine> all = MasterLogReader.of(dir.resolve("master.log")).read(EventQuery.ALL);
        assertEquals(all.size(), r.lines().size());
        assertTrue(r.lines().contains("error:runtime tool tool failed session_id=t1 - IllegalStateException: boom"), r.out());
    }

    @Test
    void followSeesEveryLineOnceAcrossRollovers(@TempDir Path own) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread follower = new Thread(() -> {
            try {
                new MasterLogFollower(own.resolve("master.log"), 20).follow(true, l -> {
                    if (l.eventType().equals("follow:tick")) {
                        seen.add(l.value("i"));
                    }
                }, stop::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        follower.start();
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>2KB</maxFileSize></appender>"
                + "<root level='INFO'><appender-ref ref='M'/></root>", own)) {
            for (int i = 0; i < 500; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("follow:tick");
                if (i == 0) {
                    // the follower starts at the live file: it must be reading it before the first rollover
                    io.github.chatlog.Await.until("the follower reads the live file", () -> !seen.isEmpty());
                } else if (i % 50 == 0) {
                    int logged = i;
                    // keep it within a few rollovers of the writer, as a terminal reader would be
                    io.github.chatlog.Await.until("the follower keeps up", () -> seen.size() > logged - 50);
                }
            }
        }
        io.github.chatlog.Await.until("every line followed", () -> seen.size() >= 500);
        stop.set(true);
        follower.join(5_000);
        try (var archives = Files.list(own.resolve("archive"))) {
            assertTrue(archives.count() > 10, "the log rolled while it was followed");
        }
        List<String> expected = java.util.stream.IntStream.range(0, 500).mapToObj(Integer::toString).toList();
        if (!expected.equals(seen)) {
            List<String> missing = expected.stream().filter(e -> !seen.contains(e)).limit(20).toList();
            throw new AssertionError("seen " + seen.size() + " lines; missing " + missing + "; first 20 seen "
                    + seen.subList(0, Math.min(20, seen.size())));
        }
    }
}
