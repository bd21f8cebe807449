package io.github.chatlog.cli;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.file.LogPruner;
import io.github.chatlog.format.ConversationExport;
import io.github.chatlog.format.JsonText;
import io.github.chatlog.json.JsonLines;
import io.github.chatlog.json.ShippingFields;
import io.github.chatlog.format.TerminalText;
import io.github.chatlog.read.ChatStats;
import io.github.chatlog.read.ConversationSource;
import io.github.chatlog.read.EventSource;
import io.github.chatlog.read.StoredLog;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.MasterLogReader;
import io.github.chatlog.read.Reflection;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptSearch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code search}, {@code stats}, {@code reflect}, {@code export} and {@code prune}. */
final class AnalysisCommands {

    private AnalysisCommands() {
    }

    static long sinceMillis(String since) {
        Instant i = CliSupport.since(since);
        return i == null ? Long.MIN_VALUE : i.toEpochMilli();
    }

    @Command(name = "search", description = "Find conversation entries containing a text, newest first.")
    static final class Search implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "QUERY", description = "the text to find (case-insensitive)")
        String query;
        @Option(names = "--role", description = "user, assistant, system, tool or note")
        String role;
        @Option(names = "--since", paramLabel = "AGO", description = "30m, 1h, 7d or an ISO time")
        String since;
        @Option(names = "--limit", defaultValue = "10", description = "most hits, 0 for all (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--json", description = "one JSON object per hit")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 0) {
                throw new CliSupport.UsageError("--limit takes 0 (all hits) or more, not " + limit);
            }
            int wanted = limit == 0 || limit == Integer.MAX_VALUE ? Integer.MAX_VALUE : limit + 1; // one more: are there more?
            Path logs = db.given() ? null : dir.existing();
            Path sqlite = db.given() ? null : logs.resolve(LogLayout.DATABASE);
            List<TranscriptSearch.Hit> hits;
            if (db.given()) {
                try (StoredLog stored = db.open()) {
                    hits = TranscriptSearch.database(stored.store(), query, role, sinceMillis(since), wanted);
                }
            } else {
                hits = TranscriptSearch.databaseCurrent(logs, sqlite)
                        ? TranscriptSearch.database(sqlite, query, role, sinceMillis(since), wanted)
                        : TranscriptSearch.files(new TranscriptDirectory(logs, dir.zone), query, role, sinceMillis(since),
                        wanted);
            }
            boolean more = limit > 0 && hits.size() > limit;
            if (more) {
                hits = hits.subList(0, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            for (TranscriptSearch.Hit h : hits) {
                String where = h.file() != null ? logs.relativize(h.file()).toString()
                        : (db.given() ? CliSupport.DATABASE_HIT : LogLayout.DATABASE) + " session " + h.sessionId();
                if (json) {
                    out.println(TerminalText.json(JsonLines.object(doc -> {
                        doc.string(ShippingFields.TIMESTAMP, Instant.ofEpochMilli(h.timestamp()).toString());
                        doc.string(ShippingFields.SESSION_ID, h.sessionId());
                        doc.string(ShippingFields.ROLE, h.role());
                        doc.string(ShippingFields.MESSAGE, h.text());
                        doc.string("file", where);
                    })));
                } else {
                    out.println(TerminalText.line("[" + CliSupport.time(h.timestamp()) + "] " + h.role() + ": " + h.text()
                            + " (" + where + ")"));
                }
            }
            out.flush();
            if (more) {
                // on standard error, so a pipe or --json reader sees only hits
                spec.commandLine().getErr().printf("chatlog: search: showing the newest %d hits; there are more "
                        + "(--limit N for more, --limit 0 for all)%n", limit);
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    @Command(name = "stats", description = "Sessions, messages, latency percentiles, tokens, fallbacks, tools, errors.")
    static final class Stats implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "--since", paramLabel = "AGO", description = "30m, 1h, 7d or an ISO time")
        String since;
        @Option(names = "--by", paramLabel = "KEY", description = "model, provider or day")
        String by;
        @Option(names = "--json", description = "the figures as one JSON object")
        boolean json;

        @Override
        public Integer call() throws SQLException {
            Function<LogEntry, String> group = by == null ? null : switch (by) {
                case "model" -> ChatStats.byModel();
                case "provider" -> ChatStats.byProvider();
                case "day" -> ChatStats.byDay(dir.zone());
                default -> throw new CliSupport.UsageError("--by takes model, provider or day, not '" + by + "'");
            };
            long from = sinceMillis(since);
            ChatStats stats = new ChatStats(group);
            long masterErrors;
            try (StoredLog stored = db.given() ? db.open() : null) {
                Path logs = stored != null ? null : dir.existing();
                ConversationSource conversations = stored != null ? stored : new TranscriptDirectory(logs, dir.zone);
                conversations.forEach(t ->
                        stats.addSession(t.entries().stream().filter(e -> e.timestamp() >= from).toList()));
                EventSource events = stored != null ? stored : MasterLogReader.of(logs.resolve(LogLayout.MASTER_LOG));
                masterErrors = ChatStats.masterLogErrors(events, from == Long.MIN_VALUE ? null : Instant.ofEpochMilli(from));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                StringBuilder sb = new StringBuilder("{\"total\":").append(json(stats.total()))
                        .append(",\"master_log_errors\":").append(masterErrors);
                if (group != null) {
                    sb.append(",\"by_").append(by).append("\":{");
                    boolean first = true;
                    for (Map.Entry<String, ChatStats.Figures> g : stats.groups().entrySet()) {
                        if (!first) {
                            sb.append(',');
                        }
                        first = false;
                        JsonText.string(sb, g.getKey());
                        sb.append(':').append(json(g.getValue()));
                    }
                    sb.append('}');
                }
                out.println(TerminalText.json(sb.append('}').toString()));
            } else {
                print(out, "all", stats.total());
                out.printf(Locale.ROOT, "  error events in the master log %d (error:* and llm:error, in "
                        + "conversations or not)%n", masterErrors);
                for (Map.Entry<String, ChatStats.Figures> g : stats.groups().entrySet()) {
                    out.println();
                    print(out, by + " " + g.getKey(), g.getValue());
                }
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String title, ChatStats.Figures f) {
            out.printf(Locale.ROOT, "%s%n", TerminalText.line(title));
            out.printf(Locale.ROOT, "  sessions %d, messages %d, tool calls %d, decisions %d, errors %d (error rate %.1f%%)%n",
                    f.sessions, f.messages, f.toolCalls, f.decisions, f.errors, 100 * f.errorRate());
            out.printf(Locale.ROOT, "  latency p50 %s, p95 %s, p99 %s%n", ms(f.latencyPercentile(50)),
                    ms(f.latencyPercentile(95)), ms(f.latencyPercentile(99)));
            out.printf(Locale.ROOT, "  tokens in %d, out %d, speed %s%n", f.tokensIn, f.tokensOut,
                    f.tokensPerSecond() < 0 ? "-" : String.format(Locale.ROOT, "%.2f tok/s", f.tokensPerSecond()));
            out.printf(Locale.ROOT, "  fallbacks %d, low-confidence answers %d%n", f.fallbacks, f.lowConfidence);
            if (!f.topTools(5).isEmpty()) {
                out.printf(Locale.ROOT, "  top tools %s%n", TerminalText.line(f.topTools(5).toString()));
            }
        }

        private static String ms(long v) {
            return v < 0 ? "-" : v + " ms";
        }

        private static String json(ChatStats.Figures f) {
            StringBuilder sb = new StringBuilder("{");
            sb.append("\"sessions\":").append(f.sessions).append(",\"messages\":").append(f.messages)
                    .append(",\"tool_calls\":").append(f.toolCalls).append(",\"decisions\":").append(f.decisions)
                    .append(",\"errors\":").append(f.errors)
                    .append(",\"error_rate\":").append(String.format(Locale.ROOT, "%.4f", f.errorRate()))
                    .append(",\"latency_ms_p50\":").append(f.latencyPercentile(50))
                    .append(",\"latency_ms_p95\":").append(f.latencyPercentile(95))
                    .append(",\"latency_ms_p99\":").append(f.latencyPercentile(99))
                    .append(",\"tokens_in\":").append(f.tokensIn).append(",\"tokens_out\":").append(f.tokensOut)
                    .append(",\"tokens_per_second\":").append(String.format(Locale.ROOT, "%.2f", f.tokensPerSecond()))
                    .append(",\"fallbacks\":").append(f.fallbacks).append(",\"low_confidence\":").append(f.lowConfidence)
                    .append(",\"top_tools\":{");
            boolean first = true;
            for (Map.Entry<String, Integer> t : f.topTools(5)) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                JsonText.string(sb, t.getKey());
                sb.append(':').append(t.getValue());
            }
            return sb.append("}}").toString();
        }
    }

    @Command(name = "reflect", description = "Low-confidence answers, errors, recurring topics and insights over recent entries.")
    static final class Reflect implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "--limit", defaultValue = "30", description = "recent entries to look at (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws SQLException {
            // the most recent entries across all sessions, oldest first
            java.util.PriorityQueue<LogEntry> recent = new java.util.PriorityQueue<>(
                    java.util.Comparator.comparingLong(LogEntry::timestamp));
            if (limit < 1) {
                throw new CliSupport.UsageError("--limit takes 1 or more, not " + limit);
            }
            try (StoredLog stored = db.given() ? db.open() : null) {
                (stored != null ? stored : new TranscriptDirectory(dir.existing(), dir.zone)).forEach(t -> {
                    for (LogEntry e : t.entries()) {
                        recent.add(e);
                        if (recent.size() > limit) {
                            recent.poll();
                        }
                    }
                });
            }
            List<LogEntry> entries = new ArrayList<>(recent);
            entries.sort(java.util.Comparator.comparingLong(LogEntry::timestamp));
            Reflection r = new Reflection(entries);
            PrintWriter out = spec.commandLine().getOut();
            if (r.isEmpty()) {
                out.println("nothing to reflect on");
                out.flush();
                return 0;
            }
            out.println("Reflection over the last " + r.entries + " entries");
            out.println();
            out.println("Low-confidence answers (confidence < 0.5): " + r.lowConfidence.size());
            for (LogEntry e : r.lowConfidence) {
                out.println(TerminalText.line("  [" + CliSupport.time(e.timestamp()) + "] " + e.sessionId() + " (confidence "
                        + e.value(ChatKeys.CONFIDENCE) + "): " + e.message()));
            }
            out.println("Errors: " + r.errors.size());
            for (LogEntry e : r.errors) {
                out.println(TerminalText.line("  [" + CliSupport.time(e.timestamp()) + "] " + e.sessionId() + ": "
                        + (e.error() == null ? e.message() : e.error().describe())));
            }
            out.println(TerminalText.line("Recurring topics: " + (r.topics.isEmpty() ? "none" : r.topics)));
            if (!r.insights.isEmpty()) {
                out.println("Insights:");
                r.insights.forEach(i -> out.println(TerminalText.line("  - " + i)));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "export", description = "Conversations as fine-tuning JSONL, CSV or Markdown.")
    static final class Export implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "--format", required = true, description = "jsonl, csv or md")
        String format;
        @Option(names = "--out", paramLabel = "FILE", description = "write here (default: standard output)")
        Path outFile;
        @Option(names = "--since", paramLabel = "AGO", description = "only entries since: 30m, 1h, 7d or an ISO time")
        String since;
        @Option(names = "--session", paramLabel = "ID", description = "only this session")
        String session;
        @Option(names = "--system-prompt", paramLabel = "TEXT", description = "a system message to start each jsonl conversation")
        String systemPrompt;
        @Option(names = "--min-turns", defaultValue = "0", description = "skip sessions with fewer turns")
        int minTurns;

        @Override
        public Integer call() throws Exception {
            if (!List.of("jsonl", "csv", "md").contains(format)) {
                throw new CliSupport.UsageError("--format takes jsonl, csv or md, not '" + format + "'");
            }
            long from = sinceMillis(since);
            ConversationExport.Counts c;
            try (StoredLog stored = db.given() ? db.open() : null) {
                ConversationSource source = stored != null ? stored : new TranscriptDirectory(dir.existing(), dir.zone);
                // without --out, the command's own output (standard output unless the caller set another)
                Writer writer = outFile != null ? Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)
                        : spec.commandLine().getOut();
                try {
                    c = ConversationExport.export(format, source, t -> session == null || session.equals(t.sessionId()),
                            systemPrompt, minTurns, e -> e.timestamp() >= from, writer);
                } finally {
                    writer.flush();
                    if (outFile != null) {
                        writer.close();
                    }
                }
            }
            spec.commandLine().getErr().printf("exported %d session(s), %d entries%s%s%n", c.sessions(), c.entries(),
                    c.skippedNoAssistant() > 0 ? ", skipped " + c.skippedNoAssistant() + " without an assistant reply" : "",
                    c.skippedFewTurns() > 0 ? ", skipped " + c.skippedFewTurns() + " with fewer than " + minTurns + " turns" : "");
            spec.commandLine().getErr().flush();
            return 0;
        }
    }

    @Command(name = "prune", description = "Delete old transcripts and archives; compress older transcripts.")
    static final class Prune implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Spec
        CommandSpec spec;
        @Option(names = "--older-than", required = true, paramLabel = "AGE", description = "delete files not modified for: 30d, 12h …")
        String olderThan;
        @Option(names = "--compress-after", paramLabel = "AGE", description = "gzip transcripts not modified for: 7d …")
        String compressAfter;
        @Option(names = "--open-window", paramLabel = "AGE", defaultValue = "30m",
                description = "files modified this recently may be open and are left alone (default ${DEFAULT-VALUE})")
        String openWindow;
        @Option(names = "--dry-run", description = "print what would be done, change nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            LogPruner.Result r = new LogPruner(dir.existing(), age("--older-than", olderThan),
                    compressAfter == null ? 0 : age("--compress-after", compressAfter), age("--open-window", openWindow)).run(System.currentTimeMillis(), dryRun, note -> out.println(TerminalText.line(note)));
            out.printf("%s %d file(s), %s %d, %d bytes %s%n", dryRun ? "would delete" : "deleted", r.deleted().size(),
                    dryRun ? "would compress" : "compressed", r.compressed().size(), r.bytesFreed(),
                    dryRun ? "(not counting compression)" : "freed");
            out.flush();
            return 0;
        }

        private static long age(String option, String text) {
            Instant i = CliSupport.since(option, text);
            return Duration.between(i, Instant.now()).toMillis();
        }
    }
}
