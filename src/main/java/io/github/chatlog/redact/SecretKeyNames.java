package io.github.chatlog.redact;

/**
 * Whether a key names a secret, so its whole value is masked. A key names one when, in any case and with any of
 * {@code _ - .} between its words, it ends with a secret's word ({@code password}, {@code passwd}, {@code passphrase},
 * {@code secret}, {@code token}, {@code api_key}, {@code apikey}, {@code access_key}, {@code private_key},
 * {@code authorization}, {@code cookie}, {@code credential}, ...: {@code X-Api-Key}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code access_token}, {@code Set-Cookie}) or is one of the short names {@code pwd}, {@code pass}, {@code auth},
 * {@code dsn}. Ordinary keys that merely contain such a word are not: {@code tokens}, {@code max_tokens},
 * {@code tokenizer}, {@code password_length}.
 *
 * <p>Checked at every {@code :} and {@code =} of every message, so it reads the key backwards in place: no allocation,
 * and a key whose last letter ends no secret's word is rejected after one comparison.
 */
public final class SecretKeyNames {

    /** Longest key looked at; a longer one is not a secret's name. */
    static final int MAX_KEY = 64;

    /** Words a secret's key ends with, normalised (lower case, no separators). */
    private static final String[] ENDINGS = {"password", "passwords", "passwd", "passphrase", "secret", "secrets",
            "token", "apikey", "accesskey", "secretkey", "privatekey", "signingkey", "encryptionkey", "sessionkey",
            "privkey", "authorization", "cookie", "cookies", "credential", "credentials", "clientsecret"};
    /** Keys that name a secret only as the whole key. */
    private static final String[] WHOLE = {"pwd", "pass", "auth", "dsn"};
    /** Endings by their last letter, so most keys are rejected at once. */
    private static final String[][] BY_LAST = new String[26][];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            java.util.List<String> words = new java.util.ArrayList<>();
            for (String w : ENDINGS) {
                if (w.charAt(w.length() - 1) == c) {
                    words.add(w);
                }
            }
            BY_LAST[c - 'a'] = words.toArray(new String[0]);
        }
    }

    private SecretKeyNames() {
    }

    public static boolean isSecret(String key) {
        return key != null && isSecret(key, 0, key.length());
    }

    /** Whether {@code text[start, end)} names a secret. */
    static boolean isSecret(CharSequence text, int start, int end) {
        if (end - start < 3 || end - start > MAX_KEY) {
            return false;
        }
        int last = lower(text.charAt(end - 1));
        if (last < 'a' || last > 'z') {
            return false;
        }
        for (String w : BY_LAST[last - 'a']) {
            if (endsWith(text, start, end, w) >= 0) {
                return true;
            }
        }
        for (String w : WHOLE) {
            if (endsWith(text, start, end, w) == start) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where {@code word} starts when the key, read backwards without its separators and in lower case, ends with it
     * (skipping separators before it, so a whole match returns {@code start}); -1 when it does not end with it.
     */
    private static int endsWith(CharSequence text, int start, int end, String word) {
        int k = end - 1;
        for (int w = word.length() - 1; w >= 0; w--) {
            while (k >= start && isSeparator(text.charAt(k))) {
                k--;
            }
            if (k < start || lower(text.charAt(k)) != word.charAt(w)) {
                return -1;
            }
            k--;
        }
        while (k >= start && isSeparator(text.charAt(k))) {
            k--;
        }
        return k + 1;
    }

    private static boolean isSeparator(char c) {
        return c == '_' || c == '-' || c == '.';
    }

    private static int lower(char c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
