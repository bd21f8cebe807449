package io.github.chatlog.format;

import io.github.chatlog.event.KeyValue;

import java.time.Instant;
import java.util.List;

/**
 * One parsed line of the master log.
 *
 * @param raw       the line exactly as stored, without its line break
 * @param timestamp the 24-character UTC timestamp
 * @param eventType the {@code category:action} type
 * @param source    the source field
 * @param message   the message, unescaped: the original text exactly
 */
public record MasterLine(String raw, String timestamp, String eventType, String source, String message) {

    public Instant instant() {
        return UtcTimestamps.parse(timestamp);
    }

    /**
     * The {@code key=value} tokens of the message, read from the written field so that free text, however it looks
     * once unescaped, never contributes one (see {@link KeyValueFormat#parse}).
     */
    public List<KeyValue> keyValues() {
        return KeyValueFormat.parse(rawMessage());
    }

    /** The first value of {@code key} among the message's tokens, or null. */
    public String value(String key) {
        for (KeyValue kv : keyValues()) {
            if (kv.key().equals(key)) {
                return kv.value();
            }
        }
        return null;
    }

    /** {@code event_type source message} with the message still escaped, so the text stays one line. */
    public String text() {
        return eventType + ' ' + source + ' ' + rawMessage();
    }

    /** The message field as written: still escaped. */
    public String rawMessage() {
        return raw.substring(raw.indexOf('|', raw.indexOf('|', UtcTimestamps.LENGTH + 1) + 1) + 1);
    }
}
