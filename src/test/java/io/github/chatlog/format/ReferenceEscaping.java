package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;

import java.nio.charset.StandardCharsets;

/**
 * The escaping of the master line as it was written before the bulk scans, character by character and through
 * {@code String}s, kept as the reference the fast code must match byte for byte. Deliberately naive: each rule is
 * spelled out once per character, with no shortcut.
 */
final class ReferenceEscaping {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ReferenceEscaping() {
    }

    /** Whether {@link #escape} changes {@code text}. */
    static boolean needsEscaping(CharSequence text) {
        return !escape(text).contentEquals(text);
    }

    /** {@link LineEscaper#escape}: every character looked at on its own. */
    static String escape(CharSequence text) {
        StringBuilder out = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i)); // a valid pair: UTF-8 carries it
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029
                    || Character.isSurrogate(c)) {
                out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@link KeyValueFormat#appendText}: escape the whole text, then write the '=' of each token-like word as '\='. */
    static String text(String text) {
        String escaped = escape(text);
        StringBuilder out = new StringBuilder();
        int n = escaped.length();
        int i = 0;
        while (i < n) {
            int key = i;
            while (key < n && FieldSanitizer.isFieldChar(escaped.charAt(key))) {
                key++;
            }
            if (key > i && key < n && escaped.charAt(key) == '=') {
                out.append(escaped, i, key).append("\\=");
                i = key + 1;
            }
            int space = escaped.indexOf(' ', i);
            int end = space < 0 ? n : space + 1;
            out.append(escaped, i, end);
            i = end;
        }
        return out.toString();
    }

    /** {@code key=value}, quoted when the value is empty or holds a space, '=' or '"'; then line-escaped. */
    static String token(String key, String value) {
        StringBuilder t = new StringBuilder();
        t.append(FieldSanitizer.sanitize(key)).append('=');
        if (!value.isEmpty() && value.indexOf(' ') < 0 && value.indexOf('=') < 0 && value.indexOf('"') < 0) {
            t.append(value);
        } else {
            t.append('"');
            for (char c : value.toCharArray()) {
                if (c == '"' || c == '\\') {
                    t.append('\\');
                }
                t.append(c);
            }
            t.append('"');
        }
        return escape(t);
    }

    /** The whole master line of {@code entry}. */
    static String line(LogEntry entry) {
        StringBuilder message = new StringBuilder(text(entry.message()));
        if (entry.sessionId() != null && entry.value(MasterLineFormat.SESSION_KEY) == null) {
            part(message, token(MasterLineFormat.SESSION_KEY, entry.sessionId()));
        }
        for (KeyValue kv : entry.keyValues()) {
            part(message, token(kv.key(), kv.value()));
        }
        ErrorInfo error = entry.error();
        if (error != null) {
            if (message.length() > 0) {
                message.append(" - ");
            }
            message.append(text(error.simpleName()));
            if (error.message() != null) {
                message.append(": ").append(text(error.message()));
            }
        }
        return UtcTimestamps.format(entry.timestamp()) + '|' + FieldSanitizer.sanitize(entry.eventType()) + '|'
                + FieldSanitizer.sanitize(entry.source()) + '|' + message + '\n';
    }

    static byte[] lineBytes(LogEntry entry) {
        return line(entry).getBytes(StandardCharsets.UTF_8);
    }

    private static void part(StringBuilder message, String token) {
        if (message.length() > 0) {
            message.append(' ');
        }
        message.append(token);
    }
}
