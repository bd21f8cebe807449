package io.github.chatlog.redact;

/**
 * Whether a key names a secret, so its whole value is masked: {@code password}, {@code passwd}, {@code secret},
 * {@code token}, {@code api_key}, {@code apikey}, {@code authorization}, {@code cookie}, ... in any case and with any
 * of {@code _ - .} between the words ({@code X-Api-Key}, {@code AWS_SECRET_ACCESS_KEY}, {@code access_token}). A key
 * that merely contains a word is not one: {@code tokens}, {@code max_tokens} and {@code tokenizer} are ordinary.
 */
public final class SecretKeyNames {

    /** Longest key looked at; a longer one is not a secret's name. */
    static final int MAX_KEY = 64;

    /** Words that name a secret wherever they stand in the key. */
    private static final String[] CONTAINED = {"password", "passwd", "passphrase", "secret", "apikey", "accesskey",
            "privatekey", "authorization", "cookie", "credential", "signingkey", "encryptionkey"};
    /** Words that name a secret at the end of a key ({@code access_token}, {@code x_auth_token}). */
    private static final String[] ENDING = {"token"};
    /** Whole keys. */
    private static final String[] WHOLE = {"pwd", "pass", "auth", "dsn", "sessionkey", "privkey"};

    private SecretKeyNames() {
    }

    public static boolean isSecret(String key) {
        return key != null && isSecret(key, 0, key.length());
    }

    /** Whether {@code text[start, end)} names a secret; reads at most {@value #MAX_KEY} characters, allocates nothing. */
    static boolean isSecret(CharSequence text, int start, int end) {
        if (end - start < 3 || end - start > MAX_KEY) {
            return false;
        }
        char[] norm = new char[end - start]; // small and short-lived: scalar-replaced or cheap
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                norm[n++] = (char) (c + 32);
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                norm[n++] = c;
            } else if (c != '_' && c != '-' && c != '.') {
                return false;
            }
        }
        for (String w : WHOLE) {
            if (equals(norm, n, w)) {
                return true;
            }
        }
        for (String w : ENDING) {
            if (n >= w.length() && regionEquals(norm, n - w.length(), w)) {
                return true;
            }
        }
        for (String w : CONTAINED) {
            for (int i = 0; i + w.length() <= n; i++) {
                if (norm[i] == w.charAt(0) && regionEquals(norm, i, w)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean equals(char[] norm, int n, String w) {
        return n == w.length() && regionEquals(norm, 0, w);
    }

    private static boolean regionEquals(char[] norm, int from, String w) {
        for (int i = 0; i < w.length(); i++) {
            if (norm[from + i] != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
