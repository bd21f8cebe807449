package io.github.chatlog.format;

import io.github.chatlog.event.KeyValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The message field of a master-log line, both directions: free text (the message, an exception) and the
 * {@code key=value} tokens that carry structure (SPEC §3).
 *
 * <p>A token is a word (at the start of the field or after a space) made of key characters {@code [A-Za-z0-9_.:-]}
 * followed by {@code =}. A value that is empty or contains a space, {@code =} or {@code "} is written in double quotes
 * with {@code "} and {@code \} escaped by {@code \}; keys are reduced to the key characters. Free text is escaped by
 * {@link LineEscaper}, and where one of its words would read as a token the {@code =} is written {@code \=}: so text
 * never produces a token, a reader takes the first token of the field as the start of the key-values, and
 * {@link LineEscaper#unescape} still gives back the original text exactly. Text without such a word (most log
 * messages) is written as it is.
 */
public final class KeyValueFormat {

    private KeyValueFormat() {
    }

    /** Appends {@code key=value} (no separator before it), not yet line-escaped. */
    public static void appendToken(StringBuilder out, String key, String value) {
        FieldSanitizer.appendSanitized(out, key);
        out.append('=');
        if (!needsQuotes(value)) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

    static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '=' || c == '"') {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends free text, line-escaped, with {@code \=} where a word would otherwise read as a token. Must start at a
     * word start (the start of the field or after a space), as the message text and the error part do.
     */
    public static void appendText(StringBuilder out, String text) {
        LineBytes line = new LineBytes(text.length() + 16);
        appendText(line, text);
        out.append(line);
    }

    /** Appends free text as {@link #appendText(StringBuilder, String)} does, as UTF-8. */
    static void appendText(LineBytes out, String text) {
        int n = text.length();
        int token = firstTokenStart(text, 0);
        // escaping leaves spaces, '=' and key characters alone and starts every escape with a non-key '\', so a word
        // of the text reads as a token exactly when its escaped form does: the text is escaped as it is, but for the
        // '=' of each such word (most log messages have none)
        int from = 0;
        while (token >= 0) {
            int key = keyEnd(text, token);
            LineEscaper.appendEscaped(out, text, from, key);
            out.append('\\');
            out.append('=');
            from = key + 1;
            int space = text.indexOf(' ', from);
            token = space < 0 ? -1 : firstTokenStart(text, space + 1);
        }
        LineEscaper.appendEscaped(out, text, from, n);
    }

    /**
     * Where the key-value tokens begin in a written (still escaped) message field: the first word that reads as a
     * token; -1 when there is none.
     */
    public static int firstTokenStart(CharSequence field) {
        return firstTokenStart(field, 0);
    }

    /**
     * The first word from {@code from} (a word start) that reads as a token, or -1. Found from the {@code =} signs
     * (a token is a word whose run of key characters from its start ends at one), so text without them costs one
     * {@code indexOf}.
     */
    private static int firstTokenStart(CharSequence s, int from) {
        for (int eq = indexOf(s, '=', from); eq >= 0; eq = indexOf(s, '=', eq + 1)) {
            int start = eq;
            while (start > from && FieldSanitizer.isFieldChar(s.charAt(start - 1))) {
                start--; // never past the '=' before: it is no key character
            }
            if (start < eq && (start == from || s.charAt(start - 1) == ' ')) {
                return start;
            }
        }
        return -1;
    }

    private static int indexOf(CharSequence s, char c, int from) {
        if (s instanceof String str) {
            return str.indexOf(c, from);
        }
        for (int i = from, n = s.length(); i < n; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int keyEnd(CharSequence s, int from) {
        int i = from;
        while (i < s.length() && FieldSanitizer.isFieldChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * The key-values of a written (still escaped) message field, in order: the run of tokens that starts at the first
     * token and ends at the first word that is not one (an error part {@code " - Name: message"}, say). Free text
     * before them cannot contribute a token, however it looks once unescaped.
     */
    public static List<KeyValue> parse(String field) {
        int start = firstTokenStart(field);
        if (start < 0) {
            return List.of();
        }
        String text = LineEscaper.unescape(field.substring(start));
        List<KeyValue> result = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int keyEnd = keyEnd(text, i);
            if (keyEnd == i || keyEnd >= n || text.charAt(keyEnd) != '=') {
                break; // the end of the tokens
            }
            String key = text.substring(i, keyEnd);
            i = keyEnd + 1;
            if (i < n && text.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (i < n && text.charAt(i) != '"') {
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        c = text.charAt(++i);
                    }
                    v.append(c);
                    i++;
                }
                i++; // closing quote
                result.add(new KeyValue(key, v.toString()));
            } else {
                int valueStart = i;
                while (i < n && text.charAt(i) != ' ') {
                    i++;
                }
                result.add(new KeyValue(key, text.substring(valueStart, i)));
            }
            while (i < n && text.charAt(i) != ' ') {
                i++; // anything glued to a closing quote belongs to no token
            }
            i++;
        }
        return result;
    }
}
