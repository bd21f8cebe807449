package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MasterLineFormatTest {

    private static final long T = Instant.parse("2024-12-19T14:32:01.123Z").toEpochMilli();

    private static LogEntry.Builder event(String type, String source) {
        return LogEntry.builder().timestamp(T).eventType(type).source(source);
    }

    @Test
    void goldenConversationStart() {
        LogEntry e = event("conversation:start", "agent_service").sessionId("abc123").keyValue("user_msg_len", "45").build();
        assertEquals("2024-12-19T14:32:01.123Z|conversation:start|agent_service|session_id=abc123 user_msg_len=45\n",
                MasterLineFormat.format(e));
    }

    @Test
    void goldenLlmRequest() {
        LogEntry e = event("llm:request", "agent").keyValue("model", "llama3.2").keyValue("tokens_in", "512").build();
        assertEquals("2024-12-19T14:32:01.123Z|llm:request|agent|model=llama3.2 tokens_in=512\n", MasterLineFormat.format(e));
    }

    @Test
    void goldenRuntimeError() {
        LogEntry e = event("error:runtime", "websockets").kind(LogEntry.Kind.ERROR).message("session abc123")
                .error(new ErrorInfo("java.net.SocketException", "Connection reset")).build();
        assertEquals("2024-12-19T14:32:03.812Z|error:runtime|websockets|session abc123 - SocketException: Connection reset\n",
                MasterLineFormat.format(e.toBuilder().timestamp(Instant.parse("2024-12-19T14:32:03.812Z").toEpochMilli()).build()));
    }

    @Test
    void errorWithoutContextOrMessage() {
        LogEntry e = event("error:runtime", "x").error(new ErrorInfo("a.b.Outer$Inner", null)).build();
        assertEquals("2024-12-19T14:32:01.123Z|error:runtime|x|Inner\n", MasterLineFormat.format(e));
    }

    @Test
    void sessionKeyValueCarriedByTheEventWins() {
        LogEntry e = event("a:b", "s").sessionId("from-mdc").keyValue("session_id", "explicit").build();
        assertEquals("2024-12-19T14:32:01.123Z|a:b|s|session_id=explicit\n", MasterLineFormat.format(e));
    }

    @Test
    void valuesAreQuotedWhenTheyMustBe() {
        LogEntry e = event("a:b", "s").keyValue("empty", "").keyValue("space", "a b").keyValue("eq", "x=y")
                .keyValue("quote", "say \"hi\"").keyValue("plain", "C:\\dir").keyValue("bad key|", "v").build();
        assertEquals("2024-12-19T14:32:01.123Z|a:b|s|empty=\"\" space=\"a b\" eq=\"x=y\" quote=\"say \\\\\"hi\\\\\"\""
                + " plain=C:\\\\dir bad_key_=v\n", MasterLineFormat.format(e));
        MasterLine parsed = MasterLineFormat.parse(MasterLineFormat.format(e));
        assertEquals(List.of(new KeyValue("empty", ""), new KeyValue("space", "a b"), new KeyValue("eq", "x=y"),
                new KeyValue("quote", "say \"hi\""), new KeyValue("plain", "C:\\dir"), new KeyValue("bad_key_", "v")),
                parsed.keyValues());
    }

    @Test
    void typeAndSourceAreSanitized() {
        LogEntry e = event("llm:req|uest x", "a/b|c\nd").build();
        assertEquals("2024-12-19T14:32:01.123Z|llm:req_uest_x|a_b_c_d|\n", MasterLineFormat.format(e));
    }

    @Test
    void pipesStayAndNewlinesAreEscaped() {
        LogEntry e = event("a:b", "s").message("x|y|z\nsecond\r\nthird\\end").build();
        String line = MasterLineFormat.format(e);
        assertEquals("2024-12-19T14:32:01.123Z|a:b|s|x|y|z\\nsecond\\r\\nthird\\\\end\n", line);
        // the seed's Python reader: line.split("|", 3)
        String[] parts = line.substring(0, line.length() - 1).split("\\|", 4);
        assertEquals("x|y|z\\nsecond\\r\\nthird\\\\end", parts[3]);
        assertEquals("x|y|z\nsecond\r\nthird\\end", MasterLineFormat.parse(line).message());
    }

    @Test
    void parseRejectsWhatIsNotAMasterLine() {
        assertNull(MasterLineFormat.parse(""));
        assertNull(MasterLineFormat.parse("hello"));
        assertNull(MasterLineFormat.parse("2024-12-19T14:32:01.123Z|only-two"));
        assertNull(MasterLineFormat.parse("2024-12-19 14:32:01.123Z|a:b|s|m"));
        assertNull(MasterLineFormat.parse("2024-12-19T14:32:01.123Z|a:b"));
        MasterLine ok = MasterLineFormat.parse("2024-12-19T14:32:01.123Z|a:b|s|");
        assertNotNull(ok);
        assertEquals("", ok.message());
        assertEquals(Instant.parse("2024-12-19T14:32:01.123Z"), ok.instant());
    }

    @Test
    void roundTripOfTenThousandHostileMessages() {
        Random random = new Random(42);
        String[] pieces = {"|", "\\", "\n", "\r", "\r\n", "\t", "\u0000", "\u2028", "\u2029", "\u0085", "\u001b[31m",
                "\\n", "\\u0041", "\"", "=", " ", "é", "😀", "\ud800", "\udc00", "x", "session_id=abc", "\u007f", "\u009f"};
        for (int i = 0; i < 10_000; i++) {
            StringBuilder msg = new StringBuilder();
            int n = random.nextInt(20);
            for (int j = 0; j < n; j++) {
                msg.append(pieces[random.nextInt(pieces.length)]);
                if (random.nextInt(4) == 0) {
                    msg.append((char) random.nextInt(0x10000)); // any UTF-16 unit, surrogates included
                }
            }
            String value = pieces[random.nextInt(pieces.length)] + msg.substring(0, Math.min(5, msg.length()));
            LogEntry e = event("a:b", "src").message(msg.toString()).keyValue("k", value).build();
            assertRoundTrip(e);
        }
    }

    @Test
    void roundTripOfOneMegabyteMessages() {
        Random random = new Random(7);
        StringBuilder big = new StringBuilder(1 << 20);
        while (big.length() < (1 << 20)) {
            big.append(random.nextInt(50) == 0 ? "\n|\\\u2028" : "lorem ipsum ");
        }
        assertRoundTrip(event("a:b", "src").message(big.toString()).build());
        assertRoundTrip(event("a:b", "src").message("x".repeat(1 << 20)).build());
    }

    @Test
    void unpairedSurrogatesSurviveAsEscapes() {
        // UTF-8 cannot carry a lone surrogate; it is written as a \\uXXXX escape and read back as the same char
        String text = "a\ud800b\udfffc😀";
        String line = MasterLineFormat.format(event("a:b", "s").message(text).build());
        assertTrue(line.contains("a\\uD800b\\uDFFFc😀"), line);
        assertEquals(text, MasterLineFormat.parse(line).message());
    }

    private static void assertRoundTrip(LogEntry e) {
        String line = MasterLineFormat.format(e);
        assertEquals(line.length() - 1, line.indexOf('\n'), "exactly one line");
        assertFalse(line.contains("\r"));
        assertFalse(line.contains("\u2028") || line.contains("\u2029") || line.contains("\u0085"));
        // what a UTF-8 round trip through the file does to the line must not change it
        String viaBytes = new String(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(line, viaBytes, "the line is valid UTF-16 and survives UTF-8");
        MasterLine parsed = MasterLineFormat.parse(viaBytes);
        assertNotNull(parsed);
        assertEquals(MasterLineFormat.message(e), parsed.message());
        if (!e.keyValues().isEmpty()) {
            // the last token is read back exactly, whatever free text stands before it
            List<KeyValue> kvs = parsed.keyValues();
            assertEquals(e.keyValues().get(e.keyValues().size() - 1), kvs.get(kvs.size() - 1));
        }
    }
}
