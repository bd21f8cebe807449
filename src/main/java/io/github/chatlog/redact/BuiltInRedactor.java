package io.github.chatlog.redact;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

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
        return text == null ? null : scan(text, true);
    }

    /** The same pass over any text, reading it only through {@code charAt}: for tests that count the reads. */
    String redact(CharSequence text) {
        return scan(text, false);
    }

    /**
     * One pass. Candidates are found eight characters at a time: the text is copied, a chunk at a time, as the low
     * bytes of its characters into a per-thread buffer, and a word-at-a-time test picks the bytes in {@code [-, _]}, the
     * range every trigger lies in; ordinary letters, spaces and punctuation are passed over without a look each. A
     * candidate is then checked against the real character, so a non-Latin character whose low byte falls in the range
     * costs one extra look and nothing else.
     */
    private String scan(CharSequence text, boolean wordAtATime) {
        int n = text.length();
        boolean chunked = wordAtATime && n >= 16;
        Scan x = chunked ? Scan.forThread(text) : null;
        try {
            return chunked ? chunked((String) text, x) : charByChar(text);
        } finally {
            if (x != null) {
                x.done();
            }
        }
    }

    /** The plain loop: every character looked up in the trigger table. */
    private String charByChar(CharSequence text) {
        int n = text.length();
        Scan x = null;
        Masked out = new Masked(text);
        try {
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 128 || triggers[c] == 0) {
                    continue;
                }
                if (x == null) {
                    // the thread's scan (free here: scan() takes it only for the chunked loop), not a new one with
                    // its 4 KB buffer for every short value that holds a digit
                    x = Scan.forThread(text);
                }
                x.floor = out.copied;
                if (matches(x, triggers[c], i)) {
                    i = out.mask(x) - 1;
                }
            }
            return out.result();
        } finally {
            if (x != null) {
                x.done();
            }
        }
    }

    /**
     * The fast loop. Candidates are found eight characters at a time: the text is copied, a chunk at a time, as the
     * low bytes of its characters into the thread's buffer, and a word-at-a-time test picks the bytes that may be
     * triggers; ordinary letters, spaces and punctuation are passed over without a look each. With {@code pii} off, a
     * digit is a candidate only where four digits start (a card number's first group), so prices, times and dates
     * cost nothing. A candidate is then checked against the real character, so a non-Latin character whose low byte
     * looks like a trigger costs one extra look and nothing else.
     */
    private String chunked(String text, Scan x) {
        int n = text.length();
        byte[] buffer = x.buffer;
        Masked out = new Masked(text);
        int pos = 0;
        while (pos < n) {
            int chunkEnd = Math.min(n, pos + CHUNK);
            // 8 characters past the chunk too: a digit run's end may lie there
            copyLowBytes(text, pos, Math.min(n, chunkEnd + 8), buffer);
            int words = (chunkEnd - pos + 7) >>> 3;
            int resume = chunkEnd;
            long next = candidates(buffer, 0);
            for (int word = 0; word < words; word++) {
                long candidates = next;
                next = candidates(buffer, (word + 1) << 3);
                if (candidates != 0 && !pii) {
                    candidates = withoutShortDigitRuns(buffer, word, candidates);
                }
                while (candidates != 0) {
                    int at = pos + (word << 3) + (Long.numberOfTrailingZeros(candidates) >>> 3);
                    candidates &= candidates - 1;
                    int b = buffer[at - pos] & 0xff;
                    if (at >= chunkEnd || at < out.copied || triggers[b] == 0 || text.charAt(at) != b) {
                        continue;
                    }
                    x.floor = out.copied;
                    if (!matches(x, triggers[b], at)) {
                        continue;
                    }
                    int end = out.mask(x);
                    if (end >= chunkEnd) {
                        resume = end;
                        word = words; // leave this chunk: the next starts where the mask ended
                        break;
                    }
                    if (end > pos + ((word + 1) << 3)) {
                        // go on in the word the mask ended in; its candidates before the end are passed over
                        word = ((end - pos) >>> 3) - 1;
                        next = candidates(buffer, (word + 1) << 3);
                        break;
                    }
                }
            }
            pos = resume;
        }
        return out.result();
    }

    /** Characters copied per chunk: small enough to stay in the first-level cache. */
    static final int CHUNK = 4096;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;
    private static final long HIGH = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    private static long candidates(byte[] buffer, int offset) {
        return inRange((long) LONGS.get(buffer, offset));
    }

    /**
     * Drops the digit candidates of word {@code word} that do not start four digits in a row (looking into the next
     * word for the run's end); other candidates are kept.
     */
    private static long withoutShortDigitRuns(byte[] buffer, int word, long candidates) {
        long w = (long) LONGS.get(buffer, word << 3);
        long digits = between(w, 0x2F, 0x3A);
        if ((candidates & digits) == 0) {
            return candidates;
        }
        long nextDigits = between((long) LONGS.get(buffer, (word + 1) << 3), 0x2F, 0x3A);
        long run = digits & ((digits >>> 8) | (nextDigits << 56)) & ((digits >>> 16) | (nextDigits << 48))
                & ((digits >>> 24) | (nextDigits << 40));
        return (candidates & ~digits) | run;
    }

    /**
     * The high bit of each byte of {@code w} strictly between {@code low} and {@code high} (both at most 0x7F): the
     * exact per-byte "between" test of the bit-twiddling literature; bytes of 0x80 and more are never picked.
     */
    private static long between(long w, int low, int high) {
        long b = w & LOW7;
        return (ONES * (127 + high) - b) & ~w & (b + ONES * (127 - low)) & HIGH;
    }

    /**
     * The high bit of each byte of {@code w} in {@code [-, _]} (0x2D to 0x5F), where every trigger lies: digits,
     * {@code : = @ - _}, capitals. One test a word; the few other characters of that range (capitals, {@code . /})
     * cost a table look each.
     */
    private static long inRange(long w) {
        return between(w, 0x2C, 0x60);
    }

    @SuppressWarnings("deprecation") // wanted here: the low byte of each character, copied without decoding
    private static void copyLowBytes(String text, int from, int to, byte[] buffer) {
        text.getBytes(from, to, buffer, 0);
        // zeros up to two words past the end: the last word and the one looked into after it
        java.util.Arrays.fill(buffer, to - from, Math.min(buffer.length, ((to - from + 7) & ~7) + 8), (byte) 0);
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

    /** The output of one pass: built only once something is masked. */
    private static final class Masked {
        private final CharSequence text;
        private StringBuilder out;
        int copied;

        Masked(CharSequence text) {
            this.text = text;
        }

        /** Writes what came before the hit and its mask (and a second hit right after it); returns where to go on. */
        int mask(Scan x) {
            if (out == null) {
                out = new StringBuilder(text.length() + 16);
            }
            out.append(text, copied, x.start).append(Redactor.MASK_PREFIX).append(x.kind).append(Redactor.MASK_SUFFIX);
            copied = x.end;
            if (x.pendingStart >= copied) {
                out.append(text, copied, x.pendingStart).append(Redactor.MASK_PREFIX).append(x.pendingKind)
                        .append(Redactor.MASK_SUFFIX);
                copied = x.pendingEnd;
            }
            x.pendingStart = -1;
            return copied;
        }

        String result() {
            return out == null ? text.toString() : out.append(text, copied, text.length()).toString();
        }
    }
}
