package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The human-readable transcript (SPEC §4), byte for byte:
 *
 * <pre>
 * Chat Log - Session started at 2025-10-29 14:30:45
 * Session: abc123
 * ================================================================================
 *
 * [2025-10-29 14:30:50] User:
 * Hello, how are you today?
 *
 * [2025-10-29 14:30:51] Assistant:
 * I'm doing well, thank you for asking! How can I assist you today?
 *
 * [Metadata: provider=local, model=phi3-mini.gguf, time=0.85s, tokens=28, speed=32.94 tok/s]
 *
 * --------------------------------------------------------------------------------
 *
 * </pre>
 *
 * An assistant message closes an exchange, so the separator follows it. Content is written as it is, on as many lines
 * as it has; the session id on the {@code Session:} line is escaped, since it is untrusted and must stay one line.
 */
public final class TextTranscriptFormat implements TranscriptFormat {

    public static final String NAME = "text";
    /** Longest tool result shown; longer ones are cut and marked with {@value #CUT_MARK}. */
    public static final int MAX_RESULT_CHARS = 500;
    static final String CUT_MARK = "...";
    static final String RULE = "=".repeat(80);
    static final String SEPARATOR = "-".repeat(80);

    private final DateTimeFormatter time;

    public TextTranscriptFormat(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(zone);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String header(String sessionId, long startMillis) {
        return "Chat Log - Session started at " + time.format(Instant.ofEpochMilli(startMillis)) + "\n"
                + "Session: " + LineEscaper.escape(sessionId) + "\n" + RULE + "\n\n";
    }

    @Override
    public String entry(LogEntry e) {
        StringBuilder out = new StringBuilder(e.message().length() + 128);
        out.append('[').append(time.format(Instant.ofEpochMilli(e.timestamp()))).append("] ");
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                out.append("Tool call: ").append(orEmpty(e.value(ChatKeys.TOOL))).append('\n');
                if (!e.message().isEmpty()) {
                    out.append(e.message()).append('\n');
                }
                appendLine(out, "Arguments: ", e.value(ChatKeys.ARGS));
                String result = e.value(ChatKeys.RESULT);
                appendLine(out, "Result: ", result == null ? null : cut(result, MAX_RESULT_CHARS));
            }
            case ChatKeys.TYPE_DECISION -> {
                out.append("Decision:\n").append(e.message()).append('\n');
                appendLine(out, "Rationale: ", e.value(ChatKeys.RATIONALE));
            }
            case ChatKeys.TYPE_ERROR -> {
                out.append("Error:\n");
                ErrorInfo error = e.error();
                if (error != null) {
                    out.append(error.describe()).append('\n');
                    appendLine(out, "Context: ", e.message().isEmpty() ? null : e.message());
                } else {
                    out.append(e.message()).append('\n');
                }
            }
            default -> out.append(label(e.role())).append(":\n").append(e.message()).append('\n');
        }
        out.append('\n');
        String metadata = metadataLine(e);
        if (metadata != null) {
            out.append(metadata).append("\n\n");
        }
        if (ChatKeys.TYPE_MESSAGE.equals(type) && "assistant".equals(e.role())) {
            out.append(SEPARATOR).append("\n\n");
        }
        return out.toString();
    }

    @Override
    public String footer(SessionSummary s) {
        double speed = s.averageSpeed();
        return "Session ended at " + time.format(Instant.ofEpochMilli(s.endMillis())) + " - turns=" + s.turns()
                + ", duration=" + seconds(Math.max(0, s.endMillis() - s.startMillis())) + ", tokens=" + s.tokens()
                + ", avg speed=" + (speed < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f tok/s", speed)) + "\n";
    }

    /**
     * {@code [Metadata: provider=…, model=…, time=0.85s, tokens=28, speed=32.94 tok/s, confidence=…, fallback_from=…,
     * ttft=…s, …]}, each part only when known; null when the entry has no metadata.
     */
    static String metadataLine(LogEntry e) {
        StringBuilder m = new StringBuilder();
        part(m, "provider", e.value(ChatKeys.PROVIDER));
        part(m, "model", e.value(ChatKeys.MODEL));
        String latency = e.value(ChatKeys.LATENCY_MS);
        double latencyMs = ChatKeys.number(latency);
        String tokens = e.value(ChatKeys.TOKENS);
        double tokenCount = ChatKeys.number(tokens);
        if (latency != null) {
            part(m, Double.isNaN(latencyMs) ? "latency_ms" : "time", Double.isNaN(latencyMs) ? latency : seconds(latencyMs));
        }
        part(m, "tokens", tokens);
        if (!Double.isNaN(latencyMs) && latencyMs > 0 && !Double.isNaN(tokenCount)) {
            part(m, "speed", String.format(Locale.ROOT, "%.2f tok/s", tokenCount / (latencyMs / 1000.0)));
        }
        part(m, "confidence", e.value(ChatKeys.CONFIDENCE));
        part(m, "fallback_from", e.value(ChatKeys.FALLBACK_FROM));
        String ttft = e.value(ChatKeys.TTFT_MS);
        double ttftMs = ChatKeys.number(ttft);
        if (ttft != null) {
            part(m, Double.isNaN(ttftMs) ? "ttft_ms" : "ttft", Double.isNaN(ttftMs) ? ttft : seconds(ttftMs));
        }
        part(m, "tokens_in", e.value(ChatKeys.TOKENS_IN));
        part(m, "stream", e.value(ChatKeys.STREAM));
        for (KeyValue kv : e.keyValues()) {
            if (ChatKeys.isExtra(kv.key())) {
                part(m, kv.key(), kv.value());
            }
        }
        return m.length() == 0 ? null : "[Metadata: " + m + "]";
    }

    private static void part(StringBuilder m, String key, String value) {
        if (value == null) {
            return;
        }
        if (m.length() > 0) {
            m.append(", ");
        }
        m.append(key).append('=').append(value);
    }

    private static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
    }

    private static void appendLine(StringBuilder out, String prefix, String value) {
        if (value != null) {
            out.append(prefix).append(value).append('\n');
        }
    }

    static String label(String role) {
        if (role == null || role.isEmpty()) {
            return "Note";
        }
        return Character.toUpperCase(role.charAt(0)) + role.substring(1);
    }

    /** Cuts to {@code max} characters without splitting a surrogate pair, marking the cut. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + CUT_MARK;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
