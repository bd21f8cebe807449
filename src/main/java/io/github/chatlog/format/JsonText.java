package io.github.chatlog.format;

import java.util.regex.Pattern;

/** Writes JSON strings and scalars, escaped so that the output is one line and valid JSON for any Java string. */
public final class JsonText {

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,17})?([eE][+-]?[0-9]{1,3})?");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    public static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean pairedSurrogate = Character.isSurrogate(c) && (Character.isHighSurrogate(c)
                            ? i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))
                            : i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || (c >= 0x7F && c <= 0x9F)
                            || (Character.isSurrogate(c) && !pairedSurrogate)) {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Writes {@code value} as a JSON number when it is one, as {@code true}/{@code false} when a boolean, else as a string. */
    public static void scalar(StringBuilder out, String value) {
        if (NUMBER.matcher(value).matches()) {
            out.append(value);
        } else if (value.equals("true") || value.equals("false")) {
            out.append(value);
        } else {
            string(out, value);
        }
    }

    public static void field(StringBuilder out, String key, String value) {
        out.append(',');
        string(out, key);
        out.append(':');
        string(out, value);
    }
}
