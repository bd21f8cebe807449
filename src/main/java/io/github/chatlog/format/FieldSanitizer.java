package io.github.chatlog.format;

/**
 * Keeps the {@code event_type}, {@code source} and key fields of a master-log line safe: any character outside
 * {@code [A-Za-z0-9_.:-]} becomes {@code _}, and an empty field becomes {@code _}. So these fields never hold a pipe,
 * a space or a line break.
 */
public final class FieldSanitizer {

    private FieldSanitizer() {
    }

    public static boolean isFieldChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '-';
    }

    private static boolean isSafe(String field) {
        for (int i = 0, n = field.length(); i < n; i++) {
            if (!isFieldChar(field.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static String sanitize(String field) {
        if (field == null || field.isEmpty()) {
            return "_";
        }
        for (int i = 0, n = field.length(); i < n; i++) {
            if (!isFieldChar(field.charAt(i))) {
                StringBuilder out = new StringBuilder(n);
                appendSanitized(out, field);
                return out.toString();
            }
        }
        return field;
    }

    public static void appendSanitized(StringBuilder out, String field) {
        if (field == null || field.isEmpty()) {
            out.append('_');
            return;
        }
        if (isSafe(field)) {
            out.append(field); // the common case, copied in bulk
            return;
        }
        for (int i = 0, n = field.length(); i < n; i++) {
            char c = field.charAt(i);
            if (isFieldChar(c)) {
                out.append(c);
            } else {
                out.append('_');
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(field.charAt(i + 1))) {
                    i++; // one code point, one underscore
                }
            }
        }
    }

    /** Appends {@code field} sanitized, as {@link #appendSanitized(StringBuilder, String)} does: ASCII only. */
    static void appendSanitized(LineBytes out, String field) {
        if (field != null && !field.isEmpty() && isSafe(field)) {
            out.appendAscii(field); // the common case, copied in bulk
            return;
        }
        StringBuilder sanitized = new StringBuilder(field == null ? 1 : field.length());
        appendSanitized(sanitized, field);
        out.appendAscii(sanitized.toString());
    }
}
