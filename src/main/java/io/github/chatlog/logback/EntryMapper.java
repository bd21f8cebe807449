package io.github.chatlog.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a Logback event into the one {@link LogEntry} every writer consumes, by the rules of SPEC §2:
 * <ul>
 *   <li>type: key-value {@code event_type}; a {@code category:action} marker; the message's first word when it has that
 *       form (then removed from the message); else {@code log:<level>}. An error's type is that named type when it is
 *       {@code error:*}, else {@code error:runtime}; a named type that is not used stays where it was;</li>
 *   <li>source: key-value {@code source}; the logger name after {@code event.}/{@code error.}; the logger's simple name;</li>
 *   <li>session: key-value {@code session_id}, else the MDC value under {@code sessionKey};</li>
 *   <li>chat role: key-value {@code role}; a {@code USER/ASSISTANT/SYSTEM/TOOL} marker; MDC {@code role}; else
 *       {@code note}. Chat entry type: {@code error} with a throwable or at ERROR, else key-value {@code type}, else
 *       {@code message}.</li>
 * </ul>
 * Key-values and MDC values are untrusted text: a {@code toString()} that throws is recorded, never propagated.
 */
public final class EntryMapper {

    /** Default MDC key of the session id. */
    public static final String DEFAULT_SESSION_KEY = "session_id";

    static final String KEY_EVENT_TYPE = "event_type";
    static final String KEY_SOURCE = "source";
    static final String KEY_ROLE = "role";
    static final String KEY_TYPE = "type";
    static final String KEY_SESSION = "session_id";

    private static final int MAX_CACHED_SOURCES = 4096;

    private final String sessionKey;
    private final java.util.concurrent.ConcurrentHashMap<String, String> sources = new java.util.concurrent.ConcurrentHashMap<>();

    public EntryMapper(String sessionKey) {
        this.sessionKey = sessionKey;
    }

    /** Whether a Logback event carries an exception at WARN or above: the events the master log records from any logger. */
    public static boolean isCapturedError(ILoggingEvent event) {
        return event.getThrowableProxy() != null && event.getLevel().isGreaterOrEqual(Level.WARN);
    }

    /**
     * Maps {@code event}. Returns null for an ordinary application event ({@link LoggerFamily#OTHER}) that carries no
     * exception at WARN or above.
     */
    public LogEntry map(ILoggingEvent event) {
        String loggerName = event.getLoggerName();
        LoggerFamily family = LoggerFamily.of(loggerName);
        boolean captured = isCapturedError(event);
        LogEntry.Kind kind = switch (family) {
            case CHAT -> LogEntry.Kind.CHAT;
            case ERROR -> LogEntry.Kind.ERROR;
            case EVENT -> captured ? LogEntry.Kind.ERROR : LogEntry.Kind.EVENT;
            case OTHER -> captured ? LogEntry.Kind.ERROR : null;
        };
        if (kind == null) {
            return null;
        }
        LogEntry.Builder b = LogEntry.builder()
                .kind(kind)
                .timestamp(event.getTimeStamp())
                .loggerName(loggerName)
                .level(event.getLevel().toString())
                .threadName(event.getThreadName());
        IThrowableProxy tp = event.getThrowableProxy();
        if (tp != null) {
            b.error(new ErrorInfo(tp.getClassName(), tp.getMessage()));
        }

        String kvType = null;
        int kvTypeIndex = -1;
        String kvSource = null;
        String kvRole = null;
        String kvEntryType = null;
        String kvSession = null;
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        List<KeyValue> kvs = pairs == null || pairs.isEmpty() ? null : new ArrayList<>(pairs.size());
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                if (pair == null || pair.key == null) {
                    continue;
                }
                String key = pair.key;
                String value = text(pair.value);
                if (KEY_EVENT_TYPE.equals(key) && kvType == null) {
                    kvType = value;
                    kvTypeIndex = kvs.size();
                    continue;
                } else if (KEY_SOURCE.equals(key) && kvSource == null) {
                    kvSource = value;
                    continue;
                } else if (kind == LogEntry.Kind.CHAT && KEY_ROLE.equals(key) && kvRole == null) {
                    kvRole = value;
                    continue;
                } else if (kind == LogEntry.Kind.CHAT && KEY_TYPE.equals(key) && kvEntryType == null) {
                    kvEntryType = value;
                    continue;
                }
                if (KEY_SESSION.equals(key) && kvSession == null) {
                    kvSession = value;
                }
                kvs.add(new KeyValue(key, value));
            }
        }

        String message = event.getFormattedMessage();
        if (message == null) {
            message = "";
        }
        MarkerFacts markers = MarkerFacts.of(event.getMarkerList());

        // the type: the first named one, or the first word of an event's message
        String named = kvType != null ? kvType : markers.eventType;
        String firstWord = null;
        if (named == null && kind != LogEntry.Kind.CHAT) {
            firstWord = firstWord(message);
            named = firstWord;
        }
        String type;
        if (kind == LogEntry.Kind.EVENT) {
            type = named != null ? named : "log:" + event.getLevel().toString().toLowerCase(Locale.ROOT);
        } else if (kind == LogEntry.Kind.CHAT && tp == null) {
            type = EventTypes.CONVERSATION_TURN;
        } else {
            type = EventTypes.isErrorType(named) ? named : EventTypes.ERROR_RUNTIME;
        }
        boolean namedUsed = named != null && named.equals(type);
        if (firstWord != null && namedUsed) {
            message = stripFirstWord(message);
        } else if (kvType != null && !namedUsed) {
            // keep the call site's event_type where it stood, rather than lose it
            kvs.add(kvTypeIndex, new KeyValue(KEY_EVENT_TYPE, kvType));
        }
        b.eventType(type).message(message);
        if (kvs != null) {
            b.keyValues(kvs);
        }

        b.source(kvSource != null ? kvSource : sourceOf(loggerName, family));

        Map<String, String> mdc = event.getMDCPropertyMap();
        b.sessionId(kvSession != null ? kvSession : mdc == null ? null : mdc.get(sessionKey));

        if (kind == LogEntry.Kind.CHAT) {
            String role = kvRole != null ? kvRole : markers.role != null ? markers.role : mdc == null ? null : mdc.get(KEY_ROLE);
            b.role(role == null || role.isBlank() ? LogEntry.DEFAULT_ROLE : role.trim().toLowerCase(Locale.ROOT));
            boolean isError = tp != null || event.getLevel().isGreaterOrEqual(Level.ERROR);
            b.entryType(isError ? "error" : kvEntryType == null || kvEntryType.isBlank() ? LogEntry.DEFAULT_ENTRY_TYPE
                    : kvEntryType.trim().toLowerCase(Locale.ROOT));
        }
        return b.build();
    }

    /**
     * The source a logger name gives: the part after {@code event.}/{@code error.}, else the simple name. Logger names
     * are few, so each is worked out once (a small bounded cache; past its size names are worked out every time).
     */
    private String sourceOf(String loggerName, LoggerFamily family) {
        String cached = sources.get(loggerName);
        if (cached != null) {
            return cached;
        }
        String child = family.child(loggerName);
        String source = (family == LoggerFamily.EVENT || family == LoggerFamily.ERROR) && child != null ? child
                : simpleName(loggerName);
        if (sources.size() < MAX_CACHED_SOURCES) {
            sources.put(loggerName, source);
        }
        return source;
    }

    /** The message's first word when it has the {@code category:action} form, else null. */
    static String firstWord(String message) {
        int end = message.indexOf(' ');
        if (end < 0) {
            end = message.length();
        }
        return EventTypes.isEventType(message, 0, end) ? message.substring(0, end) : null;
    }

    private static String stripFirstWord(String message) {
        int end = message.indexOf(' ');
        if (end < 0) {
            return "";
        }
        while (end < message.length() && message.charAt(end) == ' ') {
            end++;
        }
        return message.substring(end);
    }

    static String simpleName(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "app";
        }
        int dot = loggerName.lastIndexOf('.');
        return dot >= 0 && dot < loggerName.length() - 1 ? loggerName.substring(dot + 1) : loggerName;
    }

    /** The value as text; a {@code toString()} that throws is recorded instead of escaping into the caller. */
    static String text(Object value) {
        if (value == null) {
            return "null";
        }
        try {
            return String.valueOf(value);
        } catch (RuntimeException | StackOverflowError e) {
            return "<toString() threw " + e.getClass().getSimpleName() + ">";
        }
    }

    /** What the markers of an event say: the first {@code category:action} name, and the first role marker. */
    private static final class MarkerFacts {
        static final MarkerFacts NONE = new MarkerFacts();
        String eventType;
        String role;

        static MarkerFacts of(List<Marker> markers) {
            if (markers == null || markers.isEmpty()) {
                return NONE;
            }
            MarkerFacts facts = new MarkerFacts();
            for (Marker m : markers) {
                facts.visit(m, 0);
            }
            return facts;
        }

        private void visit(Marker m, int depth) {
            if (m == null || depth > 8) {
                return;
            }
            String name = m.getName();
            if (eventType == null && EventTypes.isEventType(name)) {
                eventType = name;
            }
            if (role == null) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.equals("user") || lower.equals("assistant") || lower.equals("system") || lower.equals("tool")) {
                    role = lower;
                }
            }
            if (m.hasReferences()) {
                for (Iterator<Marker> it = m.iterator(); it.hasNext(); ) {
                    visit(it.next(), depth + 1);
                }
            }
        }
    }
}
