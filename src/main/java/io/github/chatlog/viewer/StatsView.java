package io.github.chatlog.viewer;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.read.ChatStats;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The statistics page's figures, computed by {@link ChatStats} (as {@code chatlog stats} computes them): the totals,
 * the same figures per time bucket (a minute, an hour or a day, whichever gives a readable number of points over the
 * span of the data), the most used tools and the figures per model.
 */
final class StatsView {

    /** Buckets of this length are used up to this span: minutes up to 3 hours, hours up to 4 days, then days. */
    private static final long MINUTES_UP_TO_MS = 3 * 3_600_000L;
    private static final long HOURS_UP_TO_MS = 4 * 86_400_000L;
    /** Empty buckets between the first and the last are filled in (as zeros) up to this many buckets: {@value}. */
    static final int MAX_FILLED_BUCKETS = 500;

    /** The figures as the API answers them. */
    record Result(ObjectNode json) {
    }

    private StatsView() {
    }

    /**
     * @param first      the time of the first entry (epoch millis), or -1 when there is none
     * @param last       the time of the last entry
     * @param sessions   hands every conversation's entries over, one at a time
     * @param masterErrors the error events of the master log (or the store's events)
     */
    static Result compute(long first, long last, ZoneId zone, Consumer<Consumer<List<LogEntry>>> sessions,
                          long masterErrors) {
        ChronoUnit unit = last - first <= MINUTES_UP_TO_MS ? ChronoUnit.MINUTES
                : last - first <= HOURS_UP_TO_MS ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        ChatStats overTime = new ChatStats(e -> String.format(Locale.ROOT, "%016d", bucketStart(e.timestamp(), zone, unit)));
        ChatStats byModel = new ChatStats(ChatStats.byModel());
        sessions.accept(entries -> {
            overTime.addSession(entries);
            byModel.addSession(entries);
        });
        ObjectNode o = JsonViews.object();
        o.put("bucket", unit == ChronoUnit.MINUTES ? "minute" : unit == ChronoUnit.HOURS ? "hour" : "day");
        o.put("zone", zone.getId());
        o.set("total", JsonViews.figures(overTime.total()));
        o.put("master_log_errors", masterErrors);
        ArrayNode points = o.putArray("over_time");
        TreeMap<Long, ChatStats.Figures> buckets = new TreeMap<>();
        overTime.groups().forEach((k, f) -> buckets.put(Long.parseLong(k), f));
        List<Long> starts = new ArrayList<>(buckets.keySet());
        if (!buckets.isEmpty() && between(buckets.firstKey(), buckets.lastKey(), zone, unit) <= MAX_FILLED_BUCKETS) {
            starts.clear();
            ZonedDateTime t = Instant.ofEpochMilli(buckets.firstKey()).atZone(zone);
            for (long at = buckets.firstKey(); at <= buckets.lastKey(); t = t.plus(1, unit), at = t.toInstant().toEpochMilli()) {
                starts.add(at);
            }
        }
        DateTimeFormatter label = DateTimeFormatter.ofPattern(unit == ChronoUnit.DAYS ? "yyyy-MM-dd"
                : unit == ChronoUnit.HOURS ? "yyyy-MM-dd HH:00" : "yyyy-MM-dd HH:mm", Locale.ROOT);
        ChatStats.Figures none = new ChatStats(null).total();
        for (long start : starts) {
            ObjectNode p = JsonViews.figures(buckets.getOrDefault(start, none));
            p.remove("sessions");
            p.put("start", Instant.ofEpochMilli(start).toString());
            p.put("label", label.format(Instant.ofEpochMilli(start).atZone(zone)));
            points.add(p);
        }
        o.set("top_tools", JsonViews.tools(overTime.total(), 10));
        ArrayNode models = o.putArray("models");
        List<Map.Entry<String, ChatStats.Figures>> byCount = new ArrayList<>(byModel.groups().entrySet());
        byCount.sort((a, b) -> Integer.compare(b.getValue().entries(), a.getValue().entries()));
        for (Map.Entry<String, ChatStats.Figures> m : byCount) {
            ObjectNode f = JsonViews.figures(m.getValue());
            f.put("model", m.getKey());
            models.add(f);
        }
        return new Result(o);
    }

    private static long bucketStart(long millis, ZoneId zone, ChronoUnit unit) {
        return Instant.ofEpochMilli(millis).atZone(zone).truncatedTo(unit).toInstant().toEpochMilli();
    }

    private static long between(long from, long to, ZoneId zone, ChronoUnit unit) {
        return unit.between(Instant.ofEpochMilli(from).atZone(zone), Instant.ofEpochMilli(to).atZone(zone));
    }
}
