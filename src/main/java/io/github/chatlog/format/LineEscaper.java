package io.github.chatlog.format;

/**
 * Keeps one record on one line, reversibly. {@code \} becomes {@code \\}, LF {@code \n}, CR {@code \r}; every other
 * control character (C0, DEL, C1 such as NEL U+0085), the line and paragraph separators U+2028/U+2029 (which many
 * readers treat as line breaks) and unpaired surrogates (which UTF-8 cannot carry) become {@code \}{@code uXXXX}.
 * {@link #unescape} is the exact inverse of {@link #escape}, unpaired surrogates included. It also reads {@code \=} as
 * {@code =}: the master log writes it where free text would otherwise look like a key-value token
 * ({@link KeyValueFormat}); {@link #escape} never writes it, since it writes every {@code \} as {@code \\}.
 */
public final class LineEscaper {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LineEscaper() {
    }

    /** Returns {@code text} escaped. */
    public static String escape(CharSequence text) {
        if (!needsEscaping(text)) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        appendEscaped(out, text);
        return out.toString();
    }

    /** Whether {@link #escape} would change {@code text}. */
    public static boolean needsEscaping(CharSequence text) {
        return indexOfEscape(text, 0, text.length()) >= 0;
    }

    /*
     * The scans below share one shape. While enough text is left, the run of plain characters ahead is found in bulk
     * (AsciiRuns), in chunks that double while the text stays plain, so a text full of escapes is not copied out
     * again and again. After a character that is not plain, the text is looked at character by character until
     * RESUME plain ones in a row suggest the bulk look again: text in a non-Latin script goes on character by
     * character at the cost it always had.
     */

    /** Left in a text, below which it is looked at character by character. */
    private static final int BULK_MIN = 32;
    /** The first chunk of a bulk look. */
    private static final int FIRST_CHUNK = 64;
    /** Plain characters in a row after which the bulk look resumes. */
    private static final int RESUME = 16;

    /** Where in {@code text[from, to)} the first character {@link #escape} changes is, or -1. */
    static int indexOfEscape(CharSequence text, int from, int to) {
        String s = text instanceof String str ? str : null;
        AsciiRuns runs = null;
        int chunk = FIRST_CHUNK;
        int i = from;
        while (i < to) {
            if (s != null && to - i >= BULK_MIN) {
                if (runs == null) {
                    runs = AsciiRuns.forThread();
                }
                int end = Math.min(to, i + chunk);
                i += runs.plainRun(s, i, end);
                if (i == end) {
                    chunk = Math.min(chunk * 2, AsciiRuns.CHUNK);
                    continue;
                }
                chunk = FIRST_CHUNK;
            }
            for (int plain = 0; i < to && (plain < RESUME || s == null || to - i < BULK_MIN); ) {
                char c = text.charAt(i);
                if (AsciiRuns.isPlain(c)) {
                    plain++;
                    i++;
                } else if (isPair(text, i, to, c)) {
                    plain = 0;
                    i += 2;
                } else if (escapes(c)) {
                    return i;
                } else {
                    plain = 0;
                    i++;
                }
            }
        }
        return -1;
    }

    /** Appends {@code text}, escaped, to {@code out}. */
    public static void appendEscaped(StringBuilder out, CharSequence text) {
        appendEscaped(out, text, 0, text.length());
    }

    /** Appends {@code text[from, to)}, escaped, to {@code out}. */
    static void appendEscaped(StringBuilder out, CharSequence text, int from, int to) {
        String s = text instanceof String str ? str : null;
        AsciiRuns runs = null;
        int chunk = FIRST_CHUNK;
        int i = from;
        while (i < to) {
            if (s != null && to - i >= BULK_MIN) {
                if (runs == null) {
                    runs = AsciiRuns.forThread();
                }
                int end = Math.min(to, i + chunk);
                int run = runs.plainRun(s, i, end);
                out.append(s, i, i + run); // one copy of the run
                i += run;
                if (i == end) {
                    chunk = Math.min(chunk * 2, AsciiRuns.CHUNK);
                    continue;
                }
                chunk = FIRST_CHUNK;
            }
            int start = i;
            for (int plain = 0; i < to && (plain < RESUME || s == null || to - i < BULK_MIN); ) {
                char c = text.charAt(i);
                if (AsciiRuns.isPlain(c)) {
                    plain++;
                    i++;
                } else if (isPair(text, i, to, c)) {
                    plain = 0;
                    i += 2; // a valid pair: UTF-8 carries it
                } else if (escapes(c)) {
                    plain = 0;
                    out.append(text, start, i);
                    appendEscape(out, c);
                    start = ++i;
                } else {
                    plain = 0;
                    i++;
                }
            }
            out.append(text, start, i);
        }
    }

    /**
     * Appends {@code text[from, to)}, escaped, to {@code out} as UTF-8: the plain runs of a {@code String} are narrowed
     * to bytes where they belong, and nothing else is copied.
     */
    static void appendEscaped(LineBytes out, CharSequence text, int from, int to) {
        String s = text instanceof String str ? str : null;
        AsciiRuns runs = null;
        int chunk = FIRST_CHUNK;
        int i = from;
        while (i < to) {
            if (s != null && to - i >= BULK_MIN) {
                if (runs == null) {
                    runs = AsciiRuns.forThread();
                }
                int end = Math.min(to, i + chunk);
                out.ensure(end - i);
                int run = runs.copyPlainRun(s, i, end, out.array(), out.end());
                out.advance(run);
                i += run;
                if (i == end) {
                    chunk = Math.min(chunk * 2, AsciiRuns.CHUNK);
                    continue;
                }
                chunk = FIRST_CHUNK;
            }
            for (int plain = 0; i < to && (plain < RESUME || s == null || to - i < BULK_MIN); ) {
                char c = text.charAt(i);
                if (AsciiRuns.isPlain(c)) {
                    plain++;
                    out.append(c);
                    i++;
                } else if (isPair(text, i, to, c)) {
                    plain = 0;
                    out.appendCodePoint(Character.toCodePoint(c, text.charAt(i + 1)));
                    i += 2;
                } else if (escapes(c)) {
                    plain = 0;
                    appendEscape(out, c);
                    i++;
                } else {
                    plain = 0;
                    out.appendUtf8(c);
                    i++;
                }
            }
        }
    }

    /** Whether {@code text[i]}, which is {@code c}, starts a surrogate pair within {@code to}. */
    private static boolean isPair(CharSequence text, int i, int to, char c) {
        return Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1));
    }

    /** Whether a character that is neither plain nor part of a pair is escaped. */
    private static boolean escapes(char c) {
        return c < 0x20 || c == '\\' || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029
                || Character.isSurrogate(c);
    }

    /** The escape of {@code c}; see {@link #appendEscape(LineBytes, char)}, which writes the same. */
    private static void appendEscape(StringBuilder out, char c) {
        switch (c) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            default -> out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                    .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
        }
    }

    /** The escape of {@code c}, as bytes; see {@link #appendEscape(StringBuilder, char)}, which writes the same. */
    private static void appendEscape(LineBytes out, char c) {
        out.append('\\');
        switch (c) {
            case '\\' -> out.append('\\');
            case '\n' -> out.append('n');
            case '\r' -> out.append('r');
            default -> {
                out.append('u');
                out.append(HEX[(c >> 12) & 0xF]);
                out.append(HEX[(c >> 8) & 0xF]);
                out.append(HEX[(c >> 4) & 0xF]);
                out.append(HEX[c & 0xF]);
            }
        }
    }

    /**
     * Reverses {@link #escape}. Lenient with text it did not produce: an unknown escape or a malformed
     * {@code \}{@code u} sequence is kept as it stands.
     */
    public static String unescape(CharSequence text) {
        int first = indexOf(text, '\\');
        if (first < 0) {
            return text.toString();
        }
        int n = text.length();
        StringBuilder out = new StringBuilder(n);
        out.append(text, 0, first);
        for (int i = first; i < n; i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                out.append(c);
                continue;
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '\\' -> { out.append('\\'); i++; }
                case 'n' -> { out.append('\n'); i++; }
                case 'r' -> { out.append('\r'); i++; }
                case '=' -> { out.append('='); i++; }
                case 'u' -> {
                    int code = i + 6 <= n ? parseHex4(text, i + 2) : -1;
                    if (code >= 0) {
                        out.append((char) code);
                        i += 5;
                    } else {
                        out.append(c);
                    }
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static int indexOf(CharSequence text, char c) {
        if (text instanceof String s) {
            return s.indexOf(c); // an intrinsic: much faster than a loop over charAt
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int parseHex4(CharSequence s, int from) {
        int v = 0;
        for (int i = from; i < from + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
