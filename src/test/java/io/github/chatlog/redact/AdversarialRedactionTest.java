package io.github.chatlog.redact;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile 1 MB messages built to make each rule work hard: long runs of near-matches, trigger characters back to back,
 * unterminated blocks. Each pass must stay linear: the number of characters read is counted (no clock involved), and
 * a quadratic rule reads millions of times more than the bound allows.
 */
class AdversarialRedactionTest {

    private static final int SIZE = 1 << 20;
    /** Reads per character allowed: the rules' bounded look-arounds, with room to spare. */
    private static final long READS_PER_CHAR = 64;

    static Map<String, String> inputs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sk-dash", fill("sk-"));
        m.put("sk-short-tokens", fill("sk-abc "));
        m.put("gitlab", fill("glpat-"));
        m.put("slack", fill("xoxb-"));
        m.put("github", fill("ghp_"));
        m.put("stripe", fill("sk_live_"));
        m.put("aws", fill("AKIA"));
        m.put("aws-almost", fill("AKIAIOSFODNN7EXAMPL "));
        m.put("google", fill("AIza"));
        m.put("jwt-headers", fill("eyJ"));
        m.put("jwt-dots", fill("eyJhbGciOiJIUzI1NiJ9."));
        m.put("bearer-letters", "Bearer " + "a".repeat(SIZE));
        m.put("bearer-repeat", fill("Bearer "));
        m.put("basic", fill("Basic QUFBQUFB"));
        m.put("pem-no-end", fill("-----BEGIN RSA PRIVATE KEY-----"));
        m.put("pem-cert", fill("-----BEGIN CERTIFICATE-----"));
        m.put("dashes", "-".repeat(SIZE));
        m.put("url-no-at", fill("a://b:c"));
        m.put("url-colons", fill("://"));
        m.put("password-keys", fill("password="));
        m.put("password-quoted-open", fill("\"password\": \"x"));
        m.put("secret-keys-long", fill("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="));
        m.put("colons", ":".repeat(SIZE));
        m.put("equals", "=".repeat(SIZE));
        m.put("digits", "4".repeat(SIZE));
        m.put("digit-groups", fill("4111 "));
        m.put("digit-dashes", fill("1-"));
        m.put("ip-like", fill("1.2.3."));
        m.put("ssn-like", fill("123-45-"));
        m.put("phone-plus", fill("+1 2"));
        m.put("phone-zero", fill("0 12 "));
        m.put("iban-like", fill("DE89 "));
        m.put("at-signs", "@".repeat(SIZE));
        m.put("email-local", "a".repeat(SIZE / 2) + "@" + "b".repeat(SIZE / 2));
        m.put("email-dots", fill("a@b."));
        m.put("email-domains", fill("@aaaa.bbbb"));
        m.put("ipv6-hex", fill("ab:"));
        m.put("ipv6-double", fill("::"));
        m.put("underscores", "_".repeat(SIZE));
        m.put("uppercase", "A".repeat(SIZE));
        m.put("mixed", fill("sk-a@b.c:1=2 AKIA eyJ.eyJ. Bearer 4111-"));
        return m;
    }

    @Test
    void everyRuleStaysLinearOnHostileMegabytes() {
        BuiltInRedactor redactor = new BuiltInRedactor(true, true);
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String> e : inputs().entrySet()) {
            CountingText text = new CountingText(e.getValue());
            redactor.redact(text);
            long perChar = text.reads / text.length();
            report.append(e.getKey()).append(' ').append(perChar).append('\n');
            assertTrue(text.reads <= READS_PER_CHAR * text.length(),
                    e.getKey() + ": " + text.reads + " reads for " + text.length() + " characters");
        }
        System.out.println("reads per character:\n" + report);
    }

    @Test
    void userRulesAreStoppedBeforeTheyRunAway() {
        PatternRule catastrophic = new PatternRule("(a+)+b", "test");
        String text = "a".repeat(SIZE);
        // a backtracking blow-up is cut off by the read budget, and the field is masked rather than let through
        assertTrue(catastrophic.redact(text).equals(Redactor.mask("test")));
        assertTrue(new PatternRule("ORD-[0-9]{8}", "order_id").redact("see ORD-12345678.").equals("see [REDACTED:order_id]."));
    }

    private static String fill(String unit) {
        StringBuilder b = new StringBuilder(SIZE + unit.length());
        while (b.length() < SIZE) {
            b.append(unit);
        }
        return b.toString();
    }

    /** Text that counts how often a character of it is read. */
    private static final class CountingText implements CharSequence {
        private final String s;
        long reads;

        CountingText(String s) {
            this.s = s;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            reads++;
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            reads += end - start;
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            reads += s.length();
            return s;
        }
    }
}
