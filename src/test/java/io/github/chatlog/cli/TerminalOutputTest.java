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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static io.github.chatlog.cli.ReadCommandsTest.chatlog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logged data never reaches the operator's terminal as control sequences (SPEC §7): every command run as users run
 * it, on logs written through a real logback.xml, and the exact characters of its standard output checked.
 */
class TerminalOutputTest {

    @TempDir
    static Path dir;

    /** Title change, clear screen, cursor home, hidden text, a CR overwrite, an 8-bit CSI, a bidi override. */
    static final String ATTACK = "\u001b]0;pwned\u0007\u001b[2J\u001b[H\u001b[8msecret\u001b[0m\rall good\u009b31m"
            + " invoice\u202Efdp.exe\nsecond line";
    static final String EVIL_ID = "evil\u001b[31m\u202Eid";
    static final String EMOJI_ID = "🤖bot";
    static final String CJK_ID = "東京";

    @BeforeAll
    static void fixture() throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><logTurns>true</logTurns></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            Logger chat = f.logger("chat");
            Logger events = f.logger("event.app");
            try {
                MDC.put("session_id", EVIL_ID);
                chat.atInfo().addKeyValue("role", "user").log("pwned? " + ATTACK);
                chat.atInfo().addKeyValue("role", "assistant").addKeyValue("model", "m\u001b[2Jx")
                        .addKeyValue("confidence", "0.1").addKeyValue("latency_ms", 100).addKeyValue("tokens", 3)
                        .log("pwned reply " + ATTACK);
                chat.atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "t\u001b]0;x\u0007")
                        .addKeyValue("args", "{}").addKeyValue("result", ATTACK).log("");
                events.atInfo().addKeyValue("note", ATTACK).log("app:poke " + ATTACK);
                f.logger("error.tool").error("pwned " + ATTACK, new IllegalStateException(ATTACK));
                for (String id : List.of(EMOJI_ID, CJK_ID, "plain")) {
                    MDC.put("session_id", id);
                    chat.atInfo().addKeyValue("role", "user").log("hello from " + id);
                }
            } finally {
                MDC.clear();
            }
        }
    }

    /**
     * What may appear in terminal output: no control character but LF (and TAB where multi-line content is shown),
     * no format character (bidi controls, zero-width and tag characters), no line or paragraph separator, no lone
     * surrogate. Decided from the Unicode categories, independently of the escaper.
     */
    static void assertTerminalSafe(String what, String out, boolean crlfRecords) {
        assertFalse(out.contains("\u001b"), what + ": ESC in " + out);
        for (int i = 0; i < out.length(); ) {
            int cp = out.codePointAt(i);
            int type = Character.getType(cp);
            boolean allowed = cp == '\n' || cp == '\t' || cp == 0x200D
                    || (crlfRecords && cp == '\r' && i + 1 < out.length() && out.charAt(i + 1) == '\n');
            if (!allowed && (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR)) {
                throw new AssertionError(what + ": U+" + Integer.toHexString(cp) + " at " + i + " in:\n" + out);
            }
            i += Character.charCount(cp);
        }
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 1 < bytes.length; i++) {
            // C1 controls are C2 80..C2 9F in UTF-8
            assertFalse((bytes[i] & 0xFF) == 0xC2 && (bytes[i + 1] & 0xFF) >= 0x80 && (bytes[i + 1] & 0xFF) <= 0x9F,
                    what + ": a C1 control in the bytes");
        }
    }

    private static ReadCommandsTest.Run ok(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--dir");
        all.add(dir.toString());
        ReadCommandsTest.Run r = chatlog(all.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        assertTerminalSafe(String.join(" ", args) + " (stderr)", r.err(), false);
        return r;
    }

    @Test
    void showKeepsTheConversationMultiLineAndShowsEveryControlVisibly() {
        ReadCommandsTest.Run r = ok("show", EVIL_ID);
        assertTerminalSafe("show", r.out(), false);
        assertTrue(r.out().contains("pwned? \\u001b]0;pwned\\u0007\\u001b[2J\\u001b[H\\u001b[8msecret\\u001b[0m"), r.out());
        assertTrue(r.out().contains("\\u009b31m invoice\\u202efdp.exe\nsecond line\n"), "still on two lines: " + r.out());
        assertTrue(r.out().startsWith("Chat Log - Session started at "), r.out());
        // the file keeps the id escaped its own way; what is left, U+202E, is escaped on the way out
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Session: evil\\u001") && l.endsWith("[31m\\u202eid")), r.out());
    }

    @Test
    void sessionsTableIsOneLinePerSessionAlignedByDisplayWidth() {
        ReadCommandsTest.Run r = ok("sessions");
        assertTerminalSafe("sessions", r.out(), false);
        List<String> lines = r.lines();
        assertEquals(6, lines.size(), r.out());
        String header = lines.get(0);
        int idColumns = header.indexOf("  #  STARTED") - 2; // then the conversation number, empty for these ids
        String escapedEvil = "evil\\u001b[31m\\u202eid";
        assertEquals(escapedEvil.length(), idColumns, "the column is as wide as the widest id: " + header);
        // an emoji and a CJK character take two columns each, so they are padded by two fewer spaces
        String gap = "  " + "   " + "  ";
        List<String> expectedStarts = List.of(escapedEvil + gap, EMOJI_ID + " ".repeat(idColumns - 5) + gap,
                CJK_ID + " ".repeat(idColumns - 4) + gap, "plain" + " ".repeat(idColumns - 5) + gap);
        for (String start : expectedStarts) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(start) && Character.isDigit(l.charAt(start.length()))),
                    "a row starting with [" + start + "] followed by its start time in\n" + r.out());
        }

        ReadCommandsTest.Run json = ok("sessions", "--json");
        assertTerminalSafe("sessions --json", json.out(), false);
        List<String> ids = new ArrayList<>();
        for (String line : json.lines()) {
            ids.add(JsonMapper.builder().build().readTree(line).get("session_id").asString());
        }
        assertTrue(ids.contains(EVIL_ID) && ids.contains(EMOJI_ID), "--json carries the exact ids: " + ids);
    }

    @Test
    void searchTailTextStatsAndReflectPrintOneSafeLinePerItem() {
        ReadCommandsTest.Run search = ok("search", "pwned", "--limit", "10");
        assertTerminalSafe("search", search.out(), false);
        assertTrue(search.out().contains("user: pwned? \\u001b]0;pwned") && search.out().contains("\\u202efdp.exe\\nsecond line"),
                search.out());

        ReadCommandsTest.Run searchJson = ok("search", "pwned", "--limit", "10", "--json");
        assertTerminalSafe("search --json", searchJson.out(), false);
        assertEquals(searchJson.lines().size(), search.lines().size(), "one line per hit:\n" + search.out());
        List<String> texts = new ArrayList<>();
        for (String line : searchJson.lines()) {
            JsonNode hit = JsonMapper.builder().build().readTree(line);
            assertEquals(EVIL_ID, hit.get("session_id").asString());
            texts.add(hit.get("message").asString());
        }
        assertTrue(texts.contains("pwned? " + ATTACK), "the JSON is the exact text: " + searchJson.out());

        ReadCommandsTest.Run tail = ok("tail", "-n", "100");
        assertTerminalSafe("tail", tail.out(), false);
        assertTrue(tail.out().contains("|app:poke|app|"), tail.out());
        ReadCommandsTest.Run tailJson = ok("tail", "-n", "100", "--json");
        assertTerminalSafe("tail --json", tailJson.out(), false);
        assertTrue(tailJson.lines().stream().map(l -> JsonMapper.builder().build().readTree(l).get("message").asString())
                .anyMatch(m -> m.startsWith(ATTACK)), "the JSON message is the exact text:\n" + tailJson.out());

        assertTerminalSafe("text", ok("text").out(), false);
        ReadCommandsTest.Run stats = ok("stats", "--by", "model");
        assertTerminalSafe("stats", stats.out(), false);
        assertTrue(stats.out().contains("model m\\u001b[2Jx"), stats.out());
        assertTerminalSafe("stats --json", ok("stats", "--by", "model", "--json").out(), false);
        ReadCommandsTest.Run reflect = ok("reflect", "--limit", "100");
        assertTerminalSafe("reflect", reflect.out(), false);
        assertTrue(reflect.out().contains("Low-confidence answers (confidence < 0.5): 1"), reflect.out());
    }

    @Test
    void theSearchSuffixOfADatabaseHitShowsTheIdEscaped(@TempDir Path copy) throws Exception {
        AnalysisCommandsTest.copyTree(dir, copy);
        new Ingest(copy, "jdbc:sqlite:" + copy.resolve("chatlog.db"), ZoneId.systemDefault(), null).run();
        ReadCommandsTest.Run r = chatlog("search", "pwned", "--dir", copy.toString());
        assertEquals(0, r.code(), r.err());
        assertTerminalSafe("search (database)", r.out(), false);
        assertTrue(r.out().contains("(chatlog.db session evil\\u001b[31m\\u202eid)"), r.out());
    }

    @Test
    void exportsOnStandardOutputAreSafeAndJsonlStaysExact() {
        ReadCommandsTest.Run jsonl = ok("export", "--format", "jsonl");
        assertTerminalSafe("export jsonl", jsonl.out(), false);
        JsonNode messages = JsonMapper.builder().build().readTree(jsonl.lines().get(0)).get("messages");
        assertEquals("pwned? " + ATTACK, messages.get(0).get("content").asString(), "jsonl keeps the exact text");
        assertTerminalSafe("export csv", ok("export", "--format", "csv").out(), true);
        ReadCommandsTest.Run md = ok("export", "--format", "md");
        assertTerminalSafe("export md", md.out(), false);
        assertTrue(md.out().contains("## Session evil\\\\u001b\\[31m\\\\u202eid"), md.out());
    }

    @Test
    void anErrorMessageQuotingAnIdIsOneSafeLine() {
        ReadCommandsTest.Run r = chatlog("show", "no\u001b[2Jbody\nnext", "--dir", dir.toString());
        assertEquals(1, r.code());
        assertTerminalSafe("show error", r.err().trim(), false);
        assertEquals(1, r.err().trim().lines().count(), r.err());
    }
}
