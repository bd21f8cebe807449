package io.github.chatlog.redact;

/**
 * Masks what must not reach a log file in one piece of text. Implementations are stateless or thread-safe: one instance
 * serves every logging thread. Built-in rules come from {@link BuiltInRedactor}; users add their own regular
 * expressions ({@link PatternRule}) or their own class, named in {@code logback.xml}:
 *
 * <pre>{@code
 * <contextListener class="io.github.chatlog.logback.RedactionSettings">
 *   <redactor class="com.example.OrderIdRedactor"/>
 * </contextListener>
 * }</pre>
 *
 * A redactor must run in time linear in its input and must not throw; what it masks should be replaced by
 * {@link #mask(String)}.
 */
@FunctionalInterface
public interface Redactor {

    /** The text with what this redactor masks replaced, or the same instance when nothing was masked. */
    String redact(String text);

    /** The replacement for a masked value of {@code kind}: {@code [REDACTED:kind]}. */
    static String mask(String kind) {
        return MASK_PREFIX + kind + MASK_SUFFIX;
    }

    /** {@value}: how every mask starts. */
    String MASK_PREFIX = "[REDACTED:";
    /** {@value}. */
    String MASK_SUFFIX = "]";
}
