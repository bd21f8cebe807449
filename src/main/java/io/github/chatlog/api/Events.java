package io.github.chatlog.api;

import io.github.chatlog.logback.LoggerFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * A fluent facade over plain SLF4J for master-log events; optional, since {@code LoggerFactory.getLogger("event")}
 * works the same:
 *
 * <pre>{@code
 * Events.event("llm:request").source("agent").with("model", "llama3.2").with("tokens_in", 512).log();
 * }</pre>
 *
 * logs to the logger {@code event.agent} with the key-value {@code event_type=llm:request} and the others in order.
 */
public final class Events {

    private Events() {
    }

    /** Starts an event of {@code type} ({@code category:action}, see {@link io.github.chatlog.event.EventTypes}). */
    public static EventBuilder event(String type) {
        return new EventBuilder(type);
    }

    /** One event under construction; not thread-safe, meant to be built and logged in one expression. */
    public static final class EventBuilder {
        private final String type;
        private String source;
        private String message = "";
        private Level level = Level.INFO;
        private Throwable error;
        private final List<Object[]> values = new ArrayList<>(4);

        private EventBuilder(String type) {
            this.type = type;
        }

        /** The source; it names the logger {@code event.<source>}, so levels can be set per source. */
        public EventBuilder source(String source) {
            this.source = source;
            return this;
        }

        /** Free text that goes before the key-values. */
        public EventBuilder message(String message) {
            this.message = message == null ? "" : message;
            return this;
        }

        /** Adds a key-value, kept in call order. */
        public EventBuilder with(String key, Object value) {
            values.add(new Object[]{key, value});
            return this;
        }

        public EventBuilder level(Level level) {
            this.level = level;
            return this;
        }

        /** Attaches an exception; the event is then logged at ERROR unless a level was set above INFO. */
        public EventBuilder error(Throwable error) {
            this.error = error;
            if (level.toInt() < Level.WARN.toInt()) {
                level = Level.ERROR;
            }
            return this;
        }

        public void log() {
            String root = LoggerFamily.EVENT.root();
            Logger logger = LoggerFactory.getLogger(source == null || source.isEmpty() ? root : root + "." + source);
            LoggingEventBuilder b = logger.atLevel(level).addKeyValue("event_type", type);
            for (Object[] kv : values) {
                b = b.addKeyValue((String) kv[0], kv[1]);
            }
            if (error != null) {
                b = b.setCause(error);
            }
            b.log(message);
        }
    }
}
