package io.github.chatlog.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One entry, as every writer sees it: a master-log event, an error, or a conversation entry. The Logback adapter builds
 * it once from a logging event; the master-log, transcript, SQLite and JSON writers only consume it, so a transform
 * (redaction, say) applied to the entry reaches all of them alike.
 *
 * <p>Immutable; build with {@link #builder()} or derive with {@link #toBuilder()}.
 */
public final class LogEntry {

    /** What kind of record an entry is. */
    public enum Kind {
        /** A master-log event from the {@code event} logger family. */
        EVENT,
        /** An error: the {@code error} family, or any WARN+ event carrying a throwable. */
        ERROR,
        /** A conversation entry from the {@code chat} logger family. */
        CHAT
    }

    /** The role given to a chat entry that names none. */
    public static final String DEFAULT_ROLE = "note";
    /** The chat entry type given to an entry that names none. */
    public static final String DEFAULT_ENTRY_TYPE = "message";

    private final long timestamp;
    private final Kind kind;
    private final String eventType;
    private final String source;
    private final String message;
    private final List<KeyValue> keyValues;
    private final String sessionId;
    private final ErrorInfo error;
    private final String role;
    private final String entryType;
    private final String loggerName;
    private final String level;
    private final String threadName;

    private LogEntry(Builder b) {
        this.timestamp = b.timestamp;
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.eventType = Objects.requireNonNull(b.eventType, "eventType");
        this.source = Objects.requireNonNull(b.source, "source");
        this.message = b.message == null ? "" : b.message;
        // the builder hands its list over (and starts a new one if used again): no copy on the logging path
        this.keyValues = b.keyValues == null || b.keyValues.isEmpty() ? List.of() : Collections.unmodifiableList(b.keyValues);
        b.keyValues = null;
        this.sessionId = b.sessionId;
        this.error = b.error;
        this.role = b.role;
        this.entryType = b.entryType;
        this.loggerName = b.loggerName;
        this.level = b.level;
        this.threadName = b.threadName;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.timestamp = timestamp;
        b.kind = kind;
        b.eventType = eventType;
        b.source = source;
        b.message = message;
        if (!keyValues.isEmpty()) {
            b.keyValues = new ArrayList<>(keyValues);
        }
        b.sessionId = sessionId;
        b.error = error;
        b.role = role;
        b.entryType = entryType;
        b.loggerName = loggerName;
        b.level = level;
        b.threadName = threadName;
        return b;
    }

    /** Milliseconds since the epoch: the time the call site logged the entry. */
    public long timestamp() {
        return timestamp;
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code category:action} type, e.g. {@code llm:request}. */
    public String eventType() {
        return eventType;
    }

    /** Which part of the application the entry came from, e.g. {@code agent_service}. */
    public String source() {
        return source;
    }

    /** The formatted message text (for a chat entry: its content); never null. */
    public String message() {
        return message;
    }

    /** The entry's key-values in call order, without those consumed to derive type, source and role. */
    public List<KeyValue> keyValues() {
        return keyValues;
    }

    /** The first value of {@code key}, or null. */
    public String value(String key) {
        for (KeyValue kv : keyValues) {
            if (kv.key().equals(key)) {
                return kv.value();
            }
        }
        return null;
    }

    /** The conversation the entry belongs to, or null when none was in scope. */
    public String sessionId() {
        return sessionId;
    }

    /** The exception the entry carries, or null. */
    public ErrorInfo error() {
        return error;
    }

    /** For chat entries: {@code user}, {@code assistant}, {@code system}, {@code tool} or {@code note}. */
    public String role() {
        return role;
    }

    /** For chat entries: {@code message}, {@code tool_call}, {@code decision} or {@code error}. */
    public String entryType() {
        return entryType;
    }

    public String loggerName() {
        return loggerName;
    }

    public String level() {
        return level;
    }

    public String threadName() {
        return threadName;
    }

    @Override
    public String toString() {
        return "LogEntry[" + kind + " " + eventType + "|" + source + "|" + message + " " + keyValues + "]";
    }

    /** Builds a {@link LogEntry}; not thread-safe. */
    public static final class Builder {
        private long timestamp;
        private Kind kind = Kind.EVENT;
        private String eventType;
        private String source;
        private String message;
        private List<KeyValue> keyValues;
        private String sessionId;
        private ErrorInfo error;
        private String role;
        private String entryType;
        private String loggerName;
        private String level;
        private String threadName;

        private Builder() {
        }

        public Builder timestamp(long epochMillis) {
            this.timestamp = epochMillis;
            return this;
        }

        public Builder kind(Kind kind) {
            this.kind = kind;
            return this;
        }

        public Builder eventType(String eventType) {
            this.eventType = eventType;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        public Builder keyValue(String key, String value) {
            if (!(keyValues instanceof ArrayList)) {
                keyValues = keyValues == null ? new ArrayList<>(4) : new ArrayList<>(keyValues);
            }
            keyValues.add(new KeyValue(key, value));
            return this;
        }

        /** Takes {@code kvs} over: the caller must not change it afterwards. */
        public Builder keyValues(List<KeyValue> kvs) {
            keyValues = kvs;
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder error(ErrorInfo error) {
            this.error = error;
            return this;
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder entryType(String entryType) {
            this.entryType = entryType;
            return this;
        }

        public Builder loggerName(String loggerName) {
            this.loggerName = loggerName;
            return this;
        }

        public Builder level(String level) {
            this.level = level;
            return this;
        }

        public Builder threadName(String threadName) {
            this.threadName = threadName;
            return this;
        }

        public LogEntry build() {
            return new LogEntry(this);
        }
    }
}
