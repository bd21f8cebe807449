package io.github.chatlog.logback;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;

/**
 * Checks an appender's settings in {@code start()}: each problem becomes one status error naming the appender and the
 * property ({@code [MASTER] property 'maxFileSize': 'ten megs' is not a file size …}), and is counted, so the appender
 * starts only when there were none. Settings are taken as text so that a bad value is reported here rather than by
 * Joran's converter, which names neither.
 */
final class SettingsCheck {

    private final ContextAwareBase owner;
    private final String appenderName;
    private int errors;

    SettingsCheck(ContextAwareBase owner, String appenderName) {
        this.owner = owner;
        this.appenderName = appenderName;
    }

    /** Reports a problem with {@code property}. */
    void error(String property, String problem) {
        owner.addError("[" + appenderName + "] property '" + property + "': " + problem);
        errors++;
    }

    /** A size such as {@code 10MB}; 0 when empty; -1 (reported) when not a size. */
    long size(String property, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long bytes = FileSize.valueOf(value.trim()).getSize();
            if (bytes < 0) {
                throw new IllegalArgumentException();
            }
            return bytes;
        } catch (RuntimeException e) {
            error(property, "'" + value + "' is not a file size (e.g. 10MB, 512KB, 1GB)");
            return -1;
        }
    }

    /** A positive duration such as {@code 30 minutes}, in milliseconds; -1 (reported) otherwise. */
    long duration(String property, String value) {
        try {
            long ms = (long) Duration.valueOf(value).getMilliseconds();
            if (ms > 0) {
                return ms;
            }
            error(property, "must be positive, not '" + value + "'");
        } catch (RuntimeException e) {
            error(property, "'" + value + "' is not a duration (e.g. 30 minutes, 1 second, 500 milliseconds)");
        }
        return -1;
    }

    /** The permissions of {@code fileMode} and {@code directoryMode}; null (reported) when either is not valid. */
    io.github.chatlog.file.FileModes modes(String fileMode, String directoryMode) {
        try {
            return io.github.chatlog.file.FileModes.parse(fileMode, directoryMode);
        } catch (IllegalArgumentException e) {
            error(e.getMessage().startsWith("directoryMode") ? "directoryMode" : "fileMode", e.getMessage());
            return null;
        }
    }

    /** Reports {@code problem} unless {@code ok}. */
    void require(boolean ok, String property, String problem) {
        if (!ok) {
            error(property, problem);
        }
    }

    /** True when no problem was found; otherwise reports that the appender does not start. */
    boolean passed() {
        if (errors > 0) {
            owner.addError("[" + appenderName + "] not started: " + errors + " configuration error(s)");
        }
        return errors == 0;
    }
}
