package io.github.chatlog.viewer;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.read.ChatStats;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON the API answers with, written through Jackson: entries, master-log lines, figures. Every string from the
 * logs is a JSON string value and nothing else; the pages put it into the document as text.
 */
final class JsonViews {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonViews() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    static String text(JsonNode node) {
        return JSON.writeValueAsString(node);
    }

    /** An instant as ISO-8601 UTC, or null for a negative (unknown) time. */
    static void putTime(ObjectNode o, String field, long epochMillis) {
        if (epochMillis < 0) {
            o.putNull(field);
        } else {
            o.put(field, Instant.ofEpochMilli(epochMillis).toString());
        }
    }

    /**
     * One conversation entry at {@code index} in its conversation: its type and role, content, error, tool call and
     * decision fields, the known metadata in the transcripts' order and the other key-values after it.
     */
    static ObjectNode entry(LogEntry e, long index) {
        ObjectNode o = object();
        o.put("index", index);
        putTime(o, "timestamp", e.timestamp());
        o.put("type", e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType());
        o.put("role", EntryText.role(e));
        o.put("content", e.message());
        if (e.error() != null) {
            ObjectNode error = o.putObject("error");
            error.put("type", e.error().simpleName());
            error.put("class", e.error().className());
            error.put("message", e.error().message());
        }
        for (String key : List.of(ChatKeys.TOOL, ChatKeys.ARGS, ChatKeys.RESULT, ChatKeys.RATIONALE)) {
            String v = e.value(key);
            if (v != null) {
                o.put(key, v);
            }
        }
        ObjectNode metadata = o.putObject("metadata");
        for (String key : ChatKeys.METADATA) {
            String v = e.value(key);
            if (v != null) {
                metadata.put(key, v);
            }
        }
        ObjectNode extra = o.putObject("extra");
        for (KeyValue kv : e.keyValues()) {
            if (ChatKeys.isExtra(kv.key()) && !extra.has(kv.key())) {
                extra.put(kv.key(), kv.value());
            }
        }
        return o;
    }

    /** One master-log line: its fields, the message unescaped, and the session it names. */
    static ObjectNode line(MasterLine l) {
        ObjectNode o = object();
        o.put("timestamp", l.timestamp());
        o.put("event_type", l.eventType());
        o.put("source", l.source());
        o.put("message", l.message());
        o.put("session_id", l.value("session_id"));
        return o;
    }

    /** The figures of a group of entries, as {@code chatlog stats --json} names them. */
    static ObjectNode figures(ChatStats.Figures f) {
        ObjectNode o = object();
        o.put("sessions", f.sessions);
        o.put("entries", f.entries());
        o.put("messages", f.messages);
        o.put("tool_calls", f.toolCalls);
        o.put("decisions", f.decisions);
        o.put("errors", f.errors);
        o.put("error_rate", round(f.errorRate(), 4));
        putMillis(o, "latency_ms_p50", f.latencyPercentile(50));
        putMillis(o, "latency_ms_p95", f.latencyPercentile(95));
        putMillis(o, "latency_ms_p99", f.latencyPercentile(99));
        o.put("tokens_in", f.tokensIn);
        o.put("tokens_out", f.tokensOut);
        if (f.tokensPerSecond() < 0) {
            o.putNull("tokens_per_second");
        } else {
            o.put("tokens_per_second", round(f.tokensPerSecond(), 2));
        }
        o.put("fallbacks", f.fallbacks);
        o.put("low_confidence", f.lowConfidence);
        return o;
    }

    private static void putMillis(ObjectNode o, String field, long ms) {
        if (ms < 0) {
            o.putNull(field);
        } else {
            o.put(field, ms);
        }
    }

    static double round(double v, int decimals) {
        return Double.parseDouble(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }

    /** The most used tools, most first. */
    static ArrayNode tools(ChatStats.Figures f, int n) {
        ArrayNode a = array();
        for (Map.Entry<String, Integer> t : f.topTools(n)) {
            a.addObject().put("tool", t.getKey()).put("calls", t.getValue());
        }
        return a;
    }

    /** An error answer: {@code {"error": message, "status": status}}. */
    static byte[] error(int status, String message) {
        ObjectNode o = object();
        o.put("error", message);
        o.put("status", status);
        return bytes(o);
    }
}
