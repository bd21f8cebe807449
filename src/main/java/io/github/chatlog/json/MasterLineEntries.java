package io.github.chatlog.json;

import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.KeyValueFormat;
import io.github.chatlog.format.LineEscaper;
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
        // the key-values are the tokens the format reads from the written field; free text before them stays message
        String raw = line.rawMessage();
        int start = KeyValueFormat.firstTokenStart(raw);
        List<KeyValue> kvs = line.keyValues();
        boolean error = line.eventType().startsWith("error:");
        String text = start < 0 || error ? line.message() // an error keeps "context - Name: message" whole
                : LineEscaper.unescape(raw.substring(0, Math.max(0, start - 1)));
        String session = null;
        for (KeyValue kv : kvs) {
            if (kv.key().equals(ShippingFields.SESSION_ID)) {
                session = kv.value();
                break;
            }
        }
        return LogEntry.builder()
                .kind(error ? LogEntry.Kind.ERROR : LogEntry.Kind.EVENT)
                .timestamp(line.instant() == null ? 0 : line.instant().toEpochMilli())
                .eventType(line.eventType())
                .source(line.source())
                .message(text)
                .keyValues(List.copyOf(kvs))
                .sessionId(session)
                .build();
    }
}
