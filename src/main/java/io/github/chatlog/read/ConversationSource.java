package io.github.chatlog.read;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where the reading commands find conversations: the transcript files of a log directory ({@link TranscriptDirectory})
 * or a store ({@link StoredLog}), read the same way.
 */
public interface ConversationSource {

    /** Hands every conversation over one at a time. */
    void forEach(Consumer<TranscriptDirectory.Transcript> action);

    /** Every conversation of {@code sessionId}, oldest first; empty when there is none. */
    List<TranscriptDirectory.Transcript> conversations(String sessionId);

    /** The {@code sessions} listing: one row per conversation whose last entry is at or after {@code since}. */
    List<SessionSummaryRow> sessions(long since);
}
