package io.github.chatlog.redact;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's rule: a regular expression and the kind its matches are masked as. Declared in {@code logback.xml}:
 *
 * <pre>{@code
 * <contextListener class="io.github.chatlog.logback.RedactionSettings">
 *   <rule><kind>order_id</kind><pattern>ORD-[0-9]{8}</pattern></rule>
 * </contextListener>
 * }</pre>
 *
 * Java regular expressions backtrack, and a careless pattern can take minutes on a hostile message. So a match may
 * read each character at most {@value #READS_PER_CHAR} times; past that budget the whole text is masked as the rule's
 * kind (failing closed: nothing the rule was meant to hide gets through) and {@link #overruns()} counts it.
 */
public final class PatternRule implements Redactor {

    /** Reads per character of the text a rule may make, on top of {@value #BASE_READS}. */
    public static final int READS_PER_CHAR = 100;
    private static final long BASE_READS = 100_000;

    private final Pattern pattern;
    private final String kind;
    private final String mask;
    private final java.util.concurrent.atomic.AtomicLong overruns = new java.util.concurrent.atomic.AtomicLong();

    public PatternRule(String regex, String kind) {
        this.pattern = Pattern.compile(Objects.requireNonNull(regex, "pattern"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.mask = Redactor.mask(kind);
    }

    public String kind() {
        return kind;
    }

    public String pattern() {
        return pattern.pattern();
    }

    /** How often a text was masked whole because the rule ran past its budget. */
    public long overruns() {
        return overruns.get();
    }

    @Override
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        BudgetedText budgeted = new BudgetedText(text, BASE_READS + (long) READS_PER_CHAR * text.length());
        try {
            Matcher m = pattern.matcher(budgeted);
            if (!m.find()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length() + 16);
            int copied = 0;
            do {
                if (m.end() == m.start()) {
                    continue; // an empty match masks nothing
                }
                out.append(text, copied, m.start()).append(mask);
                copied = m.end();
            } while (m.find());
            return copied == 0 ? text : out.append(text, copied, text.length()).toString();
        } catch (BudgetedText.Exhausted e) {
            overruns.incrementAndGet();
            return mask;
        }
    }

    /** Text whose reads are counted; past the budget a read throws, which ends the match. */
    private static final class BudgetedText implements CharSequence {
        private final String s;
        private final int offset;
        private final int length;
        private final long[] left;

        BudgetedText(String s, long budget) {
            this(s, 0, s.length(), new long[]{budget});
        }

        private BudgetedText(String s, int offset, int length, long[] left) {
            this.s = s;
            this.offset = offset;
            this.length = length;
            this.left = left;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return s.charAt(offset + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedText(s, offset + start, end - start, left);
        }

        @Override
        public String toString() {
            return s.substring(offset, offset + length);
        }

        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }
    }
}
