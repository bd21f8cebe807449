package io.github.chatlog.redact;

/** ASCII character classes of the built-in rules; anything outside ASCII is in none of them. */
final class Chars {

    private Chars() {
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean isAlnum(char c) {
        return isDigit(c) || isUpper(c) || isLower(c);
    }

    /** Letters, digits and {@code _}: what a word boundary is measured against. */
    static boolean isWord(char c) {
        return isAlnum(c) || c == '_';
    }

    /** Letters, digits, {@code _} and {@code -}: the alphabet of API tokens and base64url. */
    static boolean isToken(char c) {
        return isAlnum(c) || c == '_' || c == '-';
    }

    static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }
}
