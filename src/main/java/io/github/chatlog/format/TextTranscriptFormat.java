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
import java.util.function.Predicate;

import static io.github.chatlog.format.TextTranscriptLines.*;

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
 * as it has, except that a line the reader would take for structure gets a leading {@code \} ({@link TextTranscriptLines});
 * the session id, role, tool name and metadata, which must each stay on their line, are escaped by {@link LineEscaper}.
 * {@link #read} is the inverse: whatever was logged reads back as the same content of the same entry of the same
 * session, byte for byte (times to the second; derived figures such as speed are not read back).
 */
public final class TextTranscriptFormat implements TranscriptFormat {

    public static final String NAME = "text";
    /** Longest tool result shown; longer ones are cut and marked with {@value #CUT_MARK}. */
    public static final int MAX_RESULT_CHARS = 500;
    static final String CUT_MARK = "...";

    private final ZoneId zone;
    private final DateTimeFormatter time;

    public TextTranscriptFormat(ZoneId zone) {
        this.zone = zone;
        this.time = DateTimeFormatter.ofPattern(TIME_PATTERN, Locale.ROOT).withZone(zone);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String header(String sessionId, long startMillis) {
        return HEADER + time.format(Instant.ofEpochMilli(startMillis)) + "\n"
                + SESSION + LineEscaper.escape(sessionId) + "\n" + RULE + "\n\n";
    }

    @Override
    public String entry(LogEntry e) {
        StringBuilder out = new StringBuilder(e.message().length() + 128);
        out.append('[').append(time.format(Instant.ofEpochMilli(e.timestamp()))).append("] ");
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                out.append(TOOL_CALL);
                LineEscaper.appendEscaped(out, orEmpty(e.value(ChatKeys.TOOL)));
                out.append('\n');
                if (!e.message().isEmpty()) {
                    appendLines(out, e.message(), Body.TOOL_CALL::reserves);
                }
                appendField(out, ARGUMENTS, e.value(ChatKeys.ARGS), Body.TOOL_CALL);
                String result = e.value(ChatKeys.RESULT);
                appendField(out, RESULT, result == null ? null : cut(result, MAX_RESULT_CHARS), Body.TOOL_CALL);
            }
            case ChatKeys.TYPE_DECISION -> {
                out.append(DECISION).append(LABEL_END).append('\n');
                appendLines(out, e.message(), Body.DECISION::reserves);
                appendField(out, RATIONALE, e.value(ChatKeys.RATIONALE), Body.DECISION);
            }
            case ChatKeys.TYPE_ERROR -> {
                out.append(ERROR).append(LABEL_END).append('\n');
                ErrorInfo error = e.error();
                if (error != null) {
                    appendLines(out, error.describe(), null, Body.ERROR::reserves, false);
                    appendField(out, CONTEXT, e.message().isEmpty() ? null : e.message(), Body.ERROR);
                } else {
                    // the first line must not pass for an exception's name
                    appendLines(out, e.message(), line -> Body.ERROR.reserves(line) || looksLikeErrorName(line),
                            Body.ERROR::reserves, true);
                }
            }
            default -> {
                out.append(messageLabel(e.role())).append(LABEL_END).append('\n');
                appendLines(out, e.message(), Body.MESSAGE::reserves);
            }
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
        return FOOTER + time.format(Instant.ofEpochMilli(s.endMillis())) + " - turns=" + s.turns()
                + ", duration=" + seconds(Math.max(0, s.endMillis() - s.startMillis())) + ", tokens=" + s.tokens()
                + ", avg speed=" + (speed < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f tok/s", speed)) + "\n";
    }

    @Override
    public ParsedTranscript read(String text, String fallbackId, long fallbackStart) {
        return TextTranscriptReader.read(text, fallbackId, zone);
    }

    /** Each line of {@code text} on its own line, escaped where {@code reserved} says so. */
    private static void appendLines(StringBuilder out, String text, Predicate<String> reserved) {
        appendLines(out, text, reserved, reserved, false);
    }

    /**
     * Each line of {@code text} on its own line: the first escaped where {@code first} says so (written as it is when
     * null: it follows a label, or is the exception's name), the others where {@code rest} says so. Only lines that
     * start like a reserved line are looked at, unless {@code firstAnyShape}: the first line of an error without an
     * exception is reserved whatever letter starts it.
     */
    private static void appendLines(StringBuilder out, String text, Predicate<String> first, Predicate<String> rest,
                                    boolean firstAnyShape) {
        int from = 0;
        Predicate<String> reserved = first;
        boolean lookAlways = firstAnyShape;
        while (true) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? text.length() : nl;
            if (reserved == null || (!lookAlways && (from == end || !mayBeReserved(text.charAt(from))))) {
                out.append(text, from, end); // the common case, written without a closer look
            } else {
                out.append(escape(text.substring(from, end), reserved));
            }
            out.append('\n');
            if (nl < 0) {
                return;
            }
            lookAlways = false;
            reserved = rest;
            from = nl + 1;
        }
    }

    /** {@code Label: value}, the value's further lines below it, escaped like content; nothing when null. */
    private static void appendField(StringBuilder out, String label, String value, Body body) {
        if (value != null) {
            out.append(label);
            appendLines(out, value, null, body::reserves, false);
        }
    }

    /** The label of a message: the role, capitalized and escaped; never one of the other kinds' labels. */
    private static String messageLabel(String role) {
        String label = LineEscaper.escape(label(role));
        if (isKindLabel(label)) {
            // a role named like another kind: its first letter as an escape, which the reader unescapes
            return String.format(Locale.ROOT, "\\u%04X", (int) label.charAt(0)) + label.substring(1);
        }
        return label;
    }

    /**
     * {@code [Metadata: provider=…, model=…, time=0.85s, tokens=28, speed=32.94 tok/s, confidence=…, fallback_from=…,
     * ttft=…s, …]}, each part only when known; null when the entry has no metadata. Keys and values are escaped so the
     * line stays one line.
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
        return m.length() == 0 ? null : METADATA_OPEN + m + METADATA_CLOSE;
    }

    private static void part(StringBuilder m, String key, String value) {
        if (value == null) {
            return;
        }
        if (m.length() > 0) {
            m.append(METADATA_PART_SEPARATOR);
        }
        LineEscaper.appendEscaped(m, key);
        m.append('=');
        LineEscaper.appendEscaped(m, value);
    }

    static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
    }

    /** The label of a role as people read it: {@code user} gives {@code User}; no role gives {@code Note}. */
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
