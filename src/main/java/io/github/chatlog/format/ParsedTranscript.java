package io.github.chatlog.format;

import io.github.chatlog.event.LogEntry;

import java.util.List;

/**
 * A transcript read back by its {@link TranscriptFormat}.
 *
 * @param sessionId       the session the file belongs to: from its header, else the fallback (the file name's)
 * @param entries         its entries, oldest first
 * @param footerEndMillis when the last footer says the session ended; -1 when there is none
 */
public record ParsedTranscript(String sessionId, List<LogEntry> entries, long footerEndMillis) {
}
