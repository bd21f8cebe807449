package io.github.chatlog.event;

import java.util.Objects;

/** One key-value pair of an entry, in the order the call site gave it. The value is already text. */
public record KeyValue(String key, String value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
