package io.github.chatlog.logback.json;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import io.github.chatlog.logback.RedactedThrowableConverter;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashCommonFieldNames;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * A {@link LogstashEncoder} with the chatlog fields: the standard fields ({@code @timestamp}, {@code level},
 * {@code logger_name}, {@code thread_name}, {@code stack_trace}, ...) from logstash-logback-encoder, and
 * {@code message}, the key-values and the MDC from {@link ChatlogJsonProvider}, redacted and with no name twice.
 * The stack trace is redacted too, and context properties are off (they may hold settings, not data about the event).
 * {@code @timestamp} is logstash-logback-encoder's default (ISO-8601 with offset, to the nanosecond); a pattern of your
 * own ({@code timestampPattern}, {@code timeZone}) costs a formatting per event.
 *
 * <pre>{@code <encoder class="io.github.chatlog.logback.json.ChatlogJsonEncoder">
 *   <includeContent>false</includeContent>
 * </encoder>}</pre>
 *
 * Every other {@code LogstashEncoder} option applies, except the three this encoder keeps off: {@code includeMdc},
 * {@code includeKeyValuePairs} and the {@code message} field name.
 */
public class ChatlogJsonEncoder extends LogstashEncoder {

    private final ChatlogJsonProvider chatlog = new ChatlogJsonProvider();
    private boolean constructed;

    public ChatlogJsonEncoder() {
        super.setIncludeMdc(false);
        super.setIncludeKeyValuePairs(false);
        super.setIncludeContext(false);
        ignoreMessage(getFieldNames());
        super.setThrowableConverter(new RedactedThrowableConverter());
        addProvider(chatlog);
        constructed = true;
    }

    @Override
    public void start() {
        chatlog.setContext(getContext());
        // logstash-logback-encoder starts the converter without giving it a context; ours needs the context's redaction
        ThrowableHandlingConverter converter = getThrowableConverter();
        if (converter != null && converter.getContext() == null) {
            converter.setContext(getContext());
        }
        super.start();
    }

    /** Whether chat content is shipped; default {@value ChatlogJsonProvider#DEFAULT_INCLUDE_CONTENT}. */
    public void setIncludeContent(boolean includeContent) {
        chatlog.setIncludeContent(includeContent);
    }

    public boolean isIncludeContent() {
        return chatlog.isIncludeContent();
    }

    /** The MDC key of the session id; default {@value ChatlogJsonProvider#DEFAULT_SESSION_KEY}. */
    public void setSessionKey(String sessionKey) {
        chatlog.setSessionKey(sessionKey);
    }

    public String getSessionKey() {
        return chatlog.getSessionKey();
    }

    @Override
    public void setIncludeMdc(boolean includeMdc) {
        if (constructed && includeMdc) {
            addWarn("includeMdc stays false: the chatlog provider writes the MDC, redacted and without repeating a name");
        }
    }

    @Override
    public void setIncludeKeyValuePairs(boolean include) {
        if (constructed && include) {
            addWarn("includeKeyValuePairs stays false: the chatlog provider writes the key-values, redacted and typed");
        }
    }

    @Override
    public void setFieldNames(LogstashFieldNames fieldNames) {
        ignoreMessage(fieldNames);
        super.setFieldNames(fieldNames);
    }

    /** A throwable converter of your own is wrapped in nothing: it must redact, as {@link RedactedThrowableConverter} does. */
    @Override
    public void setThrowableConverter(ThrowableHandlingConverter throwableConverter) {
        super.setThrowableConverter(throwableConverter);
    }

    private static void ignoreMessage(LogstashFieldNames names) {
        names.setMessage(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    }
}
