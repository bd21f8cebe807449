package io.github.chatlog.redact;

import java.util.Locale;

/**
 * Which built-in rules are on, read from a comma list: {@code secrets} (the default), {@code pii}, or {@code none};
 * {@code secrets,pii} masks both.
 *
 * @param secrets API keys, tokens, credentials, card numbers, secret-named values
 * @param pii     e-mail addresses, phone numbers, IBANs, IP addresses, social security numbers, personal session ids
 */
public record RedactionPolicy(boolean secrets, boolean pii) {

    /** {@value}: the environment variable or system property that names the policy. */
    public static final String PROPERTY = "CHATLOG_REDACT";
    /** {@value}. */
    public static final String DEFAULT = "secrets";
    public static final RedactionPolicy SECRETS = new RedactionPolicy(true, false);
    public static final RedactionPolicy NONE = new RedactionPolicy(false, false);

    /** Reads a comma list; throws {@link IllegalArgumentException} naming the word it does not know. */
    public static RedactionPolicy parse(String list) {
        if (list == null || list.isBlank()) {
            return SECRETS;
        }
        boolean secrets = false;
        boolean pii = false;
        boolean none = false;
        for (String word : list.split(",")) {
            switch (word.trim().toLowerCase(Locale.ROOT)) {
                case "secrets" -> secrets = true;
                case "pii" -> pii = true;
                case "none", "off" -> none = true;
                case "" -> { }
                default -> throw new IllegalArgumentException("'" + word.trim() + "' is not one of secrets, pii, none");
            }
        }
        if (none && (secrets || pii)) {
            throw new IllegalArgumentException("'none' cannot be combined with '" + list.trim() + "'");
        }
        return new RedactionPolicy(secrets, pii);
    }

    @Override
    public String toString() {
        return secrets && pii ? "secrets,pii" : secrets ? "secrets" : pii ? "pii" : "none";
    }
}
