package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static io.github.chatlog.format.TextTranscriptLines.*;

/**
 * Reads what {@link TextTranscriptFormat} wrote, with the literals and escape of {@link TextTranscriptLines}.
 *
 * <p>The session is named by the {@code Session:} line right after the first {@code Chat Log - Session started at}
 * header, and only there. An entry runs from its header line to the next entry header, file header or footer (content
 * never holds one unescaped); its end is taken apart from the back, exactly as it was written: the separator, the
 * metadata line, one blank line. An unfinished last entry (not yet ending with its blank line) is left out, so a
 * transcript can be read while it is written.
 */
final class TextTranscriptReader {

    private TextTranscriptReader() {
    }

    static ParsedTranscript read(String text, String fallbackId, ZoneId zone) {
        int end = text.lastIndexOf('\n');
        // a last line without its line break is still being written
        List<String> lines = end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n", -1));
        List<LogEntry> entries = new ArrayList<>();
        String id = null;
        long footerEnd = -1;
        int i = 0;
        int n = lines.size();
        while (i < n) {
            String line = lines.get(i);
            if (line.startsWith(HEADER)) {
                i++;
                if (i < n && lines.get(i).startsWith(SESSION)) {
                    if (id == null) {
                        id = LineEscaper.unescape(lines.get(i).substring(SESSION.length()));
                    }
                    i++;
                }
                if (i < n && lines.get(i).equals(RULE)) {
                    i++;
                }
                continue;
            }
            if (line.startsWith(FOOTER)) {
                long ended = localTime(line, FOOTER.length(), zone);
                footerEnd = ended >= 0 ? ended : footerEnd;
                i++;
                continue;
            }
            if (!isEntryHeader(line)) {
                i++; // a blank line between blocks, or damage: skipped, never guessed at
                continue;
            }
            int start = ++i;
            while (i < n && !endsEntry(lines.get(i))) {
                i++;
            }
            List<String> body = lines.subList(start, i);
            if (body.isEmpty() || !body.get(body.size() - 1).isEmpty()) {
                continue; // unfinished (or damaged): every entry ends with a blank line
            }
            entries.add(entry(id == null ? fallbackId : id, localTime(line, 1, zone), line.substring(LABEL_START), body));
        }
        return new ParsedTranscript(id == null ? fallbackId : id, entries, footerEnd);
    }

    private static LogEntry entry(String id, long ts, String label, List<String> body) {
        LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(ts)
                .eventType(EventTypes.CONVERSATION_TURN).source("chat").sessionId(id);
        int n = body.size();
        if (n >= 2 && body.get(n - 2).equals(SEPARATOR)) {
            n -= 2;
        }
        if (n >= 2 && body.get(n - 1).isEmpty() && body.get(n - 2).startsWith(METADATA_OPEN)
                && body.get(n - 2).endsWith(METADATA_CLOSE)) {
            String meta = body.get(n - 2);
            metadata(b, meta.substring(METADATA_OPEN.length(), meta.length() - METADATA_CLOSE.length()));
            n -= 2;
        }
        List<String> lines = body.subList(0, n - 1); // the blank line that ends every entry
        if (label.startsWith(TOOL_CALL)) {
            b.role("tool").entryType(ChatKeys.TYPE_TOOL_CALL)
                    .keyValue(ChatKeys.TOOL, LineEscaper.unescape(label.substring(TOOL_CALL.length())));
            Fields f = fields(lines, Body.TOOL_CALL);
            b.message(f.content == null ? "" : f.content);
            putField(b, ChatKeys.ARGS, f.values[0]);
            putField(b, ChatKeys.RESULT, f.values[1]);
        } else if (label.equals(DECISION + LABEL_END)) {
            Fields f = fields(lines, Body.DECISION);
            b.role("assistant").entryType(ChatKeys.TYPE_DECISION).message(f.content == null ? "" : f.content);
            putField(b, ChatKeys.RATIONALE, f.values[0]);
        } else if (label.equals(ERROR + LABEL_END)) {
            b.role(LogEntry.DEFAULT_ROLE).entryType(ChatKeys.TYPE_ERROR);
            if (!lines.isEmpty() && looksLikeErrorName(lines.get(0))) {
                // the exception's name and message, then the context
                Fields f = fields(lines.subList(1, lines.size()), Body.ERROR);
                String described = lines.get(0) + (f.content == null ? "" : "\n" + f.content);
                int colon = described.indexOf(ERROR_NAME_END);
                b.error(new ErrorInfo(colon < 0 ? described : described.substring(0, colon),
                        colon < 0 ? null : described.substring(colon + ERROR_NAME_END.length())));
                b.message(f.values[0] == null ? "" : f.values[0]);
            } else {
                b.message(join(lines, line -> Body.ERROR.reserves(line) || looksLikeErrorName(line), Body.ERROR::reserves));
            }
        } else {
            String role = label.endsWith(LABEL_END) ? label.substring(0, label.length() - LABEL_END.length()) : label;
            role = LineEscaper.unescape(role);
            b.role(role.isEmpty() ? role : Character.toLowerCase(role.charAt(0)) + role.substring(1))
                    .entryType(ChatKeys.TYPE_MESSAGE).message(join(lines, Body.MESSAGE::reserves));
        }
        return b.build();
    }

    /** The content lines of a body and its one-line fields, each field's further lines below it. */
    private record Fields(String content, String[] values) {
    }

    /**
     * Splits {@code lines} at the body's field labels (content never starts with one unescaped). {@code content} is
     * null when there are no content lines at all.
     */
    private static Fields fields(List<String> lines, Body body) {
        String[] values = new String[body.labels.size()];
        int i = 0;
        int n = lines.size();
        while (i < n && body.labelOf(lines.get(i)) == null) {
            i++;
        }
        String content = i == 0 ? null : join(lines.subList(0, i), body::reserves);
        while (i < n) {
            String label = body.labelOf(lines.get(i));
            int start = i++;
            while (i < n && body.labelOf(lines.get(i)) == null) {
                i++;
            }
            String first = lines.get(start).substring(label.length());
            String rest = i == start + 1 ? null : join(lines.subList(start + 1, i), body::reserves);
            values[body.labels.indexOf(label)] = rest == null ? first : first + "\n" + rest;
        }
        return new Fields(content, values);
    }

    private static void putField(LogEntry.Builder b, String key, String value) {
        if (value != null) {
            b.keyValue(key, value);
        }
    }

    private static String join(List<String> lines, Predicate<String> reserved) {
        return join(lines, reserved, reserved);
    }

    /** The lines unescaped and joined: the first with {@code first}, the others with {@code rest}. */
    private static String join(List<String> lines, Predicate<String> first, Predicate<String> rest) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(TextTranscriptLines.unescape(lines.get(i), i == 0 ? first : rest));
        }
        return out.toString();
    }

    /** Reads {@code provider=local, model=m, time=0.85s, tokens=28, speed=…, ttft=0.12s} back into key-values. */
    private static void metadata(LogEntry.Builder b, String text) {
        for (int from = 0, to; from < text.length(); from = to + METADATA_PART_SEPARATOR.length()) {
            to = text.indexOf(METADATA_PART_SEPARATOR, from);
            to = to < 0 ? text.length() : to;
            String part = text.substring(from, to);
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = LineEscaper.unescape(part.substring(0, eq));
            String value = LineEscaper.unescape(part.substring(eq + 1));
            switch (key) {
                case "time" -> b.keyValue(ChatKeys.LATENCY_MS, millis(value));
                case "ttft" -> b.keyValue(ChatKeys.TTFT_MS, millis(value));
                case "speed" -> {
                    // derived from tokens and time
                }
                default -> b.keyValue(key, value);
            }
        }
    }

    private static String millis(String seconds) {
        String s = seconds.endsWith("s") ? seconds.substring(0, seconds.length() - 1) : seconds;
        try {
            return Long.toString(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            return seconds;
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss} at {@code at} in {@code s}, or -1 when it is not one. */
    private static long localTime(String s, int at, ZoneId zone) {
        if (!isTime(s, at)) {
            return -1;
        }
        try {
            LocalDateTime t = LocalDateTime.of(digits(s, at, 4), digits(s, at + 5, 2), digits(s, at + 8, 2),
                    digits(s, at + 11, 2), digits(s, at + 14, 2), digits(s, at + 17, 2));
            return t.atZone(zone).toInstant().toEpochMilli();
        } catch (java.time.DateTimeException invalid) {
            return -1;
        }
    }

    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
