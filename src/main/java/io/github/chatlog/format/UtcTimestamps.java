package io.github.chatlog.format;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The master log's timestamps: ISO-8601 in UTC with milliseconds and {@code Z}, always 24 characters
 * ({@code 2024-12-19T14:32:01.123Z}). Being fixed-width, they sort as text in time order.
 */
public final class UtcTimestamps {

    /** Length of every timestamp this class writes. */
    public static final int LENGTH = 24;

    /** Per thread: the last second formatted, so a busy logger formats the date part once a second. */
    private static final ThreadLocal<SecondCache> CACHE = ThreadLocal.withInitial(SecondCache::new);

    private UtcTimestamps() {
    }

    public static String format(long epochMillis) {
        StringBuilder sb = new StringBuilder(LENGTH);
        append(sb, epochMillis);
        return sb.toString();
    }

    public static String format(Instant instant) {
        return format(instant.toEpochMilli());
    }

    public static void append(StringBuilder out, long epochMillis) {
        int millis = Math.floorMod(epochMillis, 1000);
        out.append(secondPrefix(epochMillis))
                .append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10))
                .append('Z');
    }

    /** Appends the timestamp of {@code epochMillis}, as {@link #append(StringBuilder, long)} does. */
    static void append(LineBytes out, long epochMillis) {
        int millis = Math.floorMod(epochMillis, 1000);
        out.appendAscii(secondPrefix(epochMillis));
        out.append((char) ('0' + millis / 100));
        out.append((char) ('0' + millis / 10 % 10));
        out.append((char) ('0' + millis % 10));
        out.append('Z');
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.} of the second {@code epochMillis} falls in. */
    private static String secondPrefix(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        SecondCache cache = CACHE.get();
        if (cache.second != second || cache.prefix == null) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            StringBuilder p = new StringBuilder(20);
            pad(p, t.getYear(), 4).append('-');
            pad(p, t.getMonthValue(), 2).append('-');
            pad(p, t.getDayOfMonth(), 2).append('T');
            pad(p, t.getHour(), 2).append(':');
            pad(p, t.getMinute(), 2).append(':');
            pad(p, t.getSecond(), 2).append('.');
            cache.prefix = p.toString();
            cache.second = second;
        }
        return cache.prefix;
    }

    /** Whether {@code s} from {@code offset} is a timestamp of exactly this form (digits checked, not calendar). */
    public static boolean isTimestamp(CharSequence s, int offset) {
        if (s.length() - offset < LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(offset + i);
            char want = "0000-00-00T00:00:00.000Z".charAt(i);
            if (want == '0' ? (c < '0' || c > '9') : c != want) {
                return false;
            }
        }
        return true;
    }

    public static Instant parse(String timestamp) {
        return Instant.parse(timestamp);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    private static final class SecondCache {
        long second = Long.MIN_VALUE;
        String prefix;
    }
}
