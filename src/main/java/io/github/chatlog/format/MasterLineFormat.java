package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;

import java.util.List;

/**
 * The master-log line, both directions: {@code {timestamp}|{event_type}|{source}|{message}}.
 *
 * <p>The message is the entry's text, then its key-values as {@code key=value} tokens in call order (the session id
 * first, unless the entry carries {@code session_id} itself), then, for an error, {@code " - SimpleName: message"}.
 * That message is escaped by {@link LineEscaper}, so one entry is always one line and {@link #parse} gives back the
 * original text exactly; free text is written so that it never reads as a key-value token ({@link KeyValueFormat}), so
 * {@link MasterLine#keyValues()} holds exactly the entry's key-values and session. Readers split on the first three pipes; a pipe inside the message stays as it is.
 */
public final class MasterLineFormat {

    /** The key under which the session id is written. */
    public static final String SESSION_KEY = "session_id";

    private static final ThreadLocal<StringBuilder> SCRATCH = ThreadLocal.withInitial(() -> new StringBuilder(256));

    private MasterLineFormat() {
    }

    /** The whole line for {@code entry}, with its trailing {@code \n}. */
    public static String format(LogEntry entry) {
        StringBuilder out = new StringBuilder(128);
        appendLine(out, entry);
        return out.toString();
    }

    /** Appends the whole line for {@code entry}, with its trailing {@code \n}. */
    public static void appendLine(StringBuilder out, LogEntry entry) {
        UtcTimestamps.append(out, entry.timestamp());
        out.append('|');
        FieldSanitizer.appendSanitized(out, entry.eventType());
        out.append('|');
        FieldSanitizer.appendSanitized(out, entry.source());
        out.append('|');
        appendEscapedMessage(out, entry);
        out.append('\n');
    }

    /**
     * The message field of {@code entry}, unescaped: what {@link MasterLine#message()} reads back. Built by the code
     * that writes the line, then unescaped, so the two cannot drift apart.
     */
    public static String message(LogEntry entry) {
        StringBuilder escaped = new StringBuilder(64);
        appendEscapedMessage(escaped, entry);
        return LineEscaper.unescape(escaped);
    }

    /**
     * The message: the entry's text, its key-values as {@code key=value} tokens (the session first unless the entry
     * carries {@code session_id}), then {@code " - SimpleName: message"} for an error; escaped as it is appended: the
     * text (which may be large) directly, each small token through a scratch buffer.
     */
    private static void appendEscapedMessage(StringBuilder out, LogEntry entry) {
        int start = out.length();
        KeyValueFormat.appendText(out, entry.message());
        List<KeyValue> kvs = entry.keyValues();
        StringBuilder token = null;
        if (entry.sessionId() != null && entry.value(SESSION_KEY) == null) {
            token = SCRATCH.get();
            token.setLength(0);
            KeyValueFormat.appendToken(token, SESSION_KEY, entry.sessionId());
            appendPart(out, start, token, ' ');
        }
        for (int i = 0, n = kvs.size(); i < n; i++) {
            KeyValue kv = kvs.get(i);
            if (token == null) {
                token = SCRATCH.get();
            }
            token.setLength(0);
            KeyValueFormat.appendToken(token, kv.key(), kv.value());
            appendPart(out, start, token, ' ');
        }
        ErrorInfo error = entry.error();
        if (error != null) {
            if (out.length() > start) {
                out.append(" - ");
            }
            KeyValueFormat.appendText(out, error.simpleName());
            if (error.message() != null) {
                out.append(": ");
                KeyValueFormat.appendText(out, error.message());
            }
        }
        if (token != null && token.capacity() > 64 * 1024) {
            SCRATCH.remove(); // do not pin a huge buffer to the thread
        }
    }

    private static void appendPart(StringBuilder out, int start, CharSequence part, char separator) {
        if (out.length() > start) {
            out.append(separator);
        }
        LineEscaper.appendEscaped(out, part);
    }

    /**
     * Parses one line (with or without its line break). Returns null for a line that is not a master-log line: a
     * damaged or foreign line is skipped by readers, never guessed at.
     */
    public static MasterLine parse(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
        }
        String raw = end == line.length() ? line : line.substring(0, end);
        if (!UtcTimestamps.isTimestamp(raw, 0) || raw.length() <= UtcTimestamps.LENGTH
                || raw.charAt(UtcTimestamps.LENGTH) != '|') {
            return null;
        }
        int typeStart = UtcTimestamps.LENGTH + 1;
        int typeEnd = raw.indexOf('|', typeStart);
        if (typeEnd < 0) {
            return null;
        }
        int sourceEnd = raw.indexOf('|', typeEnd + 1);
        if (sourceEnd < 0) {
            return null;
        }
        return new MasterLine(raw, raw.substring(0, UtcTimestamps.LENGTH), raw.substring(typeStart, typeEnd),
                raw.substring(typeEnd + 1, sourceEnd), LineEscaper.unescape(raw.substring(sourceEnd + 1)));
    }
}
