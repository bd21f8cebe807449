package io.github.chatlog.logback;

/**
 * One {@code <rule>} of {@link RedactionSettings}: a Java regular expression and the kind its matches are masked as,
 * {@code [REDACTED:kind]}.
 *
 * <pre>{@code <rule><kind>order_id</kind><pattern>ORD-[0-9]{8}</pattern></rule>}</pre>
 */
public class RedactionRule {

    private String kind;
    private String pattern;

    public String getKind() {
        return kind;
    }

    /** The name in the mask; letters, digits and {@code _}. */
    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getPattern() {
        return pattern;
    }

    /** A {@link java.util.regex.Pattern} expression. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }
}
