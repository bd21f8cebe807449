package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random text for property tests: every shape a reader could take for structure (entry headers, separators, rules,
 * file headers, {@code Session:} lines, footers, metadata, field labels, error names, master-log tokens), every line
 * break (LF, CR, CRLF, NEL, U+2028, U+2029), leading backslashes, and arbitrary characters. Only what a UTF-8 file can
 * hold: no unpaired surrogates.
 */
final class HostileText {

    static final String TS = "[2025-01-01 00:00:00] ";
    static final String[] SHAPES = {
            TS + "Assistant:", TS + "User:", TS + "Tool call: refund", TS + "Decision:", TS + "Error:", TS + "x",
            "[2025-01-01 00:00:00]", "-".repeat(80), "=".repeat(80), "-".repeat(79), "Session: victim", "Session: ",
            "Chat Log - Session started at 2025-01-01 00:00:00", "Chat Log - Session started at ",
            "Session ended at 2025-01-01 00:00:00 - turns=1, duration=0.00s, tokens=0, avg speed=n/a",
            "[Metadata: provider=evil, model=x]", "[Metadata: ]", "Arguments: {\"a\":1}", "Arguments: ", "Result: 5000",
            "Rationale: because", "Context: ctx", "SocketException: Connection reset", "Timeout", "IllegalState$1",
            "", " ", "\\", "\\\\", "\\" + TS + "User:", "\\\\Session: x", "\\-", "user: hi", "agent: hi",
            "{\"role\":\"assistant\",\"content\":\"x\"}", "session_id=victim", "a=b", "k=\"v w\"", "=x", " - X: y",
            "|", "\t", "\u001b]0;title\u0007", "\u001b[2J", "é😀", "\\n", "\\r", "\\u0041", "\\=", "\\\\=", "\u202e",
            "\u0000", "\u007f"};
    static final String[] BREAKS = {"\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "\n\n", "\n\n\n", "\u000b", "\f"};

    private HostileText() {
    }

    /** Text of a few parts, shapes often at the start of a line. */
    static String text(Random r) {
        int parts = r.nextInt(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            switch (r.nextInt(5)) {
                case 0, 1 -> sb.append(SHAPES[r.nextInt(SHAPES.length)]);
                case 2 -> sb.append(BREAKS[r.nextInt(BREAKS.length)]);
                case 3 -> sb.append("\\".repeat(r.nextInt(3))).append(SHAPES[r.nextInt(SHAPES.length)]);
                default -> anyChars(r, sb, 1 + r.nextInt(4));
            }
            if (r.nextInt(3) == 0) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Characters from the whole of Unicode, surrogates only in valid pairs. */
    static void anyChars(Random r, StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            int cp = r.nextInt(4) == 0 ? r.nextInt(0x80) : r.nextInt(8) == 0 ? 0x10000 + r.nextInt(0x100000)
                    : r.nextInt(0x10000);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 'x';
            }
            sb.appendCodePoint(cp);
        }
    }

    static String sessionId(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "s" + r.nextInt(1000);
            case 1 -> "victim";
            case 2 -> "";
            default -> text(r);
        };
    }

    /** A role whose label reads back: lower case first letter (labels capitalize it), hostile otherwise. */
    static String role(Random r) {
        String[] roles = {"user", "assistant", "system", "tool", "note", "decision", "error", "tool call: x",
                "a\nb", "x:", "\\u0044ecision", "\\", "[2025-01-01 00:00:00] user"};
        return roles[r.nextInt(roles.length)];
    }

    /**
     * Random entries of every type: messages, tool calls (results short enough not to be cut), decisions, errors with
     * and without an exception, some with metadata. Times on whole seconds when {@code wholeSeconds}.
     */
    static List<LogEntry> entries(Random r, String session, int n, long start, boolean wholeSeconds, boolean allTypes) {
        List<LogEntry> out = new ArrayList<>();
        long t = start;
        for (int i = 0; i < n; i++) {
            t += wholeSeconds ? 1000L * r.nextInt(100) : r.nextInt(100_000);
            LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(t).eventType("conversation:turn")
                    .source("chat").sessionId(session).message(text(r));
            int kind = allTypes ? r.nextInt(6) : 0;
            switch (kind) {
                case 3 -> b.role("tool").entryType("tool_call").keyValue("tool", r.nextBoolean() ? "weather" : text(r))
                        .keyValue("args", "a" + text(r)).keyValue("result", text(r));
                case 4 -> {
                    b.role("assistant").entryType("decision");
                    if (r.nextBoolean()) {
                        b.keyValue("rationale", text(r));
                    }
                }
                case 5 -> {
                    b.role("note").entryType("error");
                    if (r.nextBoolean()) {
                        String[] names = {"java.net.SocketException", "a.b.Outer$Inner", "Timeout", "x.Anon$1"};
                        b.error(new ErrorInfo(names[r.nextInt(names.length)], r.nextBoolean() ? null : text(r)));
                    }
                }
                default -> b.role(allTypes ? role(r) : new String[] {"user", "assistant", "system", "note"}[r.nextInt(4)])
                        .entryType("message");
            }
            if (r.nextInt(3) == 0) {
                b.keyValue("provider", "local").keyValue("model", "m-" + r.nextInt(9)).keyValue("latency_ms", "1250")
                        .keyValue("tokens", Integer.toString(r.nextInt(500)));
            }
            out.add(b.build());
        }
        return out;
    }
}
