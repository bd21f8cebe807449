package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads transcripts back into entries: the inverse of {@link TextTranscriptFormat}, {@link JsonlTranscriptFormat} and
 * {@link PlainTranscriptFormat}, detecting which from the content. Text transcripts carry local times to the second
 * (read in the given zone) and derived figures (speed) that are not read back; plain ones carry no times at all (every
 * entry gets the session's start). An unfinished last entry (the file does not end with the blank line every text entry
 * ends with, or a JSON line without its line break) is left out, so a transcript can be read while it is written.
 * Content that itself looks like an entry header makes a text transcript ambiguous; jsonl has no such limit.
 */
public final class TranscriptParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ENTRY = Pattern.compile("^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})] (.+)$");
    private static final Pattern METADATA = Pattern.compile("^\\[Metadata: (.*)]$");
    private static final String HEADER = "Chat Log - Session started at ";

    private TranscriptParser() {
    }

    /**
     * Parses a whole transcript.
     *
     * @param text          the file's content
     * @param fallbackId    the session id when the content does not name one (plain format): from the file name
     * @param fallbackStart the time for entries without one (plain format)
     * @param zone          the zone text transcripts were written in
     */
    public static List<LogEntry> parse(String text, String fallbackId, long fallbackStart, ZoneId zone) {
        String trimmed = text.stripLeading();
        if (trimmed.startsWith(HEADER)) {
            return parseText(text, fallbackId, zone);
        }
        if (trimmed.startsWith("{")) {
            return parseJsonl(text, fallbackId);
        }
        return parsePlain(text, fallbackId, fallbackStart);
    }

    static List<LogEntry> parseText(String text, String sessionId, ZoneId zone) {
        List<LogEntry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean complete = text.endsWith("\n\n");
        String id = sessionId;
        int i = 0;
        while (i < lines.length) {
            String line = lines[i];
            if (line.startsWith("Session: ")) {
                id = LineEscaper.unescape(line.substring("Session: ".length()));
                i++;
                continue;
            }
            Matcher m = mayBeEntry(line) ? ENTRY.matcher(line) : null;
            if (m == null || !m.matches()) {
                i++;
                continue;
            }
            int start = ++i;
            while (i < lines.length && !(mayBeEntry(lines[i]) && ENTRY.matcher(lines[i]).matches())
                    && !lines[i].startsWith("Session ended at ") && !lines[i].startsWith(HEADER)) {
                i++;
            }
            boolean last = i >= lines.length;
            if (last && !complete) {
                break; // still being written
            }
            long ts = localTime(line, 1, zone);
            entries.add(textEntry(id, ts, m.group(2), new ArrayList<>(java.util.Arrays.asList(lines).subList(start, i))));
        }
        return entries;
    }

    /** {@code yyyy-MM-dd HH:mm:ss} at {@code at} in {@code s} (digits already checked by the caller's regex). */
    private static long localTime(String s, int at, ZoneId zone) {
        LocalDateTime t = LocalDateTime.of(digits(s, at, 4), digits(s, at + 5, 2), digits(s, at + 8, 2),
                digits(s, at + 11, 2), digits(s, at + 14, 2), digits(s, at + 17, 2));
        return t.atZone(zone).toInstant().toEpochMilli();
    }

    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    /** A cheap look before the regex: {@code [yyyy-MM-dd HH:mm:ss] } has its brackets at 0 and 20. */
    private static boolean mayBeEntry(String line) {
        return line.length() > 22 && line.charAt(0) == '[' && line.charAt(20) == ']' && line.charAt(21) == ' ';
    }

    private static LogEntry textEntry(String id, long ts, String label, List<String> body) {
        trimBlank(body);
        if (!body.isEmpty() && body.get(body.size() - 1).equals(TextTranscriptFormat.SEPARATOR)) {
            body.remove(body.size() - 1);
            trimBlank(body);
        }
        LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(ts)
                .eventType(EventTypes.CONVERSATION_TURN).source("chat").sessionId(id);
        if (!body.isEmpty()) {
            Matcher meta = METADATA.matcher(body.get(body.size() - 1));
            if (meta.matches()) {
                body.remove(body.size() - 1);
                trimBlank(body);
                metadata(b, meta.group(1));
            }
        }
        if (label.startsWith("Tool call: ")) {
            b.role("tool").entryType(ChatKeys.TYPE_TOOL_CALL).keyValue(ChatKeys.TOOL, label.substring("Tool call: ".length()));
            String result = takeLast(body, "Result: ");
            String args = takeLast(body, "Arguments: ");
            if (args != null) {
                b.keyValue(ChatKeys.ARGS, args);
            }
            if (result != null) {
                b.keyValue(ChatKeys.RESULT, result);
            }
        } else if (label.equals("Decision:")) {
            b.role("assistant").entryType(ChatKeys.TYPE_DECISION);
            String rationale = takeLast(body, "Rationale: ");
            if (rationale != null) {
                b.keyValue(ChatKeys.RATIONALE, rationale);
            }
        } else if (label.equals("Error:")) {
            b.role(LogEntry.DEFAULT_ROLE).entryType(ChatKeys.TYPE_ERROR);
            String context = takeLast(body, "Context: ");
            String described = body.isEmpty() ? "" : body.remove(0);
            int colon = described.indexOf(": ");
            String name = colon > 0 ? described.substring(0, colon) : described;
            if (!name.isEmpty() && !name.contains(" ")) {
                b.error(new ErrorInfo(name, colon > 0 ? described.substring(colon + 2) : null));
            } else {
                body.add(0, described);
            }
            if (context != null) {
                body.add(context);
            }
        } else {
            String role = label.endsWith(":") ? label.substring(0, label.length() - 1) : label;
            b.role(role.toLowerCase(Locale.ROOT)).entryType(ChatKeys.TYPE_MESSAGE);
        }
        return b.message(String.join("\n", body)).build();
    }

    /** Reads {@code provider=local, model=m, time=0.85s, tokens=28, speed=…, ttft=0.12s} back into key-values. */
    private static void metadata(LogEntry.Builder b, String text) {
        for (String part : text.split(", ")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
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

    private static String takeLast(List<String> body, String prefix) {
        if (!body.isEmpty() && body.get(body.size() - 1).startsWith(prefix)) {
            return body.remove(body.size() - 1).substring(prefix.length());
        }
        return null;
    }

    private static void trimBlank(List<String> body) {
        while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
            body.remove(body.size() - 1);
        }
    }

    static List<LogEntry> parseJsonl(String text, String fallbackId) {
        List<LogEntry> entries = new ArrayList<>();
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return entries;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JacksonException damaged) {
                continue;
            }
            if (node == null || !node.isObject()) {
                continue;
            }
            entries.add(jsonEntry(node, fallbackId));
        }
        return entries;
    }

    private static LogEntry jsonEntry(JsonNode node, String fallbackId) {
        String type = text(node, "type", ChatKeys.TYPE_MESSAGE);
        long ts = 0;
        try {
            ts = OffsetDateTime.parse(text(node, "timestamp", "")).toInstant().toEpochMilli();
        } catch (RuntimeException ignored) {
            // no usable time: epoch
        }
        LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(ts).eventType(EventTypes.CONVERSATION_TURN)
                .source("chat").sessionId(text(node, "session_id", fallbackId)).entryType(type);
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                b.role("tool").message(text(node, "content", ""));
                b.keyValue(ChatKeys.TOOL, text(node, "tool", ""));
                JsonNode args = node.get("args");
                if (args != null) {
                    b.keyValue(ChatKeys.ARGS, args.isString() ? args.asString() : args.toString());
                }
            }
            case ChatKeys.TYPE_DECISION -> b.role("assistant").message(text(node, "decision", ""));
            case ChatKeys.TYPE_ERROR -> {
                b.role(LogEntry.DEFAULT_ROLE).message(text(node, "context", ""));
                String described = text(node, "error", "");
                int colon = described.indexOf(": ");
                b.error(new ErrorInfo(colon > 0 ? described.substring(0, colon) : described,
                        colon > 0 ? described.substring(colon + 2) : null));
            }
            default -> b.role(text(node, "role", LogEntry.DEFAULT_ROLE)).message(text(node, "content", ""));
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            switch (field.getKey()) {
                case "type", "role", "content", "timestamp", "session_id", "tool", "args", "decision", "error", "context" -> {
                }
                default -> b.keyValue(field.getKey(), field.getValue().isString() ? field.getValue().asString()
                        : field.getValue().toString());
            }
        }
        return b.build();
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? otherwise : v.isString() ? v.asString() : v.toString();
    }

    static List<LogEntry> parsePlain(String text, String sessionId, long start) {
        List<LogEntry> entries = new ArrayList<>();
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return entries;
        }
        for (String line : text.substring(0, end).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                continue;
            }
            String prefix = line.substring(0, colon);
            String body = LineEscaper.unescape(line.substring(colon + 2));
            LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(start)
                    .eventType(EventTypes.CONVERSATION_TURN).source("chat").sessionId(sessionId);
            switch (prefix) {
                case "agent" -> b.role("assistant").entryType(ChatKeys.TYPE_MESSAGE).message(body);
                case "decision" -> b.role("assistant").entryType(ChatKeys.TYPE_DECISION).message(body);
                case "error" -> b.role(LogEntry.DEFAULT_ROLE).entryType(ChatKeys.TYPE_ERROR).message(body);
                default -> b.role(prefix).entryType(ChatKeys.TYPE_MESSAGE).message(body);
            }
            entries.add(b.build());
        }
        return entries;
    }
}
