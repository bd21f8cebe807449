package io.github.chatlog.redact;

/**
 * The built-in rules of SPEC §8 in one pass over the text: {@code secrets} (API keys, cloud and chat tokens, JWTs,
 * bearer and basic credentials, private key blocks, URL passwords, payment card numbers, values of secret-named keys)
 * and {@code pii} (e-mail addresses, phone numbers, IBANs, IP addresses, social security numbers).
 *
 * <p>Built for the logging thread: a table says which characters can start a rule, so ordinary text costs one lookup
 * per character and no allocation; a rule reads a bounded stretch from its trigger, or matches what it read. The
 * pass is linear in the text whatever it holds, so a hostile 1 MB message costs what a plain one does.
 */
public final class BuiltInRedactor implements Redactor {

    private static final byte DIGIT = 1;
    private static final byte AT = 2;
    private static final byte ASSIGN = 3;
    private static final byte DASH = 4;
    private static final byte UNDERSCORE = 5;
    private static final byte UPPER_A = 6;
    private static final byte UPPER_J = 7;
    private static final byte UPPER_B = 8;

    private final boolean secrets;
    private final boolean pii;
    private final byte[] triggers = new byte[128];

    public BuiltInRedactor(boolean secrets, boolean pii) {
        this.secrets = secrets;
        this.pii = pii;
        if (secrets || pii) {
            for (char c = '0'; c <= '9'; c++) {
                triggers[c] = DIGIT;
            }
            triggers[':'] = ASSIGN;
        }
        if (secrets) {
            triggers['='] = ASSIGN;
            triggers['-'] = DASH;
            triggers['_'] = UNDERSCORE;
            triggers['A'] = UPPER_A;
            triggers['J'] = UPPER_J;
            triggers['B'] = UPPER_B;
        }
        if (pii) {
            triggers['@'] = AT;
        }
    }

    public boolean secrets() {
        return secrets;
    }

    public boolean pii() {
        return pii;
    }

    @Override
    public String redact(String text) {
        return text == null ? null : redact((CharSequence) text);
    }

    /** The same pass over any text; for tests that count how often each character is read. */
    String redact(CharSequence text) {
        int n = text.length();
        Scan x = null;
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 128 || triggers[c] == 0) {
                continue;
            }
            if (x == null) {
                x = new Scan(text);
            }
            x.floor = copied;
            if (!matches(x, triggers[c], i)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 16);
            }
            out.append(text, copied, x.start).append(Redactor.MASK_PREFIX).append(x.kind).append(Redactor.MASK_SUFFIX);
            copied = x.end;
            if (x.pendingStart >= copied) {
                out.append(text, copied, x.pendingStart).append(Redactor.MASK_PREFIX).append(x.pendingKind)
                        .append(Redactor.MASK_SUFFIX);
                copied = x.pendingEnd;
            }
            x.pendingStart = -1;
            i = copied - 1;
        }
        if (out == null) {
            return text.toString();
        }
        return out.append(text, copied, n).toString();
    }

    private boolean matches(Scan x, byte trigger, int i) {
        return switch (trigger) {
            case DIGIT -> atDigit(x, i);
            case AT -> PiiRules.email(x, i);
            case ASSIGN -> (secrets && SecretRules.atAssignment(x, i))
                    || (pii && x.at(i) == ':' && PiiRules.ipv6(x, i));
            case DASH -> SecretRules.atDash(x, i);
            case UNDERSCORE -> SecretRules.atUnderscore(x, i);
            case UPPER_A -> SecretRules.atUpperA(x, i);
            case UPPER_J -> SecretRules.atJ(x, i);
            case UPPER_B -> SecretRules.atUpperB(x, i);
            default -> false;
        };
    }

    private boolean atDigit(Scan x, int i) {
        char p = x.at(i - 1);
        if (Chars.isDigit(p)) {
            return false;
        }
        if (Chars.isAlnum(p) || p == '_') {
            return pii && Chars.isUpper(p) && Chars.isUpper(x.at(i - 2)) && x.boundary(i - 2) && i - 2 >= x.floor
                    && PiiRules.iban(x, i - 2);
        }
        if (p == '.' && Chars.isDigit(x.at(i - 2))) {
            return false;
        }
        return (secrets && SecretRules.cardAt(x, i)) || (pii && PiiRules.numberAt(x, i));
    }
}
