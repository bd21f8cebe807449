package io.github.chatlog.json;

import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.KeyValueFormat;
import io.github.chatlog.format.MasterLine;

import java.util.List;

/**
 * The entry a master-log line describes, for JSON read back from the log ({@code chatlog tail --json}): the message
 * text apart from the trailing {@code key=value} tokens, which become key-values (and {@code session_id} the session),
 * so the line ships with the same fields as the event it was written from.
 */
public final class MasterLineEntries {

    private MasterLineEntries() {
    }

    public static LogEntry of(MasterLine line) {
        String message = line.message();
        List<KeyValue> tokens = KeyValueFormat.parse(message);
        // the key-values are the longest run of tokens that ends the message; text before it stays message
        List<KeyValue> kvs = List.of();
        String text = message;
        for (int first = 0; first < tokens.size(); first++) {
            List<KeyValue> run = tokens.subList(first, tokens.size());
            String suffix = joined(run);
            if (message.equals(suffix)) {
                kvs = run;
                text = "";
                break;
            }
            if (message.endsWith(" " + suffix)) {
                kvs = run;
                text = message.substring(0, message.length() - suffix.length() - 1);
                break;
            }
        }
        String session = null;
        for (KeyValue kv : kvs) {
            if (kv.key().equals(ShippingFields.SESSION_ID)) {
                session = kv.value();
                break;
            }
        }
        return LogEntry.builder()
                .kind(line.eventType().startsWith("error:") ? LogEntry.Kind.ERROR : LogEntry.Kind.EVENT)
                .timestamp(line.instant() == null ? 0 : line.instant().toEpochMilli())
                .eventType(line.eventType())
                .source(line.source())
                .message(text)
                .keyValues(List.copyOf(kvs))
                .sessionId(session)
                .build();
    }

    private static String joined(List<KeyValue> run) {
        StringBuilder sb = new StringBuilder();
        for (KeyValue kv : run) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            KeyValueFormat.appendToken(sb, kv.key(), kv.value());
        }
        return sb.toString();
    }
}
