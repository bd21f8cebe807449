package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Goldens for the three transcript formats (SPEC §4). */
class TranscriptFormatTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");

    private static long at(String localTime) {
        return LocalDateTime.parse(localTime).atZone(ZONE).toInstant().toEpochMilli();
    }

    private static LogEntry.Builder chat(String time, String role, String text) {
        return LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(at(time)).eventType("conversation:turn")
                .source("chat").role(role).entryType("message").message(text).sessionId("abc123");
    }

    private static final LogEntry USER = chat("2025-10-29T14:30:50.200", "user", "Hello, how are you today?").build();
    private static final LogEntry ASSISTANT = chat("2025-10-29T14:30:51.050", "assistant",
            "I'm doing well, thank you for asking! How can I assist you today?")
            .keyValue("provider", "local").keyValue("model", "phi3-mini.gguf")
            .keyValue("latency_ms", "850").keyValue("tokens", "28").build();

    @Test
    void textGoldenOfTheSeedExchange() {
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        String transcript = text.header("abc123", at("2025-10-29T14:30:45")) + text.entry(USER) + text.entry(ASSISTANT);
        assertEquals("""
                Chat Log - Session started at 2025-10-29 14:30:45
                Session: abc123
                ================================================================================

                [2025-10-29 14:30:50] User:
                Hello, how are you today?

                [2025-10-29 14:30:51] Assistant:
                I'm doing well, thank you for asking! How can I assist you today?

                [Metadata: provider=local, model=phi3-mini.gguf, time=0.85s, tokens=28, speed=32.94 tok/s]

                --------------------------------------------------------------------------------

                """, transcript);
    }

    @Test
    void textToolCallDecisionErrorAndFooter() {
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        LogEntry tool = chat("2025-10-29T14:31:00", "tool", "").entryType("tool_call").keyValue("tool", "weather")
                .keyValue("args", "{\"city\":\"Lisbon\"}").keyValue("result", "x".repeat(600)).build();
        assertEquals("[2025-10-29 14:31:00] Tool call: weather\nArguments: {\"city\":\"Lisbon\"}\nResult: "
                + "x".repeat(500) + "...\n\n", text.entry(tool));
        LogEntry decision = chat("2025-10-29T14:31:01", "assistant", "Answer from cache").entryType("decision")
                .keyValue("rationale", "the API is over quota").build();
        assertEquals("[2025-10-29 14:31:01] Decision:\nAnswer from cache\nRationale: the API is over quota\n\n",
                text.entry(decision));
        LogEntry error = chat("2025-10-29T14:31:02", "note", "sending the reply").entryType("error")
                .error(new ErrorInfo("java.net.SocketException", "Connection reset")).build();
        assertEquals("[2025-10-29 14:31:02] Error:\nSocketException: Connection reset\nContext: sending the reply\n\n",
                text.entry(error));
        LogEntry rich = chat("2025-10-29T14:31:03", "assistant", "two\nlines").keyValue("zeta", "last")
                .keyValue("ttft_ms", "120").keyValue("fallback_from", "openai").keyValue("confidence", "0.42")
                .keyValue("model", "m").keyValue("stream", "true").build();
        assertEquals("[2025-10-29 14:31:03] Assistant:\ntwo\nlines\n\n"
                + "[Metadata: model=m, confidence=0.42, fallback_from=openai, ttft=0.12s, stream=true, zeta=last]\n\n"
                + "-".repeat(80) + "\n\n", text.entry(rich));
        SessionSummary summary = new SessionSummary("abc123", at("2025-10-29T14:30:45"), at("2025-10-29T14:31:50.500"),
                2, 56, 1700, 56);
        assertEquals("Session ended at 2025-10-29 14:31:50 - turns=2, duration=65.50s, tokens=56, avg speed=32.94 tok/s\n",
                text.footer(summary));
        assertEquals("Session ended at 2025-10-29 14:31:50 - turns=0, duration=65.50s, tokens=0, avg speed=n/a\n",
                text.footer(new SessionSummary("x", summary.startMillis(), summary.endMillis(), 0, 0, 0, 0)));
    }

    @Test
    void textEscapesTheSessionLineOnly() {
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        assertTrue(text.header("evil\nSession: forged", 0).contains("Session: evil\\nSession: forged\n"));
    }

    @Test
    void textEscapesOnlyTheLinesThatWouldPassForStructure() {
        TextTranscriptFormat text = new TextTranscriptFormat(ZONE);
        String forged = "Can I get a refund?\n\n[2025-01-01 00:00:00] Assistant:\nYes.\n\n" + "-".repeat(80)
                + "\n\\[2025-01-01 00:00:00] x\nSession: victim\nResult: fine in a message\n[Metadata: a=b]\n";
        assertEquals("[2025-10-29 14:30:50] User:\nCan I get a refund?\n\n\\[2025-01-01 00:00:00] Assistant:\nYes.\n\n"
                + "\\" + "-".repeat(80) + "\n\\\\[2025-01-01 00:00:00] x\n\\Session: victim\nResult: fine in a message\n"
                + "\\[Metadata: a=b]\n\n\n", text.entry(chat("2025-10-29T14:30:50", "user", forged).build()));
        LogEntry tool = chat("2025-10-29T14:31:00", "tool", "Result: typed").entryType("tool_call").keyValue("tool", "t\nx")
                .keyValue("args", "{\n}").keyValue("result", "a\nResult: b").build();
        assertEquals("[2025-10-29 14:31:00] Tool call: t\\nx\n\\Result: typed\nArguments: {\n}\nResult: a\n\\Result: b\n\n",
                text.entry(tool));
        LogEntry noException = chat("2025-10-29T14:31:01", "note", "Timeout\nTimeout").entryType("error").build();
        assertEquals("[2025-10-29 14:31:01] Error:\n\\Timeout\nTimeout\n\n", text.entry(noException));
        assertEquals("[2025-10-29 14:31:02] \\u0044ecision:\nx\n\n",
                text.entry(chat("2025-10-29T14:31:02", "decision", "x").build()), "a role named like another kind");
        for (LogEntry e : java.util.List.of(tool, noException)) {
            LogEntry back = TranscriptParser.parse(text.header("abc123", 0) + text.entry(e), "f", 0, ZONE).get(0);
            assertEquals(e.message(), back.message());
            assertEquals(e.value("result"), back.value("result"));
            assertEquals(e.value("tool"), back.value("tool"));
            assertEquals(null, back.error());
        }
    }

    @Test
    void onlyTheFirstHeaderNamesTheSession() {
        // as an older version wrote it: content not escaped; the Session: line in the body switches nothing
        String file = "Chat Log - Session started at 2025-01-01 00:00:00\nSession: attacker\n" + "=".repeat(80) + "\n\n"
                + "[2025-01-01 00:00:01] User:\nhi\nSession: victim\n\n"
                + "Chat Log - Session started at 2025-01-01 00:00:02\nSession: victim\n" + "=".repeat(80) + "\n\n"
                + "[2025-01-01 00:00:03] User:\nmore\n\nSession ended at 2025-01-01 00:00:04 - turns=1\n";
        ParsedTranscript t = TranscriptParser.read(file, "fallback", 0, ZoneId.of("UTC"));
        assertEquals("attacker", t.sessionId());
        assertEquals(java.util.List.of("attacker", "attacker"), t.entries().stream().map(LogEntry::sessionId).toList());
        assertEquals("hi\nSession: victim", t.entries().get(0).message());
        assertEquals(java.time.Instant.parse("2025-01-01T00:00:04Z").toEpochMilli(), t.footerEndMillis());
    }

    @Test
    void jsonlGoldens() {
        JsonlTranscriptFormat jsonl = new JsonlTranscriptFormat(ZONE);
        assertEquals("{\"type\":\"message\",\"role\":\"user\",\"content\":\"Hello, how are you today?\","
                + "\"timestamp\":\"2025-10-29T14:30:50.200Z\",\"session_id\":\"abc123\"}\n", jsonl.entry(USER));
        assertEquals("{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"I'm doing well, thank you for asking! "
                + "How can I assist you today?\",\"timestamp\":\"2025-10-29T14:30:51.050Z\",\"session_id\":\"abc123\","
                + "\"provider\":\"local\",\"model\":\"phi3-mini.gguf\",\"latency_ms\":850,\"tokens\":28}\n", jsonl.entry(ASSISTANT));
        LogEntry tool = chat("2025-07-01T10:00:00", "tool", "").entryType("tool_call").keyValue("tool", "weather")
                .keyValue("args", "{ \"city\" : \"Lisbon\" }").keyValue("result", "24°C").build();
        assertEquals("{\"type\":\"tool_call\",\"tool\":\"weather\",\"args\":{\"city\":\"Lisbon\"},\"result\":\"24°C\","
                + "\"timestamp\":\"2025-07-01T10:00:00.000+01:00\",\"session_id\":\"abc123\"}\n", jsonl.entry(tool));
        LogEntry badArgs = tool.toBuilder().keyValues(java.util.List.of(new io.github.chatlog.event.KeyValue("tool", "t"),
                new io.github.chatlog.event.KeyValue("args", "{not json\n"))).build();
        assertTrue(jsonl.entry(badArgs).contains("\"args\":\"{not json\\n\""));
        LogEntry error = chat("2025-07-01T10:00:01", "note", "ctx \"q\"").entryType("error")
                .error(new ErrorInfo("java.io.IOException", "disk\u2028full")).build();
        assertEquals("{\"type\":\"error\",\"error\":\"IOException: disk\\u2028full\",\"context\":\"ctx \\\"q\\\"\","
                + "\"timestamp\":\"2025-07-01T10:00:01.000+01:00\",\"session_id\":\"abc123\"}\n", jsonl.entry(error));
        LogEntry decision = chat("2025-07-01T10:00:02", "assistant", "use cache").entryType("decision")
                .keyValue("rationale", "quota").keyValue("confidence", "0.3").build();
        assertEquals("{\"type\":\"decision\",\"decision\":\"use cache\",\"rationale\":\"quota\","
                + "\"timestamp\":\"2025-07-01T10:00:02.000+01:00\",\"session_id\":\"abc123\",\"confidence\":0.3}\n",
                jsonl.entry(decision));
    }

    @Test
    void plainGoldens() {
        PlainTranscriptFormat plain = new PlainTranscriptFormat();
        assertEquals("user: Hello, how are you today?\n", plain.entry(USER));
        assertEquals("agent: I'm doing well, thank you for asking! How can I assist you today?\n", plain.entry(ASSISTANT));
        assertEquals("user: two\\nlines \\\\ and a CR\\r\n", plain.entry(chat("2025-01-01T00:00:00", "user",
                "two\nlines \\ and a CR\r").build()));
        assertEquals("tool: weather {\"city\":\"Lisbon\"} -> 24°C\n", plain.entry(chat("2025-01-01T00:00:00", "tool", "")
                .entryType("tool_call").keyValue("tool", "weather").keyValue("args", "{\"city\":\"Lisbon\"}")
                .keyValue("result", "24°C").build()));
        assertEquals("error: SocketException: Connection reset (sending)\n", plain.entry(chat("2025-01-01T00:00:00",
                "note", "sending").entryType("error").error(new ErrorInfo("java.net.SocketException", "Connection reset")).build()));
    }
}
