package io.github.chatlog.event;

import java.util.Set;

/**
 * The {@code conversation:turn} event a chat entry adds to the master log when per-turn events are on: the session,
 * role, entry type, length of the content in characters and the entry's metadata, never the content itself (nor tool
 * arguments, tool results or rationales, which are content too).
 */
public final class ConversationTurns {

    /** Environment variable or system property that turns per-turn events on: {@code 1} or {@code true}. */
    public static final String ENABLE_PROPERTY = "LOG_CONVERSATION_TURNS";

    /** Keys whose values are conversation content and so never reach the master log. */
    public static final Set<String> CONTENT_KEYS = Set.of("content", "args", "arguments", "result", "rationale", "text");

    private ConversationTurns() {
    }

    /** Whether {@link #ENABLE_PROPERTY} is set to a true value in the system properties or the environment. */
    public static boolean enabledByEnvironment() {
        String v = System.getProperty(ENABLE_PROPERTY);
        if (v == null) {
            v = System.getenv(ENABLE_PROPERTY);
        }
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true") || v.trim().equalsIgnoreCase("yes"));
    }

    /** The turn event of a chat entry. */
    public static LogEntry of(LogEntry chat) {
        LogEntry.Builder b = LogEntry.builder()
                .kind(LogEntry.Kind.EVENT)
                .timestamp(chat.timestamp())
                .eventType(EventTypes.CONVERSATION_TURN)
                .source(chat.source())
                .message("")
                .loggerName(chat.loggerName())
                .level(chat.level())
                .threadName(chat.threadName())
                .sessionId(chat.sessionId());
        if (chat.value("session_id") == null && chat.sessionId() != null) {
            b.keyValue("session_id", chat.sessionId());
        }
        b.keyValue("role", chat.role() == null ? LogEntry.DEFAULT_ROLE : chat.role());
        if (chat.entryType() != null && !LogEntry.DEFAULT_ENTRY_TYPE.equals(chat.entryType())) {
            b.keyValue("type", chat.entryType());
        }
        b.keyValue("chars", Integer.toString(chat.message().codePointCount(0, chat.message().length())));
        for (KeyValue kv : chat.keyValues()) {
            if (!CONTENT_KEYS.contains(kv.key())) {
                b.keyValue(kv.key(), kv.value());
            }
        }
        return b.build();
    }
}
