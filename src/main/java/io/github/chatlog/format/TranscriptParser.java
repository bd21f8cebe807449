package io.github.chatlog.format;

import io.github.chatlog.event.LogEntry;

import java.time.ZoneId;
import java.util.List;

/**
 * Reads a transcript file of any of the three formats, detecting which from its content, with that format's own
 * {@link TranscriptFormat#read}: a text transcript starts with its header, a jsonl one with <code>&#123;</code>, anything else
 * is plain.
 */
public final class TranscriptParser {

    private TranscriptParser() {
    }

    /**
     * Reads a whole transcript.
     *
     * @param text          the file's content
     * @param fallbackId    the session id when the content does not name one (plain format): from the file name
     * @param fallbackStart the time for entries without one (plain format)
     * @param zone          the zone text transcripts were written in
     */
    public static ParsedTranscript read(String text, String fallbackId, long fallbackStart, ZoneId zone) {
        return formatOf(text, zone).read(text, fallbackId, fallbackStart);
    }

    /** The entries of a whole transcript; see {@link #read}. */
    public static List<LogEntry> parse(String text, String fallbackId, long fallbackStart, ZoneId zone) {
        return read(text, fallbackId, fallbackStart, zone).entries();
    }

    /** The format that wrote {@code text}. */
    static TranscriptFormat formatOf(String text, ZoneId zone) {
        String trimmed = text.stripLeading();
        if (trimmed.startsWith(TextTranscriptLines.HEADER)) {
            return new TextTranscriptFormat(zone);
        }
        if (trimmed.startsWith("{")) {
            return new JsonlTranscriptFormat(zone);
        }
        return new PlainTranscriptFormat();
    }
}
