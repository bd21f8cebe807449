package io.github.chatlog.logback;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * {@code %ex} with the context's redaction applied to the whole stack trace, exception messages and causes included:
 *
 * <pre>{@code <conversionRule conversionWord="ex" class="io.github.chatlog.logback.RedactedThrowableConverter"/>}</pre>
 *
 * Write {@code %ex} in the pattern: a pattern without it gets Logback's own, unredacted, converter added.
 */
public class RedactedThrowableConverter extends ThrowableProxyConverter {

    private EntryPipeline pipeline;

    @Override
    public void start() {
        pipeline = EntryPipeline.of(getContext());
        super.start();
    }

    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return pipeline.redactor().text(super.throwableProxyToString(tp));
    }
}
