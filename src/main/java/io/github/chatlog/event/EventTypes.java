package io.github.chatlog.event;

/**
 * The event taxonomy of the master log: every {@code category:action} type that logback-chatlog itself writes or that
 * SPEC §2 names for applications. Applications may use any other {@code category:action} type as well.
 */
public final class EventTypes {

    public static final String APP_START = "app:start";
    public static final String APP_SHUTDOWN = "app:shutdown";

    public static final String SESSION_CREATE = "session:create";
    public static final String SESSION_END = "session:end";

    public static final String CONVERSATION_START = "conversation:start";
    public static final String CONVERSATION_TURN = "conversation:turn";
    public static final String CONVERSATION_END = "conversation:end";

    public static final String LLM_REQUEST = "llm:request";
    public static final String LLM_RESPONSE = "llm:response";
    public static final String LLM_ERROR = "llm:error";
    public static final String LLM_FALLBACK = "llm:fallback";

    public static final String STATE_READ = "state:read";
    public static final String STATE_WRITE = "state:write";
    public static final String STATE_BOOTSTRAP = "state:bootstrap";

    public static final String RELEVANCE_SCORE = "relevance:score";
    public static final String RELEVANCE_CACHE_HIT = "relevance:cache_hit";

    public static final String ERROR_RUNTIME = "error:runtime";
    public static final String ERROR_VALIDATION = "error:validation";
    public static final String ERROR_IO = "error:io";

    public static final String SYSTEM_MEMORY = "system:memory";
    public static final String SYSTEM_DISK = "system:disk";
    public static final String SYSTEM_LOG_ROTATED = "system:log_rotated";

    public static final String WEBSOCKET_CONNECT = "websocket:connect";
    public static final String WEBSOCKET_DISCONNECT = "websocket:disconnect";

    /** The category every error type shares: {@code error:*}. */
    public static final String ERROR_CATEGORY = "error";

    private EventTypes() {
    }

    /**
     * Whether {@code word} has the form {@code category:action}: a category starting with a letter, then letters, digits,
     * {@code _ . -}; a colon; an action of letters, digits and {@code _ . -}. So {@code llm:request} is a type while
     * {@code Note:}, {@code 12:30} and {@code http://host} are not.
     */
    public static boolean isEventType(CharSequence word) {
        return isEventType(word, 0, word.length());
    }

    /** {@link #isEventType(CharSequence)} for {@code text[from, to)}, without copying it out. */
    public static boolean isEventType(CharSequence text, int from, int to) {
        int n = to - from;
        if (n < 3 || !isAsciiLetter(text.charAt(from))) {
            return false;
        }
        CharSequence word = text;
        int colon = -1;
        for (int i = from + 1; i < to; i++) {
            char c = word.charAt(i);
            if (c == ':') {
                if (colon >= 0) {
                    return false;
                }
                colon = i;
            } else if (!isTypeChar(c)) {
                return false;
            }
        }
        return colon > from && colon < to - 1;
    }

    /** Whether the type is in the {@code error:*} category. */
    public static boolean isErrorType(String type) {
        return type != null && type.startsWith(ERROR_CATEGORY + ":") && type.length() > ERROR_CATEGORY.length() + 1;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTypeChar(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }
}
