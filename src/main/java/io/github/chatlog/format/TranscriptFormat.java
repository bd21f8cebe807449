package io.github.chatlog.format;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;

import java.time.ZoneId;
import java.util.Locale;

/**
 * How a session transcript is written: {@code text} (for people, SPEC §4 byte for byte), {@code jsonl} (one JSON
 * object per entry, for machines) or {@code plain} (one line per entry). Each format writes and reads itself, so the
 * two directions cannot drift apart. Implementations are stateless and thread-safe.
 */
public interface TranscriptFormat {

    /** The name used in configuration. */
    String name();

    /** What a new transcript file starts with; nothing by default. */
    default String header(String sessionId, long startMillis) {
        return "";
    }

    /** One chat entry. */
    String entry(LogEntry entry);

    /** What ends a session; nothing by default. */
    default String footer(SessionSummary summary) {
        return "";
    }

    /**
     * Reads a whole transcript this format wrote back into entries. An unfinished last entry is left out, so a
     * transcript can be read while it is written.
     *
     * @param text          the file's content
     * @param fallbackId    the session id when the content does not name one: from the file name
     * @param fallbackStart the time for entries written without one (plain format)
     */
    ParsedTranscript read(String text, String fallbackId, long fallbackStart);

    /** The format named {@code text}, {@code jsonl} or {@code plain}; null for any other name. */
    static TranscriptFormat named(String name, ZoneId zone) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case TextTranscriptFormat.NAME -> new TextTranscriptFormat(zone);
            case JsonlTranscriptFormat.NAME -> new JsonlTranscriptFormat(zone);
            case PlainTranscriptFormat.NAME -> new PlainTranscriptFormat();
            default -> null;
        };
    }
}
