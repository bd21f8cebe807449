package io.github.chatlog.event;

/**
 * Which entries become master-log events, and as what: events and errors as they are; a chat entry carrying an
 * exception at WARN or above as an error; other chat entries as {@code conversation:turn} events when per-turn events
 * are on, else nothing. The master-log file and the SQLite store both ask this, so they hold the same events.
 */
public final class MasterEvents {

    private MasterEvents() {
    }

    /** Whether the entry carries an exception at WARN or above. */
    public static boolean isCapturedError(LogEntry e) {
        return e.error() != null && ("WARN".equals(e.level()) || "ERROR".equals(e.level()));
    }

    /**
     * The master-log event for {@code entry}, or null when it writes none.
     *
     * @param turns         per-turn events are on
     * @param captureErrors errors from loggers outside the chatlog families are recorded
     * @param fromFamily    an error came from the {@code chat}, {@code event} or {@code error} family (asked only for
     *                      errors)
     */
    public static LogEntry select(LogEntry entry, boolean turns, boolean captureErrors, boolean fromFamily) {
        return switch (entry.kind()) {
            case EVENT -> entry;
            case ERROR -> captureErrors || fromFamily ? entry : null;
            case CHAT -> isCapturedError(entry) ? entry.toBuilder().kind(LogEntry.Kind.ERROR).build()
                    : turns ? ConversationTurns.of(entry) : null;
        };
    }
}
