package io.github.chatlog.logback.json;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.DeferredProcessingAware;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.json.Jackson2FieldSink;
import io.github.chatlog.json.Jackson3FieldSink;
import io.github.chatlog.json.JsonFieldSink;
import io.github.chatlog.json.ShippingDocument;
import io.github.chatlog.json.ShippingFields;
import io.github.chatlog.logback.EntryMapper;
import io.github.chatlog.logback.EntryPipeline;
import io.github.chatlog.logback.SupportedVersions;
import net.logstash.logback.composite.AbstractJsonProvider;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chatlog fields of SPEC §9 for logstash-logback-encoder: add it to a {@code LoggingEventCompositeJsonEncoder}'s
 * {@code <providers>} or to a {@code LogstashEncoder} (or use {@link ChatlogJsonEncoder}, which sets that up).
 * Every field comes from the one redacted entry the chatlog files are written from ({@link EntryPipeline}); for an
 * ordinary application event it writes the redacted message. Then the redacted MDC, each key only when no field of
 * the same name was written: one name, one field.
 *
 * <p>Because this provider writes {@code message}, the key-values and the MDC itself, the encoder's own providers for
 * them must be off (the raw message and MDC are unredacted, and would repeat names): in a {@code LogstashEncoder},
 * {@code <includeMdc>false</includeMdc>}, {@code <includeKeyValuePairs>false</includeKeyValuePairs>} and
 * {@code <fieldNames><message>[ignore]</message></fieldNames>}.
 *
 * <p>Works with logstash-logback-encoder 9.x (Jackson 3) and 8.x (Jackson 2): each line calls its own
 * {@code writeTo}.
 */
public class ChatlogJsonProvider extends AbstractJsonProvider<ILoggingEvent> {

    /** Chat content is not shipped unless asked for: {@value}. */
    public static final boolean DEFAULT_INCLUDE_CONTENT = false;
    /** The MDC key of the session id: {@value}. */
    public static final String DEFAULT_SESSION_KEY = EntryMapper.DEFAULT_SESSION_KEY;
    /** The fields {@code LogstashEncoder}'s own providers write, which a key-value or MDC entry must not repeat: {@value}. */
    public static final String DEFAULT_RESERVED_FIELD_NAMES = "@timestamp,@version,logger_name,thread_name,level,"
            + "level_value,stack_trace,tags,caller_class_name,caller_method_name,caller_file_name,caller_line_number";

    private boolean includeContent = DEFAULT_INCLUDE_CONTENT;
    private String sessionKey = DEFAULT_SESSION_KEY;
    private Set<String> reserved = names(DEFAULT_RESERVED_FIELD_NAMES);
    private EntryPipeline pipeline;

    @Override
    public void start() {
        if (!SupportedVersions.check(this, "chatlog JSON")) {
            return; // below the supported Logback: the documents leave out the chatlog fields
        }
        pipeline = EntryPipeline.of(getContext());
        super.start();
    }

    /** logstash-logback-encoder 9.x (Jackson 3). */
    @Override
    public void writeTo(tools.jackson.core.JsonGenerator generator, ILoggingEvent event) {
        try {
            write(new Jackson3FieldSink(generator), event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not thrown: the Jackson 3 sink has no checked exceptions
        }
    }

    /** logstash-logback-encoder 8.x (Jackson 2): the same fields, through a Jackson 2 generator. */
    public void writeTo(com.fasterxml.jackson.core.JsonGenerator generator, DeferredProcessingAware event) throws IOException {
        write(new Jackson2FieldSink(generator), (ILoggingEvent) event);
    }

    private void write(JsonFieldSink sink, ILoggingEvent event) throws IOException {
        if (pipeline == null) {
            return; // not started
        }
        ShippingDocument doc = new ShippingDocument(sink, reserved);
        LogEntry entry = pipeline.entry(event, sessionKey);
        if (entry != null) {
            ShippingFields.write(entry, includeContent, doc);
        } else {
            writeOrdinary(event, doc);
        }
        writeMdc(event, doc);
    }

    /** An application event no chatlog output records: its message, session and key-values, redacted alike. */
    private void writeOrdinary(ILoggingEvent event, ShippingDocument doc) throws IOException {
        List<KeyValue> kvs = new ArrayList<>();
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                if (pair != null && pair.key != null) {
                    kvs.add(new KeyValue(pair.key, text(pair.value)));
                }
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        String message = event.getFormattedMessage();
        LogEntry plain = pipeline.redactor().apply(LogEntry.builder()
                .eventType("log").source("app")
                .message(message == null ? "" : message)
                .keyValues(kvs)
                .sessionId(mdc == null ? null : mdc.get(sessionKey))
                .build());
        doc.string(ShippingFields.MESSAGE, plain.message());
        doc.string(ShippingFields.SESSION_ID, plain.sessionId());
        for (KeyValue kv : plain.keyValues()) {
            doc.keyValue(kv.key(), kv.value());
        }
    }

    /** The MDC entries whose names are still free, redacted like key-values (a secret key name masks the whole value). */
    private void writeMdc(ILoggingEvent event, ShippingDocument doc) throws IOException {
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc == null || mdc.isEmpty()) {
            return;
        }
        List<KeyValue> free = null;
        for (Map.Entry<String, String> e : mdc.entrySet()) {
            String key = e.getKey();
            if (key == null || e.getValue() == null || key.equals(sessionKey) || doc.has(key)) {
                continue;
            }
            if (free == null) {
                free = new ArrayList<>(mdc.size());
            }
            free.add(new KeyValue(key, e.getValue()));
        }
        if (free == null) {
            return;
        }
        LogEntry redacted = pipeline.redactor().apply(LogEntry.builder().eventType("mdc").source("mdc").keyValues(free).build());
        for (KeyValue kv : redacted.keyValues()) {
            doc.string(kv.key(), kv.value());
        }
    }

    private static String text(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException | StackOverflowError e) {
            return "<toString() threw " + e.getClass().getSimpleName() + ">";
        }
    }

    private static Set<String> names(String list) {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return Set.copyOf(out);
    }

    public boolean isIncludeContent() {
        return includeContent;
    }

    /** Whether chat content (messages, tool arguments and results, rationales) is shipped; default {@value #DEFAULT_INCLUDE_CONTENT}. */
    public void setIncludeContent(boolean includeContent) {
        this.includeContent = includeContent;
    }

    public String getSessionKey() {
        return sessionKey;
    }

    /** The MDC key of the session id, as the chatlog appenders have it; default {@value #DEFAULT_SESSION_KEY}. */
    public void setSessionKey(String sessionKey) {
        if (sessionKey == null || sessionKey.isBlank()) {
            addError("sessionKey must not be empty; keeping '" + this.sessionKey + "'");
            return;
        }
        this.sessionKey = sessionKey.trim();
    }

    public String getReservedFieldNames() {
        return String.join(",", reserved);
    }

    /**
     * The names the encoder's other providers write, comma-separated; a key-value of such a name is written as
     * {@code kv.<name>}, an MDC entry of such a name not at all. Default {@value #DEFAULT_RESERVED_FIELD_NAMES}.
     */
    public void setReservedFieldNames(String names) {
        this.reserved = names(names == null ? "" : names);
    }
}
