package io.github.chatlog.file;

import java.util.Locale;

/**
 * How far a written record is pushed before the logging call returns.
 * <ul>
 *   <li>{@link #NONE}: handed to the operating system (with {@code immediateFlush}, the default): survives a crash of
 *       the process, not of the machine;</li>
 *   <li>{@link #INTERVAL}: also forced to the disk at most every {@code syncInterval}: a machine crash or power loss
 *       loses at most that much;</li>
 *   <li>{@link #EVERY}: forced to the disk before the call returns: survives a machine crash or power loss, at the cost
 *       of one fsync per record.</li>
 * </ul>
 */
public enum SyncMode {
    NONE, INTERVAL, EVERY;

    /** The mode named {@code none}, {@code interval} or {@code every}; null for any other name. */
    public static SyncMode named(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "interval" -> INTERVAL;
            case "every" -> EVERY;
            default -> null;
        };
    }
}
