package io.github.chatlog.event;

/**
 * What a session's footer reports.
 *
 * @param sessionId        the session
 * @param startMillis      time of its first entry
 * @param endMillis        time it ended
 * @param turns            exchanges: the larger of the user and the assistant message counts
 * @param tokens           output tokens of all entries that gave {@code tokens}
 * @param generationMillis latency of the entries that gave both {@code tokens} and {@code latency_ms}
 * @param generatedTokens  tokens of those entries, for the average speed
 */
public record SessionSummary(String sessionId, long startMillis, long endMillis, int turns, long tokens,
                             long generationMillis, long generatedTokens) {

    /** Tokens per second over the entries that gave both tokens and latency; negative when unknown. */
    public double averageSpeed() {
        return generationMillis > 0 ? generatedTokens / (generationMillis / 1000.0) : -1;
    }
}
