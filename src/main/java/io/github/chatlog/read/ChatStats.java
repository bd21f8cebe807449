package io.github.chatlog.read;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Figures over conversation entries: counts, latency percentiles (nearest rank), tokens, speed, fallbacks,
 * low-confidence answers (confidence below {@value #LOW_CONFIDENCE}), top tools, error rate. Feed it entries with
 * {@link #addSession}, one conversation at a time; read the figures, overall or per group.
 */
public final class ChatStats {

    /** Answers below this confidence count as low-confidence. */
    public static final double LOW_CONFIDENCE = 0.5;

    /** The figures of one group of entries. */
    public static final class Figures {
        public int sessions;
        public int messages;
        public int toolCalls;
        public int decisions;
        public int errors;
        public long tokensIn;
        public long tokensOut;
        public int fallbacks;
        public int lowConfidence;
        final List<Long> latencies = new ArrayList<>();
        long generationMillis;
        long generatedTokens;
        final Map<String, Integer> tools = new TreeMap<>();

        /** The nearest-rank percentile of assistant latencies in ms, or -1 without any. */
        public long latencyPercentile(double p) {
            if (latencies.isEmpty()) {
                return -1;
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
        }

        /** Output tokens per second over entries that gave tokens and latency; -1 when none did. */
        public double tokensPerSecond() {
            return generationMillis > 0 ? generatedTokens / (generationMillis / 1000.0) : -1;
        }

        public int entries() {
            return messages + toolCalls + decisions + errors;
        }

        /** Errors per entry, 0..1. */
        public double errorRate() {
            return entries() == 0 ? 0 : errors / (double) entries();
        }

        /** The most used tools, most first. */
        public List<Map.Entry<String, Integer>> topTools(int n) {
            List<Map.Entry<String, Integer>> all = new ArrayList<>(tools.entrySet());
            all.sort((a, b) -> b.getValue() - a.getValue());
            return all.subList(0, Math.min(n, all.size()));
        }

        void add(LogEntry e) {
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            switch (type) {
                case ChatKeys.TYPE_TOOL_CALL -> {
                    toolCalls++;
                    tools.merge(e.value(ChatKeys.TOOL) == null ? "?" : e.value(ChatKeys.TOOL), 1, Integer::sum);
                }
                case ChatKeys.TYPE_DECISION -> decisions++;
                case ChatKeys.TYPE_ERROR -> errors++;
                default -> messages++;
            }
            double in = ChatKeys.number(e.value(ChatKeys.TOKENS_IN));
            double out = ChatKeys.number(e.value(ChatKeys.TOKENS));
            double latency = ChatKeys.number(e.value(ChatKeys.LATENCY_MS));
            tokensIn += Double.isNaN(in) ? 0 : (long) in;
            tokensOut += Double.isNaN(out) ? 0 : (long) out;
            if ("assistant".equals(e.role()) && ChatKeys.TYPE_MESSAGE.equals(type) && !Double.isNaN(latency)) {
                latencies.add((long) latency);
            }
            if (!Double.isNaN(out) && !Double.isNaN(latency) && latency > 0) {
                generationMillis += (long) latency;
                generatedTokens += (long) out;
            }
            if (e.value(ChatKeys.FALLBACK_FROM) != null) {
                fallbacks++;
            }
            double confidence = ChatKeys.number(e.value(ChatKeys.CONFIDENCE));
            if (!Double.isNaN(confidence) && confidence < LOW_CONFIDENCE) {
                lowConfidence++;
            }
        }
    }

    private final Figures total = new Figures();
    private final Map<String, Figures> groups = new LinkedHashMap<>();
    private final Function<LogEntry, String> groupOf;

    /** @param groupOf the group of an entry ({@code null}: not grouped), e.g. {@link #byModel()} */
    public ChatStats(Function<LogEntry, String> groupOf) {
        this.groupOf = groupOf;
    }

    public static Function<LogEntry, String> byModel() {
        return e -> e.value(ChatKeys.MODEL);
    }

    public static Function<LogEntry, String> byProvider() {
        return e -> e.value(ChatKeys.PROVIDER);
    }

    public static Function<LogEntry, String> byDay(ZoneId zone) {
        return e -> Instant.ofEpochMilli(e.timestamp()).atZone(zone).toLocalDate().toString();
    }

    /** Adds one conversation's entries. */
    public void addSession(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        total.sessions++;
        java.util.Set<String> seenGroups = new java.util.HashSet<>();
        for (LogEntry e : entries) {
            total.add(e);
            if (groupOf != null) {
                String g = groupOf.apply(e);
                if (g != null) {
                    Figures f = groups.computeIfAbsent(g, k -> new Figures());
                    f.add(e);
                    if (seenGroups.add(g)) {
                        f.sessions++;
                    }
                }
            }
        }
    }

    /**
     * The error events in a master log since {@code since} (null: all): {@code error:*} and {@code llm:error}, from
     * conversations or not, so a figure that matches what {@code tail --type 'error:*'} shows.
     */
    public static long masterLogErrors(EventSource log, Instant since) {
        EventQuery query = EventQuery.ALL.types(ERROR_EVENT_TYPES.toArray(String[]::new));
        try (java.util.stream.Stream<io.github.chatlog.format.MasterLine> lines =
                     log.lines(since == null ? query : query.since(since))) {
            return lines.count();
        }
    }

    /** The master-log event types counted as errors: {@code error:*} and {@code llm:error}. */
    public static final List<String> ERROR_EVENT_TYPES = List.of("error:*", "llm:error");

    public Figures total() {
        return total;
    }

    /** Per group, in the order groups were first seen (days sort themselves). */
    public Map<String, Figures> groups() {
        return groups;
    }
}
