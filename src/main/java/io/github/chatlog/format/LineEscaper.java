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
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            // one cheap test for plain ASCII text; the rare rest is looked at closely
            if ((c < 0x20 || c >= 0x7F || c == '\\') && needsEscaping(text, i, c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsEscaping(CharSequence text, int i, char c) {
        if (c < 0x20 || c == '\\' || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        // a low surrogate is fine only right after a high one
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    }

    /** Appends {@code text}, escaped, to {@code out}. */
    public static void appendEscaped(StringBuilder out, CharSequence text) {
        if (text instanceof String s && !needsEscaping(s)) {
            out.append(s); // the common case, copied in bulk
            return;
        }
        int n = text.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '\\' && (c < 0x7F || (c > 0x9F && c != 0x2028 && c != 0x2029 && !Character.isSurrogate(c)))) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a valid pair: UTF-8 carries it
                continue;
            }
            out.append(text, start, i);
            start = i + 1;
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        out.append(text, start, n);
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
