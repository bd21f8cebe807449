package io.github.chatlog.redact;

import static io.github.chatlog.redact.Chars.isAlnum;
import static io.github.chatlog.redact.Chars.isDigit;
import static io.github.chatlog.redact.Chars.isLower;
import static io.github.chatlog.redact.Chars.isSpace;
import static io.github.chatlog.redact.Chars.isToken;
import static io.github.chatlog.redact.Chars.isUpper;

/**
 * The {@code secrets} rules, each entered at the one character that triggers it. Every rule either reads a bounded
 * number of characters or, when it reads a run of any length, matches it (and the scan goes on after the match), so a
 * pass stays linear in the text whatever it holds.
 */
final class SecretRules {

    static final String API_KEY = "api_key";
    static final String AWS_ACCESS_KEY = "aws_access_key";
    static final String AWS_SECRET_KEY = "aws_secret_key";
    static final String GITHUB_TOKEN = "github_token";
    static final String GITLAB_TOKEN = "gitlab_token";
    static final String SLACK_TOKEN = "slack_token";
    static final String GOOGLE_API_KEY = "google_api_key";
    static final String JWT = "jwt";
    static final String BEARER_TOKEN = "bearer_token";
    static final String BASIC_AUTH = "basic_auth";
    static final String PRIVATE_KEY = "private_key";
    static final String PASSWORD = "password";
    static final String CARD_NUMBER = "card_number";
    static final String SECRET = "secret";

    /** Longest quoted value of a secret-named key looked for; past it the value ends at white space. */
    private static final int MAX_QUOTED_VALUE = 4096;
    /** Longest {@code user:password} part of a URL looked at. */
    private static final int MAX_USERINFO = 256;
    private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"};

    private SecretRules() {
    }

    /** {@code sk-…}, GitLab {@code glpat-…}, Slack {@code xoxb-…}, and PEM private key blocks. */
    static boolean atDash(Scan x, int i) {
        if (x.at(i + 1) == '-') {
            return x.startsWith(i, "-----BEGIN ") && privateKeyBlock(x, i);
        }
        char p = x.at(i - 1);
        if (!isLower(p)) {
            return false;
        }
        if (p == 'k' && x.at(i - 2) == 's' && x.boundary(i - 2)) {
            return tokenAfter(x, i - 2, i + 1, 20, API_KEY);
        }
        int w = i - 1;
        while (w > i - 6 && isLower(x.at(w - 1))) {
            w--;
        }
        if (!x.boundary(w)) {
            return false;
        }
        int len = i - w;
        if (len >= 4 && x.at(w) == 'g' && x.at(w + 1) == 'l') {
            return tokenAfter(x, w, i + 1, 20, GITLAB_TOKEN);
        }
        if (len == 4 && (x.startsWith(w, "xox") || x.startsWith(w, "xapp"))) {
            return tokenAfter(x, w, i + 1, 10, SLACK_TOKEN);
        }
        return false;
    }

    /** GitHub {@code ghp_…}/{@code github_pat_…}, Stripe {@code sk_live_…}, Hugging Face {@code hf_…}. */
    static boolean atUnderscore(Scan x, int i) {
        char p = x.at(i - 1);
        if (x.at(i - 3) == 'g' && x.at(i - 2) == 'h' && "pousr".indexOf(p) >= 0 && x.boundary(i - 3)) {
            return alnumAfter(x, i - 3, i + 1, 30, GITHUB_TOKEN);
        }
        if (p == 'b' && x.startsWith(i - 6, "github") && x.boundary(i - 6) && x.startsWith(i + 1, "pat_")) {
            return tokenAfter(x, i - 6, i + 5, 22, GITHUB_TOKEN);
        }
        if (p == 'k' && (x.at(i - 2) == 's' || x.at(i - 2) == 'r') && x.boundary(i - 2)
                && (x.startsWith(i + 1, "live_") || x.startsWith(i + 1, "test_"))) {
            return alnumAfter(x, i - 2, i + 6, 10, API_KEY);
        }
        if (p == 'f' && x.at(i - 2) == 'h' && x.boundary(i - 2)) {
            return alnumAfter(x, i - 2, i + 1, 30, API_KEY);
        }
        return false;
    }

    /** AWS access key ids ({@code AKIA…}, and the secret key right after one) and Google API keys ({@code AIza…}). */
    static boolean atUpperA(Scan x, int i) {
        if (!isUpper(x.at(i + 1)) || !x.boundary(i)) {
            return false;
        }
        if (x.startsWith(i, "AIza")) {
            return exactRun(x, i + 4, 35) && x.hit(i, i + 39, GOOGLE_API_KEY);
        }
        for (String prefix : AWS_PREFIXES) {
            if (x.startsWith(i, prefix)) {
                int end = i + 20;
                for (int k = i + 4; k < end; k++) {
                    char c = x.at(k);
                    if (!isUpper(c) && !isDigit(c)) {
                        return false;
                    }
                }
                if (isAlnum(x.at(end))) {
                    return false;
                }
                awsSecretAfter(x, end);
                return x.hit(i, end, AWS_ACCESS_KEY);
            }
        }
        return false;
    }

    /** A 40-character secret access key within three separator characters after a key id becomes a second hit. */
    private static void awsSecretAfter(Scan x, int from) {
        int k = from;
        while (k < from + 3 && k < x.n && !isAlnum(x.at(k)) && x.at(k) != '/' && x.at(k) != '+') {
            k++;
        }
        int e = k;
        while (e < k + 41 && (isAlnum(x.at(e)) || x.at(e) == '/' || x.at(e) == '+')) {
            e++;
        }
        if (k > from && e - k == 40 && x.at(e) != '=') {
            x.pendingStart = k;
            x.pendingEnd = e;
            x.pendingKind = AWS_SECRET_KEY;
        }
    }

    /** JSON Web Tokens: {@code eyJ….eyJ….signature}. */
    static boolean atJ(Scan x, int i) {
        int start = i - 2;
        if (x.at(start) != 'e' || x.at(start + 1) != 'y' || !x.boundary(start) || start < x.floor) {
            return false;
        }
        int headerEnd = x.tokenRunEnd(start);
        if (headerEnd - start < 10 || x.at(headerEnd) != '.' || !x.startsWith(headerEnd + 1, "eyJ")) {
            return false;
        }
        int payloadEnd = x.tokenRunEnd(headerEnd + 1);
        if (x.at(payloadEnd) != '.') {
            return false;
        }
        int end = isToken(x.at(payloadEnd + 1)) ? x.tokenRunEnd(payloadEnd + 1) : payloadEnd + 1;
        return x.hit(start, end, JWT);
    }

    /** {@code Bearer <token>} and {@code Basic <base64 of user:password>}: the credential, not the scheme, is masked. */
    static boolean atUpperB(Scan x, int i) {
        if (!x.boundary(i)) {
            return false;
        }
        if (x.startsWith(i, "Bearer ")) {
            int t = skipSpaces(x, i + 7);
            int e = t;
            boolean mixed = false;
            while (e < x.n && isBearerChar(x.at(e))) {
                mixed |= !Chars.isUpper(x.at(e)) && !Chars.isLower(x.at(e));
                e++;
            }
            return e - t >= 8 && mixed && x.hit(t, e, BEARER_TOKEN);
        }
        if (x.startsWith(i, "Basic ")) {
            int t = skipSpaces(x, i + 6);
            int e = t;
            while (e < x.n && (isAlnum(x.at(e)) || x.at(e) == '+' || x.at(e) == '/' || x.at(e) == '=')) {
                e++;
            }
            return e - t >= 8 && (e - t) % 4 == 0 && !isAlnum(x.at(e)) && decodesToCredentials(x, t, e)
                    && x.hit(t, e, BASIC_AUTH);
        }
        return false;
    }

    /**
     * At {@code :} or {@code =}: the password of {@code scheme://user:password@host}, and the value of a key that names
     * a secret ({@code password=…}, {@code "api_key": "…"}, {@code Authorization: Bearer …}).
     */
    static boolean atAssignment(Scan x, int i) {
        char op = x.at(i);
        if (op == ':' && x.at(i + 1) == '/' && x.at(i + 2) == '/') {
            return urlPassword(x, i + 3);
        }
        int k = i - 1;
        char quote = 0;
        if (x.at(k) == ' ') {
            k--;
        }
        if (x.at(k) == '"' || x.at(k) == '\'') {
            quote = x.at(k);
            k--;
        }
        int keyEnd = k + 1;
        int limit = Math.max(x.floor, keyEnd - SecretKeyNames.MAX_KEY - 1);
        while (k >= limit && (Chars.isWord(x.at(k)) || x.at(k) == '-' || x.at(k) == '.')) {
            k--;
        }
        int keyStart = k + 1;
        if (keyStart == keyEnd || (quote != 0 && x.at(keyStart - 1) != quote)
                || !SecretKeyNames.isSecret(x.s, keyStart, keyEnd)) {
            return false;
        }
        int v = skipSpaces(x, i + 1);
        char q = x.at(v);
        if (q == '"' || q == '\'') {
            int close = v + 1;
            int bound = Math.min(x.n, v + 1 + MAX_QUOTED_VALUE);
            while (close < bound && x.at(close) != q) {
                close += x.at(close) == '\\' ? 2 : 1;
            }
            if (close < bound && x.at(close) == q) {
                return x.hit(v + 1, close, SECRET);
            }
            v++;
        }
        int e = valueEnd(x, v);
        // "Authorization: Bearer abc": the scheme word and its credential
        if (e - v <= 10 && x.at(e) == ' ' && allLetters(x, v, e) && !isSpace(x.at(e + 1))) {
            e = valueEnd(x, e + 1);
        }
        return x.hit(v, e, SECRET);
    }

    /** Payment card numbers: 13 to 19 digits, plain or in groups, with a known issuer prefix and a valid Luhn sum. */
    static boolean cardAt(Scan x, int i) {
        int digits = 0;
        int group = 0;
        int j = i;
        char sep = 0;
        while (digits <= 19) {
            char c = x.at(j);
            if (isDigit(c)) {
                digits++;
                group++;
                j++;
                continue;
            }
            boolean groupEnd = digits >= 13 && !isAlnum(c) && !(c == '.' && isDigit(x.at(j + 1)));
            if (groupEnd && isCard(x, i, j)) {
                return x.hit(i, j, CARD_NUMBER);
            }
            // printed cards group their digits by four to six
            if ((c == ' ' || c == '-') && (sep == 0 || sep == c) && isDigit(x.at(j + 1)) && digits < 19
                    && group >= 4 && group <= 6) {
                sep = c;
                group = 0;
                j++;
                continue;
            }
            return false;
        }
        return false;
    }

    private static boolean isCard(Scan x, int from, int to) {
        int[] d = new int[19];
        int n = 0;
        for (int k = from; k < to; k++) {
            char c = x.at(k);
            if (isDigit(c)) {
                d[n++] = c - '0';
            }
        }
        if (n < 13 || n > 19 || !knownIssuer(d, n)) {
            return false;
        }
        int sum = 0;
        for (int k = 0; k < n; k++) {
            int v = d[n - 1 - k];
            if ((k & 1) == 1) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
        }
        return sum % 10 == 0;
    }

    /** Visa, Mastercard, American Express, Discover, JCB, Diners, UnionPay and Maestro prefixes with their lengths. */
    private static boolean knownIssuer(int[] d, int n) {
        int p2 = d[0] * 10 + d[1];
        int p4 = p2 * 100 + d[2] * 10 + d[3];
        int p3 = p4 / 10;
        return (d[0] == 4 && (n == 13 || n == 16 || n == 19))
                || (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n == 16)
                || ((p2 == 34 || p2 == 37) && n == 15)
                || ((p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) && n >= 16)
                || (p4 >= 3528 && p4 <= 3589 && n >= 16)
                || (((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38) && n >= 14)
                || (p2 == 62 && n >= 16)
                || ((p2 == 50 || (p2 >= 56 && p2 <= 69)) && n >= 12);
    }

    private static boolean privateKeyBlock(Scan x, int i) {
        int headerEnd = -1;
        for (int k = i + 11; k < Math.min(x.n, i + 80); k++) {
            if (x.startsWith(k, "-----")) {
                headerEnd = k + 5;
                break;
            }
        }
        if (headerEnd < 0 || !contains(x, i, headerEnd, "PRIVATE KEY")) {
            return false;
        }
        int end = indexOf(x, "-----END ", headerEnd);
        if (end < 0) {
            return x.hit(i, x.n, PRIVATE_KEY); // an unterminated block: everything after the header may be key material
        }
        int close = indexOf(x, "-----", end + 9);
        return x.hit(i, close < 0 || close - end > 80 ? x.n : close + 5, PRIVATE_KEY);
    }

    private static boolean urlPassword(Scan x, int userinfo) {
        int colon = -1;
        int bound = Math.min(x.n, userinfo + MAX_USERINFO);
        for (int k = userinfo; k < bound; k++) {
            char c = x.at(k);
            if (c == '@') {
                return colon >= 0 && x.hit(colon + 1, k, PASSWORD);
            }
            if (c == ':' && colon < 0) {
                colon = k;
            } else if (isSpace(c) || c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>') {
                return false;
            }
        }
        return false;
    }

    private static boolean tokenAfter(Scan x, int start, int from, int min, String kind) {
        int e = from;
        while (e < x.n && isToken(x.at(e))) {
            e++;
        }
        return e - from >= min && x.hit(start, e, kind);
    }

    private static boolean alnumAfter(Scan x, int start, int from, int min, String kind) {
        int e = from;
        while (e < x.n && isAlnum(x.at(e))) {
            e++;
        }
        return e - from >= min && x.at(e) != '_' && x.hit(start, e, kind);
    }

    private static boolean exactRun(Scan x, int from, int len) {
        for (int k = from; k < from + len; k++) {
            if (!isToken(x.at(k))) {
                return false;
            }
        }
        return !isToken(x.at(from + len));
    }

    private static boolean isBearerChar(char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
    }

    private static int valueEnd(Scan x, int v) {
        int e = v;
        while (e < x.n) {
            char c = x.at(e);
            if (isSpace(c) || c == ',' || c == ';' || c == '&' || c == '"' || c == '\'' || c == '<' || c == '>'
                    || c == ')' || c == ']' || c == '}') {
                break;
            }
            e++;
        }
        return e;
    }

    private static boolean allLetters(Scan x, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isUpper(x.at(k)) && !isLower(x.at(k))) {
                return false;
            }
        }
        return to > from;
    }

    private static int skipSpaces(Scan x, int from) {
        int k = from;
        while (k < from + 8 && x.at(k) == ' ') {
            k++;
        }
        return k;
    }

    /** Whether base64 {@code text[from, to)} decodes to printable text with a {@code :} in it, as user:password does. */
    private static boolean decodesToCredentials(Scan x, int from, int to) {
        int bits = 0;
        int acc = 0;
        boolean colon = false;
        for (int k = from; k < to; k++) {
            char c = x.at(k);
            if (c == '=') {
                break;
            }
            int v = isUpper(c) ? c - 'A' : isLower(c) ? c - 'a' + 26 : isDigit(c) ? c - '0' + 52 : c == '+' ? 62 : 63;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int b = (acc >> bits) & 0xff;
                if (b < 0x20 || b > 0x7e) {
                    return false;
                }
                colon |= b == ':';
            }
        }
        return colon;
    }

    private static boolean contains(Scan x, int from, int to, String word) {
        for (int k = from; k + word.length() <= to; k++) {
            if (x.startsWith(k, word)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(Scan x, String word, int from) {
        if (x.s instanceof String str) {
            return str.indexOf(word, from);
        }
        for (int k = from; k + word.length() <= x.n; k++) {
            if (x.startsWith(k, word)) {
                return k;
            }
        }
        return -1;
    }
}
