package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.chatlog.event.EventTypes;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line and entry (SPEC §4):
 * {@code {"type":"message","role":"user","content":"...","timestamp":"2025-10-29T14:30:50.123+01:00","session_id":"abc123", ...metadata}}.
 * Tool calls carry {@code tool}, {@code args} (as a JSON object when the call site gave one, else a string) and
 * {@code result}; decisions {@code decision} and {@code rationale}; errors {@code error} and {@code context}. Numeric
 * metadata is written as numbers, {@code stream} as a boolean. No header or footer: every line is an entry. An error
 * without an exception has no {@code error}, only its {@code context}. {@link #read} reads it back; content, being a JSON
 * string, needs no further escape.
 */
public final class JsonlTranscriptFormat implements TranscriptFormat {

    public static final String NAME = "jsonl";
    // the field names, for writing and reading
    private static final String TYPE = "type";
    private static final String ROLE = "role";
    private static final String CONTENT = "content";
    private static final String TIMESTAMP = "timestamp";
    private static final String SESSION_ID = "session_id";
    private static final String TOOL = "tool";
    private static final String ARGS = "args";
    private static final String RESULT = "result";
    private static final String DECISION = "decision";
    private static final String RATIONALE = "rationale";
    private static final String ERROR = "error";
    private static final String CONTEXT = "context";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Arguments longer than this are kept as a string rather than parsed. */
    private static final int MAX_PARSED_ARGS = 1 << 20;

    private final DateTimeFormatter time;

    public JsonlTranscriptFormat(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", java.util.Locale.ROOT).withZone(zone);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String entry(LogEntry e) {
        StringBuilder out = new StringBuilder(e.message().length() + 160);
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        out.append('{');
        JsonText.string(out, TYPE);
        out.append(':');
        JsonText.string(out, type);
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                JsonText.field(out, TOOL, orEmpty(e.value(ChatKeys.TOOL)));
                String args = e.value(ChatKeys.ARGS);
                if (args != null) {
                    out.append(',');
                    JsonText.string(out, ARGS);
                    out.append(':');
                    out.append(jsonObjectOrString(args));
                }
                if (e.value(ChatKeys.RESULT) != null) {
                    JsonText.field(out, RESULT, e.value(ChatKeys.RESULT));
                }
                if (!e.message().isEmpty()) {
                    JsonText.field(out, CONTENT, e.message());
                }
            }
            case ChatKeys.TYPE_DECISION -> {
                JsonText.field(out, DECISION, e.message());
                if (e.value(ChatKeys.RATIONALE) != null) {
                    JsonText.field(out, RATIONALE, e.value(ChatKeys.RATIONALE));
                }
            }
            case ChatKeys.TYPE_ERROR -> {
                ErrorInfo error = e.error();
                if (error != null) {
                    JsonText.field(out, ERROR, error.describe());
                }
                if (error == null || !e.message().isEmpty()) {
                    JsonText.field(out, CONTEXT, e.message()); // without an exception, the message is all there is
                }
            }
            default -> {
                JsonText.field(out, ROLE, e.role() == null ? LogEntry.DEFAULT_ROLE : e.role());
                JsonText.field(out, CONTENT, e.message());
            }
        }
        JsonText.field(out, TIMESTAMP, time.format(Instant.ofEpochMilli(e.timestamp())));
        if (e.sessionId() != null) {
            JsonText.field(out, SESSION_ID, e.sessionId());
        }
        for (String key : ChatKeys.METADATA) {
            String v = e.value(key);
            if (v != null) {
                out.append(',');
                JsonText.string(out, key);
                out.append(':');
                JsonText.scalar(out, v);
            }
        }
        for (KeyValue kv : e.keyValues()) {
            if (ChatKeys.isExtra(kv.key()) && !isReserved(kv.key())) {
                JsonText.field(out, kv.key(), kv.value());
            }
        }
        return out.append("}\n").toString();
    }

    /** Keys the format writes itself; an extra key-value of the same name would make a duplicate JSON key. */
    private static boolean isReserved(String key) {
        return switch (key) {
            case TYPE, ROLE, CONTENT, TIMESTAMP, DECISION, ERROR, CONTEXT -> true;
            default -> false;
        };
    }

    private static String jsonObjectOrString(String args) {
        String trimmed = args.trim();
        if (trimmed.startsWith("{") && trimmed.length() <= MAX_PARSED_ARGS) {
            try {
                JsonNode node = JSON.readTree(trimmed);
                if (node != null && node.isObject()) {
                    return JSON.writeValueAsString(node);
                }
            } catch (JacksonException | StackOverflowError notJson) {
                // kept as a string below
            }
        }
        StringBuilder s = new StringBuilder(args.length() + 2);
        JsonText.string(s, args);
        return s.toString();
    }

    @Override
    public ParsedTranscript read(String text, String fallbackId, long fallbackStart) {
        List<LogEntry> entries = new ArrayList<>();
        int end = text.lastIndexOf('\n'); // a last line without its line break is still being written
        for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JacksonException damaged) {
                continue;
            }
            if (node != null && node.isObject()) {
                entries.add(entry(node, fallbackId));
            }
        }
        return new ParsedTranscript(entries.isEmpty() || entries.get(0).sessionId() == null ? fallbackId
                : entries.get(0).sessionId(), entries, -1);
    }

    private LogEntry entry(JsonNode node, String fallbackId) {
        String type = text(node, TYPE, ChatKeys.TYPE_MESSAGE);
        long ts = 0;
        try {
            ts = OffsetDateTime.parse(text(node, TIMESTAMP, "")).toInstant().toEpochMilli();
        } catch (RuntimeException ignored) {
            // no usable time: epoch
        }
        LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(ts).eventType(EventTypes.CONVERSATION_TURN)
                .source("chat").sessionId(text(node, SESSION_ID, fallbackId)).entryType(type);
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                b.role("tool").message(text(node, CONTENT, ""));
                b.keyValue(ChatKeys.TOOL, text(node, TOOL, ""));
                JsonNode args = node.get(ARGS);
                if (args != null) {
                    b.keyValue(ChatKeys.ARGS, args.isString() ? args.asString() : args.toString());
                }
            }
            case ChatKeys.TYPE_DECISION -> b.role("assistant").message(text(node, DECISION, ""));
            case ChatKeys.TYPE_ERROR -> {
                b.role(LogEntry.DEFAULT_ROLE).message(text(node, CONTEXT, ""));
                String described = text(node, ERROR, null);
                if (described != null) {
                    int colon = described.indexOf(": ");
                    b.error(new ErrorInfo(colon > 0 ? described.substring(0, colon) : described,
                            colon > 0 ? described.substring(colon + 2) : null));
                }
            }
            default -> b.role(text(node, ROLE, LogEntry.DEFAULT_ROLE)).message(text(node, CONTENT, ""));
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            switch (field.getKey()) {
                case TYPE, ROLE, CONTENT, TIMESTAMP, SESSION_ID, TOOL, ARGS, DECISION, ERROR, CONTEXT -> {
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

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
