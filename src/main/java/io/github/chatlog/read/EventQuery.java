package io.github.chatlog.read;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.UtcTimestamps;

import java.time.Instant;
import java.util.List;

/**
 * Which master-log events to read: those at or after {@code since} (null: all), whose type matches one of
 * {@code typePatterns} (empty: any; {@code *} matches any run of characters, so {@code conversation:*} or
 * {@code *:error}), at most {@code limit} of them (0: no limit).
 */
public record EventQuery(Instant since, List<String> typePatterns, int limit) {

    public static final EventQuery ALL = new EventQuery(null, List.of(), 0);

    public EventQuery {
        typePatterns = List.copyOf(typePatterns);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
    }

    public EventQuery since(Instant instant) {
        return new EventQuery(instant, typePatterns, limit);
    }

    public EventQuery types(String... patterns) {
        return new EventQuery(since, List.of(patterns), limit);
    }

    public EventQuery limit(int max) {
        return new EventQuery(since, typePatterns, max);
    }

    /** The {@code since} bound as a master-log timestamp, which compares as text; null when unbounded. */
    String sinceTimestamp() {
        return since == null ? null : UtcTimestamps.format(since);
    }

    /** Whether {@code line} matches this query (its limit aside). */
    public boolean matches(MasterLine line) {
        return matches(line, sinceTimestamp());
    }

    boolean matches(MasterLine line, String sinceTimestamp) {
        if (sinceTimestamp != null && line.timestamp().compareTo(sinceTimestamp) < 0) {
            return false;
        }
        if (typePatterns.isEmpty()) {
            return true;
        }
        for (String pattern : typePatterns) {
            if (glob(pattern, 0, line.eventType(), 0)) {
                return true;
            }
        }
        return false;
    }

    static boolean glob(String pattern, int p, String text, int t) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                for (int k = t; k <= text.length(); k++) {
                    if (glob(pattern, p + 1, text, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length() || text.charAt(t) != c) {
                return false;
            }
            p++;
            t++;
        }
        return t == text.length();
    }
}
