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
    /** Per thread: the line {@link #format} and {@link #message} build before they decode it. */
    private static final ThreadLocal<LineBytes> LINES = ThreadLocal.withInitial(LineBytes::new);
    /** Scratch buffers that grew past this are not kept by the thread. */
    private static final int MAX_KEPT = 64 * 1024;

    private MasterLineFormat() {
    }

    /** The whole line for {@code entry}, with its trailing {@code \n}. */
    public static String format(LogEntry entry) {
        LineBytes line = line();
        appendLine(line, entry);
        return done(line);
    }

    /** Appends the whole line for {@code entry}, with its trailing {@code \n}. */
    public static void appendLine(StringBuilder out, LogEntry entry) {
        out.append(format(entry));
    }

    /**
     * Appends the whole line for {@code entry}, with its trailing {@code \n}, as the UTF-8 bytes the master log holds:
     * the one place a line is written, which the other methods decode.
     */
    public static void appendLine(LineBytes out, LogEntry entry) {
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
        LineBytes line = line();
        appendEscapedMessage(line, entry);
        return LineEscaper.unescape(done(line));
    }

    private static LineBytes line() {
        LineBytes line = LINES.get();
        line.clear();
        return line;
    }

    private static String done(LineBytes line) {
        String text = line.toString();
        if (line.capacity() > MAX_KEPT) {
            LINES.remove(); // do not pin a huge buffer to the thread
        }
        return text;
    }

    /**
     * The message: the entry's text, its key-values as {@code key=value} tokens (the session first unless the entry
     * carries {@code session_id}), then {@code " - SimpleName: message"} for an error; escaped as it is appended: the
     * text (which may be large) and plain values directly, each quoted token through a scratch buffer.
     */
    private static void appendEscapedMessage(LineBytes out, LogEntry entry) {
        int start = out.length();
        KeyValueFormat.appendText(out, entry.message());
        List<KeyValue> kvs = entry.keyValues();
        StringBuilder token = null;
        if (entry.sessionId() != null && entry.value(SESSION_KEY) == null) {
            token = appendToken(out, start, SESSION_KEY, entry.sessionId(), token);
        }
        for (int i = 0, n = kvs.size(); i < n; i++) {
            KeyValue kv = kvs.get(i);
            token = appendToken(out, start, kv.key(), kv.value(), token);
        }
        ErrorInfo error = entry.error();
        if (error != null) {
            if (out.length() > start) {
                out.append(' ');
                out.append('-');
                out.append(' ');
            }
            KeyValueFormat.appendText(out, error.simpleName());
            if (error.message() != null) {
                out.append(':');
                out.append(' ');
                KeyValueFormat.appendText(out, error.message());
            }
        }
        if (token != null && token.capacity() > MAX_KEPT) {
            SCRATCH.remove(); // do not pin a huge buffer to the thread
        }
    }

    /**
     * Appends {@code key=value}, line-escaped, after a space unless it is the first part of the message: a value
     * that needs no quotes straight from the strings (the key is sanitized, so only the value can need escaping), a
     * quoted one through {@code token}, the thread's scratch buffer, which is returned.
     */
    private static StringBuilder appendToken(LineBytes out, int start, String key, String value, StringBuilder token) {
        if (out.length() > start) {
            out.append(' ');
        }
        if (!KeyValueFormat.needsQuotes(value)) {
            FieldSanitizer.appendSanitized(out, key);
            out.append('=');
            LineEscaper.appendEscaped(out, value, 0, value.length());
            return token;
        }
        StringBuilder t = token != null ? token : SCRATCH.get();
        t.setLength(0);
        KeyValueFormat.appendToken(t, key, value);
        LineEscaper.appendEscaped(out, t, 0, t.length());
        return t;
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
