package io.github.chatlog.redact;

import static io.github.chatlog.redact.Chars.isAlnum;
import static io.github.chatlog.redact.Chars.isDigit;
import static io.github.chatlog.redact.Chars.isHex;
import static io.github.chatlog.redact.Chars.isLower;
import static io.github.chatlog.redact.Chars.isUpper;

/**
 * The {@code pii} rules: e-mail addresses, phone numbers, IBANs, IPv4 and IPv6 addresses and US social security
 * numbers. Like {@link SecretRules}, each reads a bounded number of characters from its trigger.
 */
final class PiiRules {

    static final String EMAIL = "email";
    static final String PHONE = "phone";
    static final String IBAN = "iban";
    static final String IP_ADDRESS = "ip_address";
    static final String SSN = "ssn";

    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_IPV6 = 45;

    private PiiRules() {
    }

    /** At {@code @}: {@code local@domain.tld}. */
    static boolean email(Scan x, int at) {
        int limit = Math.max(x.floor, at - MAX_LOCAL_PART);
        int k = at - 1;
        while (k >= limit && isLocal(x.at(k))) {
            k--;
        }
        int start = k + 1;
        while (start < at && x.at(start) == '.') {
            start++;
        }
        if (start == at) {
            return false;
        }
        int j = at + 1;
        int bound = Math.min(x.n, at + 1 + MAX_DOMAIN);
        int dots = 0;
        int labelStart = j;
        while (j < bound) {
            char c = x.at(j);
            if (isAlnum(c) || c == '-') {
                j++;
            } else if (c == '.' && j > labelStart && isAlnum(x.at(j + 1))) {
                dots++;
                j++;
                labelStart = j;
            } else {
                break;
            }
        }
        if (dots == 0 || j - labelStart < 2) {
            return false;
        }
        for (int t = labelStart; t < j; t++) {
            if (!isUpper(x.at(t)) && !isLower(x.at(t))) {
                return false;
            }
        }
        return x.hit(start, j, EMAIL);
    }

    /** At a digit that starts a number: IPv4, a social security number or a phone number. */
    static boolean numberAt(Scan x, int i) {
        return ipv4(x, i) || ssn(x, i) || phone(x, i);
    }

    /** At a digit right after two capital letters that start a word: an IBAN with a valid checksum. */
    static boolean iban(Scan x, int start) {
        if (!isDigit(x.at(start + 3))) {
            return false;
        }
        int j = start;
        int chars = 0;
        while (chars < 34) {
            char c = x.at(j);
            if (isUpper(c) || isDigit(c)) {
                chars++;
                j++;
            } else if (c == ' ' && chars % 4 == 0 && (isUpper(x.at(j + 1)) || isDigit(x.at(j + 1)))) {
                j++;
            } else {
                break;
            }
            boolean end = !isAlnum(x.at(j)) && !(x.at(j) == ' ' && chars % 4 == 0 && isDigit(x.at(j + 1)));
            if (chars >= 15 && end && ibanChecksum(x, start, j)) {
                return x.hit(start, j, IBAN);
            }
        }
        if (chars >= 15 && !isAlnum(x.at(j)) && ibanChecksum(x, start, j)) {
            return x.hit(start, j, IBAN);
        }
        return false;
    }

    /** ISO 13616: the country and check digits moved to the end, letters as 10..35, the number mod 97 is 1. */
    private static boolean ibanChecksum(Scan x, int from, int to) {
        int rem = 0;
        int seen = 0;
        for (int k = from; k < to; k++) {
            char c = x.at(k);
            if (c != ' ' && seen++ >= 4) {
                rem = mod97(rem, c);
            }
        }
        seen = 0;
        for (int k = from; k < to && seen < 4; k++) {
            char c = x.at(k);
            if (c != ' ') {
                seen++;
                rem = mod97(rem, c);
            }
        }
        return rem == 1;
    }

    private static int mod97(int rem, char c) {
        int v = isDigit(c) ? c - '0' : c - 'A' + 10;
        return v < 10 ? (rem * 10 + v) % 97 : (rem * 100 + v) % 97;
    }

    /**
     * At {@code :}: an IPv6 address around it, at most {@value #MAX_IPV6} characters. The run of hex digits and colons
     * is measured once: a later colon of the same run is answered from {@link Scan#ipv6RunEnd}.
     */
    static boolean ipv6(Scan x, int colon) {
        if (colon < x.ipv6RunEnd) {
            return false;
        }
        int k = colon;
        while (k > colon - MAX_IPV6 && k > x.floor && (isHex(x.at(k - 1)) || x.at(k - 1) == ':')) {
            k--;
        }
        char before = x.at(k - 1);
        if (k > 0 && (isAlnum(before) || before == '.' || before == '_' || before == ':' || before == '-')) {
            return false;
        }
        int j = colon;
        while (j < x.n && (isHex(x.at(j)) || x.at(j) == ':')) {
            j++;
        }
        x.ipv6RunEnd = j;
        char after = x.at(j);
        if (j - k > MAX_IPV6 || isAlnum(after) || after == '.' || after == '_' || after == '-') {
            return false;
        }
        return validIpv6(x, k, j) && x.hit(k, j, IP_ADDRESS);
    }

    private static boolean validIpv6(Scan x, int from, int to) {
        int groups = 0;
        int doubles = 0;
        int len = 0;
        for (int k = from; k < to; k++) {
            char c = x.at(k);
            if (c == ':') {
                if (len == 0 && k > from && x.at(k - 1) == ':') {
                    doubles++;
                } else if (len == 0 && k == from) {
                    if (x.at(k + 1) != ':') {
                        return false;
                    }
                } else if (len == 0 && k + 1 < to && x.at(k + 1) != ':') {
                    return false;
                }
                len = 0;
            } else {
                if (len == 0) {
                    groups++;
                }
                if (++len > 4) {
                    return false;
                }
            }
        }
        if (to - from < 3 || groups == 0 || doubles > 1 || (x.at(to - 1) == ':' && x.at(to - 2) != ':')) {
            return false;
        }
        return doubles == 1 ? groups <= 7 : groups == 8;
    }

    private static boolean ipv4(Scan x, int i) {
        int j = i;
        for (int octet = 0; octet < 4; octet++) {
            int v = 0;
            int d = 0;
            while (d < 3 && isDigit(x.at(j))) {
                v = v * 10 + (x.at(j) - '0');
                d++;
                j++;
            }
            if (d == 0 || v > 255 || isDigit(x.at(j))) {
                return false;
            }
            if (octet < 3) {
                if (x.at(j) != '.') {
                    return false;
                }
                j++;
            }
        }
        char after = x.at(j);
        return !isAlnum(after) && !(after == '.' && isDigit(x.at(j + 1))) && x.hit(i, j, IP_ADDRESS);
    }

    /** {@code ddd-dd-dddd} with the area, group and serial the SSA issues (no 000, 666, 9xx; no 00; no 0000). */
    private static boolean ssn(Scan x, int i) {
        if (!digits(x, i, 3) || x.at(i + 3) != '-' || !digits(x, i + 4, 2) || x.at(i + 6) != '-' || !digits(x, i + 7, 4)) {
            return false;
        }
        char after = x.at(i + 11);
        if (isAlnum(after) || (after == '-' && isDigit(x.at(i + 12)))) {
            return false;
        }
        int area = number(x, i, 3);
        return area != 0 && area != 666 && area < 900 && number(x, i + 4, 2) != 0 && number(x, i + 7, 4) != 0
                && x.hit(i, i + 11, SSN);
    }

    /**
     * International numbers ({@code +} and 8 to 15 digits), North American ({@code (555) 123-4567},
     * {@code 555-123-4567}, {@code 555.123.4567}, {@code 555 123 4567}) and European national forms (a leading 0 and
     * 9 to 11 digits in groups, {@code 06 12 34 56 78}, {@code 020 7946 0958}). A bare run of digits is not one.
     */
    private static boolean phone(Scan x, int i) {
        char before = x.at(i - 1);
        if (before == '+' && !isAlnum(x.at(i - 2))) {
            int end = groupedDigits(x, i, 8, 15, true);
            return end > 0 && x.hit(i - 1, end, PHONE);
        }
        if (before == '(' && digits(x, i, 3) && x.at(i + 3) == ')') {
            int k = i + 4;
            if (x.at(k) == ' ') {
                k++;
            }
            return digits(x, k, 3) && (x.at(k + 3) == '-' || x.at(k + 3) == '.' || x.at(k + 3) == ' ')
                    && digits(x, k + 4, 4) && ends(x, k + 8) && x.hit(i - 1, k + 8, PHONE);
        }
        char sep = x.at(i + 3);
        if (x.at(i) >= '2' && digits(x, i, 3) && (sep == '-' || sep == '.' || sep == ' ') && digits(x, i + 4, 3)
                && x.at(i + 7) == sep && digits(x, i + 8, 4) && ends(x, i + 12)) {
            return x.hit(i, i + 12, PHONE);
        }
        if (x.at(i) == '0') {
            int end = groupedDigits(x, i, 9, 11, false);
            return end > 0 && x.hit(i, end, PHONE);
        }
        return false;
    }

    /**
     * Digits in groups from {@code i}, split by one kind of separator (or, with {@code loose}, any of space, dash, dot
     * and parentheses); the end when their count is within bounds and at least two groups (of two or more digits
     * unless {@code loose}) were read, else -1.
     */
    private static int groupedDigits(Scan x, int i, int min, int max, boolean loose) {
        int j = i;
        int count = 0;
        int groups = 0;
        int groupLen = 0;
        char sep = 0;
        while (count <= max) {
            char c = x.at(j);
            if (isDigit(c)) {
                count++;
                groupLen++;
                j++;
                continue;
            }
            if (groupLen > 0) {
                groups++;
                if (!loose && groupLen < 2) {
                    return -1;
                }
            }
            groupLen = 0;
            boolean isSep = c == ' ' || c == '-' || c == '.' || (loose && (c == '(' || c == ')'));
            int next = j + 1;
            if (loose && isSep && (x.at(next) == ' ' || x.at(next) == '(')) {
                next++;
            }
            if (isSep && (loose || sep == 0 || sep == c) && isDigit(x.at(next))) {
                sep = c;
                j = next;
                continue;
            }
            break;
        }
        if (count < min || count > max || (!loose && groups < 2) || !ends(x, j)) {
            return -1;
        }
        return j;
    }

    private static boolean ends(Scan x, int j) {
        char c = x.at(j);
        return !isAlnum(c) && !(c == '.' && isDigit(x.at(j + 1))) && !(c == '-' && isDigit(x.at(j + 1)));
    }

    private static boolean digits(Scan x, int from, int len) {
        for (int k = from; k < from + len; k++) {
            if (!isDigit(x.at(k))) {
                return false;
            }
        }
        return true;
    }

    private static int number(Scan x, int from, int len) {
        int v = 0;
        for (int k = from; k < from + len; k++) {
            v = v * 10 + (x.at(k) - '0');
        }
        return v;
    }

    private static boolean isLocal(char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }
}
