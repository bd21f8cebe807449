package io.github.chatlog.logback;

/** The logger families logback-chatlog routes by: {@code chat}, {@code event}, {@code error} and their children. */
public enum LoggerFamily {
    CHAT("chat"),
    EVENT("event"),
    ERROR("error"),
    /** Any other logger: ordinary application logging. */
    OTHER("");

    private static final LoggerFamily[] ROUTED = {CHAT, EVENT, ERROR};

    private final String root;

    LoggerFamily(String root) {
        this.root = root;
    }

    /** The family's root logger name, e.g. {@code event}; empty for {@link #OTHER}. */
    public String root() {
        return root;
    }

    public static LoggerFamily of(String loggerName) {
        if (loggerName == null || loggerName.length() < 4) {
            return OTHER;
        }
        for (LoggerFamily f : ROUTED) {
            if (f.isRootOf(loggerName)) {
                return f;
            }
        }
        return OTHER;
    }

    /** The part after {@code root.}, e.g. {@code agent_service} for {@code event.agent_service}; null if none. */
    public String child(String loggerName) {
        return this != OTHER && loggerName.length() > root.length() + 1 ? loggerName.substring(root.length() + 1) : null;
    }

    private boolean isRootOf(String name) {
        return name.startsWith(root) && (name.length() == root.length() || name.charAt(root.length()) == '.');
    }
}
