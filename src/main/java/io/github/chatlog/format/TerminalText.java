package io.github.chatlog.format;

/**
 * Makes logged text safe to print on a terminal (SPEC §7): nothing from a log can move the cursor, clear the screen,
 * set the window title, overwrite a line, reorder text or hide it.
 *
 * <p>Shown visibly, as {@code \}{@code uXXXX} (the UTF-16 unit in hex; a supplementary character as its two units),
 * or as {@code \n}, {@code \r}, {@code \t}: every control character (C0 but LF and TAB, DEL, C1), the line and
 * paragraph separators, unpaired surrogates, and the invisible format characters that can reorder or hide text: the
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), zero-width spaces and joiners of
 * words (U+200B, U+2060–U+2064, U+FEFF), the soft hyphen, tag characters, interlinear annotations and the other
 * characters of Unicode category Cf, the Hangul fillers and the combining grapheme joiner, and variation selectors
 * that do not follow a visible character (runs of them carry hidden data). Kept as they are, because ordinary text
 * needs them: the zero-width joiner and non-joiner (emoji sequences, Persian and Indic scripts), one variation selector
 * after a character, tag characters inside an emoji flag sequence (U+1F3F4 … U+E007F), and every visible character.
 *
 * <p>{@link #text} keeps LF and TAB (content shown on several lines); {@link #line} escapes them too (ids, one-line
 * fields, table cells). The backslash itself is not escaped, so {@code \u001b} on screen may also be those six
 * characters as logged: the commands' {@code --json} output ({@link #json}) and {@code export --format jsonl} are the
 * exact forms. Needs no Logback.
 */
public final class TerminalText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int BLACK_FLAG = 0x1F3F4;
    private static final int CANCEL_TAG = 0xE007F;

    private TerminalText() {
    }

    /** {@code text} for display on several lines: LF and TAB kept, everything unsafe shown escaped. */
    public static String text(String text) {
        return escape(text, false);
    }

    /** {@code text} for display on one line: LF, CR and TAB escaped as well. */
    public static String line(String text) {
        return escape(text, true);
    }

    /**
     * A line of JSON made safe for a terminal and still exactly the same JSON: every unsafe character (which valid
     * JSON holds only inside strings) becomes its JSON escape {@code \}{@code uXXXX}.
     */
    public static String json(String json) {
        if (isSafe(json, true)) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 16);
        int prev = -1;
        boolean inFlag = false;
        for (int i = 0; i < json.length(); ) {
            int cp = json.codePointAt(i);
            int n = Character.charCount(cp);
            boolean unsafe = (n == 1 && Character.isSurrogate((char) cp)) || unsafe(cp, prev, inFlag);
            inFlag = flagState(cp, inFlag);
            for (int k = i; k < i + n; k++) {
                if (unsafe) {
                    unicodeEscape(out, json.charAt(k));
                } else {
                    out.append(json.charAt(k));
                }
            }
            prev = cp;
            i += n;
        }
        return out.toString();
    }

    /** Whether {@link #line} (oneLine) or {@link #text} would leave {@code text} unchanged. */
    public static boolean isSafe(String text, boolean oneLine) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // one cheap test for printable ASCII; the rest is looked at closely
            if (c < 0x20 || c >= 0x7F) {
                return escape(text, oneLine).equals(text);
            }
        }
        return true;
    }

    private static String escape(String text, boolean oneLine) {
        StringBuilder out = null;
        int prev = -1;
        boolean inFlag = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean lone = n == 1 && Character.isSurrogate((char) cp);
            boolean unsafe = lone || (cp == '\n' || cp == '\t' ? oneLine : unsafe(cp, prev, inFlag));
            inFlag = flagState(cp, inFlag);
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (unsafe) {
                switch (cp) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        for (int k = i; k < i + n; k++) {
                            unicodeEscape(out, text.charAt(k));
                        }
                    }
                }
            } else if (out != null) {
                out.append(text, i, i + n);
            }
            prev = cp;
            i += n;
        }
        return out == null ? text : out.toString();
    }

    /** Whether code point {@code cp}, after {@code prev} (-1 at the start), must be shown escaped. */
    private static boolean unsafe(int cp, int prev, boolean inFlag) {
        if (cp >= 0x20 && cp < 0x7F) {
            return false;
        }
        if (isVariationSelector(cp)) {
            return prev < 0 || isVariationSelector(prev) || unsafe(prev, -2, false);
        }
        if (cp >= 0xE0020 && cp <= CANCEL_TAG) {
            return !inFlag; // tag characters spell a subdivision flag after U+1F3F4, and hide text anywhere else
        }
        switch (cp) {
            case 0x200C, 0x200D -> {
                return false; // joiners: emoji sequences and several scripts need them
            }
            case 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD,
                    0x110CD -> {
                return false; // format characters that are visible signs
            }
            case 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0 -> {
                return true; // invisible letters and marks, used to hide or pad text
            }
            default -> {
                int type = Character.getType(cp);
                return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
            }
        }
    }

    private static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    private static boolean flagState(int cp, boolean inFlag) {
        if (cp == BLACK_FLAG) {
            return true;
        }
        return inFlag && cp >= 0xE0020 && cp < CANCEL_TAG;
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }

    /**
     * How many terminal columns {@code s} takes, as wcwidth counts them: wide East Asian characters and emoji 2,
     * combining marks, joiners and variation selectors 0 (a character joined by U+200D to the one before it too).
     * Meant for text already passed through {@link #line}.
     */
    public static int width(String s) {
        int width = 0;
        int prev = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (prev != 0x200D) {
                width += width(cp);
            }
            prev = cp;
        }
        return width;
    }

    /** {@code s} padded with spaces to {@code columns}, or cut with {@code …} when it is wider. */
    public static String fit(String s, int columns) {
        int w = width(s);
        if (w <= columns) {
            return s + " ".repeat(columns - w);
        }
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int cw = width(cp);
            if (used + cw > columns - 1) {
                break;
            }
            out.appendCodePoint(cp);
            used += cw;
            i += Character.charCount(cp);
        }
        return out.append('…').append(" ".repeat(columns - 1 - used)).toString();
    }

    private static int width(int cp) {
        if (cp == 0x200D || cp == 0x200C || isVariationSelector(cp) || (cp >= 0xE0000 && cp <= 0xE0FFF)) {
            return 0;
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        return isWide(cp) ? 2 : 1;
    }

    private static final int[] WIDE = {
            0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3,
            0x25FD, 0x25FE, 0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F, 0x2693, 0x2693, 0x26A1, 0x26A1,
            0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA,
            0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B,
            0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
            0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80, 0x303E,
            0x3041, 0x33FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xA000, 0xA4CF, 0xA960, 0xA97F, 0xAC00, 0xD7A3,
            0xF900, 0xFAFF, 0xFE10, 0xFE19, 0xFE30, 0xFE6F, 0xFF00, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x16FE4,
            0x17000, 0x18CFF, 0x1AFF0, 0x1B2FF, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E,
            0x1F191, 0x1F19A, 0x1F200, 0x1F251, 0x1F300, 0x1F64F, 0x1F680, 0x1F6FF, 0x1F7E0, 0x1F7EB,
            0x1F90C, 0x1F9FF, 0x1FA70, 0x1FAFF, 0x20000, 0x2FFFD, 0x30000, 0x3FFFD};

    private static boolean isWide(int cp) {
        if (cp < WIDE[0]) {
            return false;
        }
        for (int i = 0; i < WIDE.length; i += 2) {
            if (cp < WIDE[i]) {
                return false;
            }
            if (cp <= WIDE[i + 1]) {
                return true;
            }
        }
        return false;
    }
}
