package io.github.chatlog.logback;

import ch.qos.logback.core.spi.ContextAwareBase;
import io.github.chatlog.file.StatusReporter;

/**
 * Adapts the file layer's reports to Logback's status manager, prefixed with the appender's name, and guards against a
 * flood: at most one error per {@value #DEFAULT_WINDOW_MS} ms; the next one says how many were suppressed. Warnings
 * (a file that resumed, a compression still running at stop) are rare by construction and always pass.
 */
final class RateLimitedStatus implements StatusReporter {

    static final long DEFAULT_WINDOW_MS = 5_000;

    private final ContextAwareBase owner;
    private final String prefix;
    private long windowStart = Long.MIN_VALUE;
    private int suppressed;

    RateLimitedStatus(ContextAwareBase owner, String appenderName) {
        this.owner = owner;
        this.prefix = "[" + appenderName + "] ";
    }

    @Override
    public void info(String message) {
        owner.addInfo(prefix + message);
    }

    @Override
    public void warn(String message) {
        owner.addWarn(prefix + message);
    }

    @Override
    public void error(String message, Throwable cause) {
        String text = admit(message);
        if (text != null) {
            if (cause == null) {
                owner.addError(text);
            } else {
                owner.addError(text, cause);
            }
        }
    }

    private synchronized String admit(String message) {
        long now = System.currentTimeMillis();
        if (windowStart != Long.MIN_VALUE && now - windowStart < DEFAULT_WINDOW_MS) {
            suppressed++;
            return null;
        }
        windowStart = now;
        String text = prefix + message;
        if (suppressed > 0) {
            text += " (" + suppressed + " similar reports suppressed)";
            suppressed = 0;
        }
        return text;
    }
}
