package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EXAMPLE_chat_format.log at the top of the repository is what the text format writes for a fixed conversation, so
 * the example can never drift from the code. Regenerate with {@code -Dchatlog.regenerateExample=true}.
 */
class ExampleTranscriptFileTest {

    private static final Path EXAMPLE = Path.of("EXAMPLE_chat_format.log");

    private static long at(String utc) {
        return Instant.parse(utc).toEpochMilli();
    }

    private static LogEntry.Builder chat(String time, String role, String type, String text) {
        return LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(at(time)).eventType("conversation:turn")
                .source("chat").role(role).entryType(type).message(text).sessionId("abc123");
    }

    static String render() {
        TextTranscriptFormat f = new TextTranscriptFormat(ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(f.header("abc123", at("2025-10-29T14:30:45Z")));
        out.append(f.entry(chat("2025-10-29T14:30:50Z", "user", "message", "Hello, how are you today?").build()));
        out.append(f.entry(chat("2025-10-29T14:30:51Z", "assistant", "message",
                "I'm doing well, thank you for asking! How can I assist you today?")
                .keyValue("provider", "local").keyValue("model", "phi3-mini.gguf").keyValue("latency_ms", "850")
                .keyValue("tokens", "28").build()));
        out.append(f.entry(chat("2025-10-29T14:31:02Z", "user", "message", "What's the weather in Lisbon tomorrow?").build()));
        out.append(f.entry(chat("2025-10-29T14:31:03Z", "tool", "tool_call", "").keyValue("tool", "weather_forecast")
                .keyValue("args", "{\"city\":\"Lisbon\",\"day\":\"tomorrow\"}")
                .keyValue("result", "{\"high\":24,\"sky\":\"sunny\"}").build()));
        out.append(f.entry(chat("2025-10-29T14:31:03Z", "assistant", "decision", "Answer from the forecast tool")
                .keyValue("rationale", "the question is about a future date").build()));
        out.append(f.entry(chat("2025-10-29T14:31:05Z", "assistant", "message",
                "Sunny with a high of 24°C.\nTake sunglasses rather than an umbrella.")
                .keyValue("provider", "local").keyValue("model", "phi3-mini.gguf").keyValue("latency_ms", "1240")
                .keyValue("tokens", "31").keyValue("confidence", "0.42").keyValue("fallback_from", "openai")
                .keyValue("ttft_ms", "180").keyValue("stream", "true").build()));
        out.append(f.entry(chat("2025-10-29T14:31:06Z", "note", "error", "sending the reply")
                .error(new ErrorInfo("java.net.SocketException", "Connection reset")).build()));
        out.append(f.footer(new SessionSummary("abc123", at("2025-10-29T14:30:45Z"), at("2025-10-29T14:31:10Z"),
                2, 59, 2090, 59)));
        return out.toString();
    }

    @Test
    void exampleFileIsWhatTheFormatWrites() throws Exception {
        if (Boolean.getBoolean("chatlog.regenerateExample")) {
            Files.writeString(EXAMPLE, render(), StandardCharsets.UTF_8);
        }
        assertEquals(render(), Files.readString(EXAMPLE, StandardCharsets.UTF_8));
    }
}
