package io.github.chatlog.format;

import io.github.chatlog.event.KeyValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code key=value} tokens of a master-log message. A value that is empty or contains a space, {@code =} or
 * {@code "} is written in double quotes with {@code "} and {@code \} escaped by {@code \}; keys are reduced to
 * {@code [A-Za-z0-9_.:-]}. Parsing is best effort: the free text before the tokens may itself look like tokens.
 */
public final class KeyValueFormat {

    private KeyValueFormat() {
    }

    /** Appends {@code key=value} (no separator before it). */
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
     * Finds the {@code key=value} tokens in unescaped message text, in order. Words that are not tokens are skipped; a
     * quoted value missing its closing quote runs to the end of the text.
     */
    public static List<KeyValue> parse(String text) {
        List<KeyValue> result = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            int keyStart = i;
            while (i < n && FieldSanitizer.isFieldChar(text.charAt(i))) {
                i++;
            }
            if (i > keyStart && i < n && text.charAt(i) == '=') {
                String key = text.substring(keyStart, i);
                i++;
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
            } else {
                while (i < n && text.charAt(i) != ' ') {
                    i++;
                }
            }
        }
        return result;
    }
}
