package io.github.chatlog.read;

import java.nio.file.Path;

/**
 * One conversation as the {@code sessions} listing shows it.
 *
 * @param sessionId the session
 * @param started   time of its first entry (epoch millis)
 * @param ended     when it ended (footer or {@code conversation:end}); -1 while it has not
 * @param turns     the larger of its user and assistant message counts
 * @param tokens    output tokens of its entries
 * @param errors    its error entries
 * @param file      its transcript (the live part)
 * @param conversation  which of the session id's conversations this is, 1 for the oldest (an id may be used for
 *                      several conversations, each with its own file)
 * @param conversations how many conversations the session id has
 */
public record SessionSummaryRow(String sessionId, long started, long ended, int turns, long tokens, int errors,
                                Path file, int conversation, int conversations) {
}
