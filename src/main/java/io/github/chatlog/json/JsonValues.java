package io.github.chatlog.json;

import java.io.IOException;

/**
 * How a key-value's text becomes a JSON value: a number when the text is a JSON number that reads back as the same
 * text ({@code 45}, {@code 0.92}, {@code -3e5}; not {@code 007} or {@code +1}, which stay strings), a boolean for
 * {@code true} and {@code false}, else a string. So {@code tokens=28} ships as a number a search backend can sum.
 */
public final class JsonValues {

    /** Longest text taken as a number: {@value} characters (a long has 19 digits); longer digit runs are ids. */
    public static final int MAX_NUMBER_CHARS = 24;

    private JsonValues() {
    }

    /** Writes {@code text} under {@code name} as a number, a boolean or a string. */
    public static void write(JsonFieldSink sink, String name, String text) throws IOException {
        if (isNumber(text)) {
            sink.number(name, text);
        } else if (text.equals("true") || text.equals("false")) {
            sink.bool(name, text.equals("true"));
        } else {
            sink.string(name, text);
        }
    }

    /** Whether {@code s} is a JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, at most {@link #MAX_NUMBER_CHARS} long. */
    public static boolean isNumber(String s) {
        int n = s.length();
        if (n == 0 || n > MAX_NUMBER_CHARS) {
            return false;
        }
        int i = 0;
        if (s.charAt(i) == '-') {
            i++;
        }
        if (i == n) {
            return false;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else {
            int start = i;
            i = digits(s, i);
            if (i == start) {
                return false;
            }
        }
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            i = digits(s, i);
            if (i == start) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            i = digits(s, i);
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }

    private static int digits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
