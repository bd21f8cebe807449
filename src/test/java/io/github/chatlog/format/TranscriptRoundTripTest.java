package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;
import io.github.chatlog.read.TranscriptDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Property tests (seeded, a few thousand cases each): whatever is logged, with every header, separator, footer,
 * {@code Session:} and metadata shape and every line break in it, each format reads back the same entries of the same
 * session, content byte for byte; and the fine-tuning export built from such transcripts holds exactly the logged turns.
 */
class TranscriptRoundTripTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");
    private static final long START = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    private static final int CASES = 3000;

    @Test
    void textReadsBackEveryEntryOfTheSameSession() {
        Random r = new Random(12);
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        for (int c = 0; c < CASES; c++) {
            String session = HostileText.sessionId(r);
            List<LogEntry> written = HostileText.entries(r, session, 1 + r.nextInt(5), START, true, true);
            String file = textFile(r, text, session, written);
            ParsedTranscript back = TranscriptParser.read(file, "fallback", 0, ZONE);
            assertEquals(session, back.sessionId(), file);
            assertEntries(written, back.entries(), true, file);
        }
    }

    @Test
    void textReadsBackTrailingBlankLinesEmptyContentAndEveryLineBreak() {
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        String[] contents = {"", "\n", "\n\n", "a\n", "a\n\n", "\na", "\r", "\r\n", "a\r\n\r\n", "\u0085", "\u2028\u2029",
                "-".repeat(80) + "\n", "\n" + "-".repeat(80), "[Metadata: x=y]", "x\n\n[Metadata: x=y]\n\n" + "-".repeat(80),
                "\\", "\\\n\\\\", "Session ended at 2025-01-01 00:00:00 - turns=1"};
        for (String content : contents) {
            for (String role : new String[] {"user", "assistant"}) {
                LogEntry e = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(START).eventType("conversation:turn")
                        .source("chat").sessionId("s").role(role).entryType("message").message(content)
                        .keyValue("provider", "p").build();
                String file = text.header("s", START) + text.entry(e) + text.entry(e);
                List<LogEntry> back = TranscriptParser.parse(file, "f", 0, ZONE);
                assertEntries(List.of(e, e), back, true, file);
            }
        }
    }

    @Test
    void jsonlReadsBackEveryEntryExactly() {
        Random r = new Random(13);
        JsonlTranscriptFormat jsonl = new JsonlTranscriptFormat(ZONE);
        for (int c = 0; c < CASES; c++) {
            String session = HostileText.sessionId(r);
            List<LogEntry> written = HostileText.entries(r, session, 1 + r.nextInt(5), START, false, true);
            StringBuilder file = new StringBuilder();
            written.forEach(e -> file.append(jsonl.entry(e)));
            ParsedTranscript back = TranscriptParser.read(file.toString(), "fallback", 0, ZONE);
            assertEntries(written, back.entries(), false, file.toString());
        }
    }

    @Test
    void plainReadsBackEveryMessageExactly() {
        Random r = new Random(14);
        PlainTranscriptFormat plain = new PlainTranscriptFormat();
        for (int c = 0; c < CASES; c++) {
            List<LogEntry> written = HostileText.entries(r, "s", 1 + r.nextInt(5), START, true, false);
            StringBuilder file = new StringBuilder();
            written.forEach(e -> file.append(plain.entry(e)));
            List<LogEntry> back = TranscriptParser.parse(file.toString(), "s", START, ZONE);
            assertEquals(written.size(), back.size(), file.toString());
            for (int i = 0; i < written.size(); i++) {
                assertEquals(written.get(i).role(), back.get(i).role(), file.toString());
                assertEquals(written.get(i).message(), back.get(i).message(), file.toString());
            }
        }
    }

    @Test
    void plainKeepsATypedBackslashN() {
        PlainTranscriptFormat plain = new PlainTranscriptFormat();
        LogEntry e = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(START).eventType("conversation:turn").source("chat").sessionId("s").role("user")
                .entryType("message").message("C:\\new\\table and\na line \\n that is not one").build();
        String line = plain.entry(e);
        assertEquals("user: C:\\\\new\\\\table and\\na line \\\\n that is not one\n", line);
        assertEquals(e.message(), TranscriptParser.parse(line, "s", START, ZONE).get(0).message());
    }

    @Test
    void fineTuningExportHoldsExactlyTheLoggedTurns(@TempDir Path root) throws Exception {
        for (String format : new String[] {"text", "jsonl", "plain"}) {
            exportHoldsExactlyTheLoggedTurns(root.resolve(format), format);
        }
    }

    private static void exportHoldsExactlyTheLoggedTurns(Path dir, String formatName) throws Exception {
        Random r = new Random(15);
        TranscriptFormat format = TranscriptFormat.named(formatName, ZONE);
        boolean allTypes = !formatName.equals("plain"); // plain keeps tool calls as one line of text only
        Path chats = Files.createDirectories(dir.resolve("chats"));
        List<List<String[]>> expected = new ArrayList<>();
        for (int s = 0; s < 200; s++) {
            String session = String.format("s%03d", s);
            List<LogEntry> written = HostileText.entries(r, session, 2 + r.nextInt(4), START, true, allTypes);
            written.add(LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(START + 1_000_000)
                    .eventType("conversation:turn").source("chat").sessionId(session)
                    .role("assistant").entryType("message").message(HostileText.text(r)).build());
            String file = format instanceof TextTranscriptFormat text ? textFile(r, text, session, written)
                    : written.stream().map(format::entry).reduce("", String::concat);
            Files.writeString(chats.resolve("chat_2025-01-01_00-00-00_" + session + ".log"), file, StandardCharsets.UTF_8);
            List<String[]> turns = new ArrayList<>();
            for (LogEntry e : written) {
                if (e.entryType().equals("tool_call")) {
                    turns.add(new String[] {"assistant", ""});
                    turns.add(new String[] {"tool", e.value("result")});
                } else if (e.entryType().equals("message") && List.of("user", "assistant", "system").contains(e.role())) {
                    turns.add(new String[] {e.role(), e.message()});
                }
            }
            expected.add(turns);
        }
        StringWriter out = new StringWriter();
        ConversationExport.Counts counts = ConversationExport.export("jsonl", new TranscriptDirectory(dir, ZONE),
                t -> true, null, 0, e -> true, out);
        assertEquals(200, counts.sessions(), formatName);
        String[] lines = out.toString().split("\n");
        assertEquals(200, lines.length, formatName);
        JsonMapper json = JsonMapper.builder().build();
        for (int s = 0; s < 200; s++) {
            JsonNode messages = json.readTree(lines[s]).get("messages");
            List<String[]> turns = expected.get(s);
            assertEquals(turns.size(), messages.size(), formatName + ": " + lines[s]);
            for (int i = 0; i < turns.size(); i++) {
                assertEquals(turns.get(i)[0], messages.get(i).get("role").asString(), formatName + ": " + lines[s]);
                assertEquals(turns.get(i)[1], messages.get(i).get("content").asString(), formatName + ": " + lines[s]);
            }
        }
    }

    /** Header, entries (sometimes a second header, as after a roll), sometimes a footer. */
    private static String textFile(Random r, TextTranscriptFormat text, String session, List<LogEntry> entries) {
        StringBuilder file = new StringBuilder(text.header(session, START));
        for (LogEntry e : entries) {
            file.append(text.entry(e));
            if (r.nextInt(10) == 0) {
                file.append(text.header(session, e.timestamp()));
            }
        }
        if (r.nextBoolean()) {
            file.append(text.footer(new SessionSummary(session, START, START + 5000, 1, 10, 1000, 10)));
        }
        return file.toString();
    }

    static void assertEntries(List<LogEntry> written, List<LogEntry> read, boolean wholeSeconds, String file) {
        assertEquals(written.size(), read.size(), file);
        for (int i = 0; i < written.size(); i++) {
            LogEntry w = written.get(i);
            LogEntry b = read.get(i);
            String type = w.entryType();
            assertEquals(type, b.entryType(), file);
            assertEquals(w.sessionId(), b.sessionId(), file);
            assertEquals(wholeSeconds ? w.timestamp() / 1000 * 1000 : w.timestamp(), b.timestamp(), file);
            assertEquals(w.message(), b.message(), file);
            assertEquals(w.value("provider"), b.value("provider"), file);
            assertEquals(w.value("model"), b.value("model"), file);
            switch (type) {
                case "tool_call" -> {
                    assertEquals(w.value("tool"), b.value("tool"), file);
                    assertEquals(w.value("args"), b.value("args"), file);
                    assertEquals(w.value("result"), b.value("result"), file);
                }
                case "decision" -> assertEquals(w.value("rationale"), b.value("rationale"), file);
                case "error" -> {
                    ErrorInfo we = w.error();
                    if (we == null) {
                        assertNull(b.error(), file);
                    } else {
                        assertNotNull(b.error(), file);
                        assertEquals(we.simpleName(), b.error().simpleName(), file);
                        assertEquals(we.message(), b.error().message(), file);
                    }
                }
                default -> assertEquals(w.role(), b.role(), file);
            }
        }
    }
}
