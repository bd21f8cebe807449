package io.github.chatlog.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH's JSON results into the comparisons of the benchmark suite: one {@code ratio <name> <value>} line each on
 * standard output and, with {@code --write}, BENCHMARKS.md and docs/benchmarks.svg. Every ratio compares two figures
 * measured in the same run.
 *
 * <pre>{@code java -cp target/benchmarks.jar io.github.chatlog.bench.BenchReport [--write] [--mode quick|full] results*.json}</pre>
 */
public final class BenchReport {

    /** One measured configuration. */
    record Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
                  String unit, double p50, double p95, double p99, double allocPerOp) {

        String name() {
            return benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        }

        boolean is(String bench, String mode, int threads, String... kv) {
            if (!name().startsWith(bench) || !this.mode.equals(mode) || this.threads != threads) {
                return false;
            }
            for (int i = 0; i < kv.length; i += 2) {
                if (!kv[i + 1].equals(params.get(kv[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A comparison and its target: met when value {@code >=} target. */
    record Ratio(String name, double value, double target, String note) {
        boolean met() {
            return value >= target;
        }
    }

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        boolean write = false;
        String mode = "full";
        Path failuresFile = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--write" -> write = true;
                case "--mode" -> mode = args[++i];
                case "--failures" -> failuresFile = Path.of(args[++i]);
                default -> files.add(Path.of(args[i]));
            }
        }
        List<String> failed = failuresFile != null && Files.exists(failuresFile) ? Files.readAllLines(failuresFile) : List.of();
        List<Result> results = new ArrayList<>();
        for (Path f : files) {
            for (Result r : read(f)) {
                String key = BenchSupport.failureKey(r.benchmark(), r.threads(), r.params().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(java.util.stream.Collectors.joining(",")));
                if (failed.contains(key)) {
                    System.out.println("failed (lost or duplicated events, left out): " + key);
                } else {
                    results.add(r);
                }
            }
        }
        List<Ratio> ratios = ratios(results);
        if (!failed.isEmpty()) {
            System.out.println(failed.size() + " configuration(s) lost or duplicated events; their ratios are missing");
        }
        for (Ratio r : ratios) {
            System.out.printf(Locale.ROOT, "ratio %s %.3f%n", r.name(), r.value());
        }
        if (write) {
            Path report = Path.of("BENCHMARKS.md");
            String kept = Files.exists(report) ? analysis(Files.readString(report, StandardCharsets.UTF_8)) : "";
            Files.writeString(report, markdown(results, ratios, mode, failed) + kept, StandardCharsets.UTF_8);
            Files.createDirectories(Path.of("docs"));
            Files.writeString(Path.of("docs/benchmarks.svg"), svg(ratios), StandardCharsets.UTF_8);
            System.out.println("wrote BENCHMARKS.md and docs/benchmarks.svg");
        }
    }

    static List<Result> read(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        for (JsonNode n : JsonMapper.builder().build().readTree(Files.readString(file))) {
            Map<String, String> params = new TreeMap<>();
            JsonNode p = n.get("params");
            if (p != null) {
                for (Map.Entry<String, JsonNode> e : p.properties()) {
                    params.put(e.getKey(), e.getValue().asString());
                }
            }
            JsonNode primary = n.get("primaryMetric");
            JsonNode pct = primary.get("scorePercentiles");
            double alloc = Double.NaN;
            JsonNode secondary = n.get("secondaryMetrics");
            if (secondary != null) {
                for (Map.Entry<String, JsonNode> e : secondary.properties()) {
                    if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                        alloc = e.getValue().get("score").asDouble();
                    }
                }
            }
            out.add(new Result(n.get("benchmark").asString(), n.get("mode").asString(), n.get("threads").asInt(), params,
                    primary.get("score").asDouble(), primary.get("scoreError").asDouble(Double.NaN),
                    primary.get("scoreUnit").asString(), pct == null ? Double.NaN : pct.get("50.0").asDouble(),
                    pct == null || pct.get("95.0") == null ? Double.NaN : pct.get("95.0").asDouble(),
                    pct == null ? Double.NaN : pct.get("99.0").asDouble(), alloc));
        }
        return out;
    }

    static double score(List<Result> results, String bench, String mode, int threads, String... kv) {
        for (Result r : results) {
            if (r.is(bench, mode, threads, kv)) {
                return r.score();
            }
        }
        return Double.NaN;
    }

    static List<Ratio> ratios(List<Result> rs) {
        List<Ratio> out = new ArrayList<>();
        for (String size : new String[]{"100", "2048", "32768"}) {
            for (int t : new int[]{1, 2}) {
                for (String flush : new String[]{"false", "true"}) {
                    double ours = score(rs, "MasterLogBenchmark", "thrpt", t, "impl", "chatlog", "immediateFlush", flush, "size", size);
                    double base = score(rs, "MasterLogBenchmark", "thrpt", t, "impl", "logback", "immediateFlush", flush, "size", size);
                    add(out, "master-vs-logback-t" + t + "-flush-" + flush + "-" + size + "B", ours / base, 1.0, "");
                }
            }
            double buffered = score(rs, "MasterLogBenchmark", "thrpt", 1, "impl", "chatlog", "immediateFlush", "false", "size", size);
            double disk = score(rs, "RawDiskBenchmark", "thrpt", 1, "size", size);
            add(out, "master-vs-disk-" + size + "B", buffered / disk, 0.5, "");
        }
        for (String open : new String[]{"16384", "256"}) {
            double one = score(rs, "ChatBenchmark", "thrpt", 2, "impl", "chatlog", "sessions", "1", "maxOpenFiles", open);
            String suffix = open.equals("256") ? "-maxOpenFiles-256" : "";
            add(out, "chat-sessions-scaling-100" + suffix, score(rs, "ChatBenchmark", "thrpt", 2, "impl", "chatlog",
                    "sessions", "100", "maxOpenFiles", open) / one, 0.9, "");
            double ours = score(rs, "ChatBenchmark", "thrpt", 2, "impl", "chatlog", "sessions", "10000", "maxOpenFiles", open);
            add(out, "chat-sessions-scaling-10000" + suffix, ours / one, 0.75, "");
            add(out, "chat-vs-sifting" + suffix, ours / score(rs, "ChatBenchmark", "thrpt", 2, "impl", "sifting",
                    "sessions", "10000", "maxOpenFiles", open), 2.0, "");
            add(out, "chat-vs-log4j2-routing" + suffix, ours / score(rs, "ChatBenchmark", "thrpt", 2, "impl", "log4j2",
                    "sessions", "10000", "maxOpenFiles", open), 1.0, "");
        }
        // the file system's own cost of spreading writes over 10,000 files (information: no target)
        add(out, "disk-files-scaling-10000", score(rs, "FileSpreadBenchmark", "thrpt", 2, "files", "10000")
                / score(rs, "FileSpreadBenchmark", "thrpt", 2, "files", "1"), 0.0, "raw 100-byte writes from 2 threads "
                + "round-robin into 10,000 open files over the same into one file (FileSpreadBenchmark): the kernel is not "
                + "what makes chat-sessions-scaling-10000 fall (one file shared by two threads even costs it more)");
        // every setting at its default on both sides (maxOpenFiles=0 in ChatBenchmark), 10,000 sessions round-robin
        add(out, "chat-vs-sifting-default", score(rs, "ChatBenchmark", "thrpt", 2, "impl", "chatlog", "sessions", "10000",
                "maxOpenFiles", "0") / score(rs, "ChatBenchmark", "thrpt", 2, "impl", "sifting", "sessions", "10000",
                "maxOpenFiles", "0"), 1.0, "");
        // the same requests on a virtual thread each (Java 21+) and on 200 platform threads: virtual costs at most 10%
        double virtual = score(rs, "VirtualThreadBenchmark", "thrpt", 1, "model", "virtual");
        double platform = score(rs, "VirtualThreadBenchmark", "thrpt", 1, "model", "platform");
        add(out, "chat-virtual-vs-platform-threads", virtual / platform, 0.9, String.format(Locale.ROOT,
                "%.0f vs %.0f entries/s, %d requests into %d sessions", virtual * VirtualThreadBenchmark.REQUESTS,
                platform * VirtualThreadBenchmark.REQUESTS, VirtualThreadBenchmark.REQUESTS, VirtualThreadBenchmark.SESSIONS));
        for (Result r : rs) {
            if (!r.name().startsWith("ReadBenchmark.searchFiles")) {
                continue;
            }
            String mb = r.params().get("corpusMb");
            double grep = score(rs, "ReadBenchmark.grepBaseline", "ss", 1, "corpusMb", mb);
            // times per search (ms): the ratio is how many times grep's time ours takes; the target is within 3x
            add(out, "search-files-vs-grep-" + mb + "MB", grep / r.score(), 1.0 / 3, String.format(Locale.ROOT,
                    "ours %.0f ms, grep -rFc %.0f ms", r.score(), grep));
            double db = score(rs, "ReadBenchmark.searchDatabase", "ss", 1, "corpusMb", mb);
            add(out, "search-db-budget-100ms-" + mb + "MB", 100.0 / db, 1.0, String.format(Locale.ROOT, "%.1f ms per query", db));
            double export = score(rs, "ReadBenchmark.exportJsonl", "ss", 1, "corpusMb", mb);
            double mbPerS = Integer.parseInt(mb) / (export / 1000.0);
            add(out, "export-jsonl-vs-100MBps-" + mb + "MB", mbPerS / 100.0, 1.0, String.format(Locale.ROOT,
                    "%.0f MB/s (heap 256 MB)", mbPerS));
        }
        for (String size : new String[]{"100", "2048"}) {
            for (String flush : new String[]{"true", "false"}) {
                double secrets = score(rs, "RedactionBenchmark.log", "thrpt", 1, "redact", "secrets", "size", size,
                        "immediateFlush", flush);
                double plain = score(rs, "RedactionBenchmark.log", "thrpt", 1, "redact", "none", "size", size,
                        "immediateFlush", flush);
                // the default flush (immediateFlush=true) carries the name; the buffered figure is shown beside it
                add(out, "redaction-secrets-vs-none-" + size + "B" + (flush.equals("true") ? "" : "-buffered"),
                        secrets / plain, 0.9, String.format(Locale.ROOT, "%.0f vs %.0f events/s", secrets, plain));
            }
        }
        for (String rules : new String[]{"secrets", "secrets,pii"}) {
            double perSecond = score(rs, "Megabyte.redact", "thrpt", 1, "rules", rules);
            double mbPerS = perSecond * RedactionBenchmark.Megabyte.BYTES / (1024.0 * 1024.0);
            add(out, "redaction-throughput-1MB" + (rules.equals("secrets") ? "" : "-pii"), mbPerS / 100.0, 1.0,
                    String.format(Locale.ROOT, "%.0f MB/s, rules %s", mbPerS, rules));
        }
        double withProvider = score(rs, "JsonEncoderBenchmark", "thrpt", 1, "impl", "chatlog");
        double logstash = score(rs, "JsonEncoderBenchmark", "thrpt", 1, "impl", "logstash");
        add(out, "json-provider-vs-logstash-encoder", withProvider / logstash, 0.8, String.format(Locale.ROOT,
                "%.0f vs %.0f events/s (ChatlogJsonEncoder vs LogstashEncoder, same events)", withProvider, logstash));
        double none = score(rs, "SyncCostBenchmark", "thrpt", 1, "sync", "none");
        for (String mode : new String[]{"interval", "every"}) {
            // a cost, not a contest: reported, with no target to meet
            add(out, "sync-" + mode + "-vs-none", score(rs, "SyncCostBenchmark", "thrpt", 1, "sync", mode) / none, 0.0,
                    "throughput with sync=" + mode + " relative to sync=none (immediateFlush)");
        }
        double appender = score(rs, "StoreBenchmark", "thrpt", 2, "impl", "appender");
        add(out, "sqlite-vs-jdbc", appender / score(rs, "StoreBenchmark", "thrpt", 2, "impl", "jdbc"), 0.7, "");
        add(out, "sqlite-rate-vs-100k", appender / 100_000, 1.0, "appender events/s over the 100,000/s target");
        double postgres = score(rs, "PostgresBenchmark", "thrpt", 2, "impl", "appender");
        double postgresJdbc = score(rs, "PostgresBenchmark", "thrpt", 2, "impl", "jdbc");
        add(out, "postgres-vs-jdbc", postgres / postgresJdbc, 0.8, String.format(Locale.ROOT,
                "%.0f vs %.0f rows/s (the appender vs plain JDBC batch inserts of the same rows)", postgres, postgresJdbc));
        // the absolute rate, as a cost rather than a contest: no target
        add(out, "postgres-rows-per-s-1k", postgres / 1_000, 0.0, String.format(Locale.ROOT,
                "the appender's rows/s into PostgreSQL, in thousands (plain JDBC: %.1f)", postgresJdbc / 1_000));
        for (Result r : rs) {
            if (r.is("MasterLogBenchmark", "sample", 1, "impl", "chatlog", "immediateFlush", "false", "size", "100")) {
                double p99us = toMicros(r.p99(), r.unit());
                add(out, "master-p99-budget-5us", 5.0 / p99us, 1.0, String.format(Locale.ROOT, "p99 %.2f us", p99us));
            }
            if (r.is("MasterLogBenchmark", "thrpt", 1, "immediateFlush", "false", "size", "100") && !Double.isNaN(r.allocPerOp())
                    && r.params().get("impl").equals("chatlog")) {
                double logback = Double.NaN;
                for (Result b : rs) {
                    if (b.is("MasterLogBenchmark", "thrpt", 1, "impl", "logback", "immediateFlush", "false", "size", "100")) {
                        logback = b.allocPerOp();
                    }
                }
                // what the call allocates beyond the same call through Logback's FileAppender, against a 64-byte budget
                add(out, "master-alloc-vs-logback", logback / r.allocPerOp(), 1.0, String.format(Locale.ROOT,
                        "Logback FileAppender %.0f B/op over ours %.0f B/op", logback, r.allocPerOp()));
                add(out, "master-alloc-budget-64B", 64.0 / Math.max(1, r.allocPerOp() - logback), 1.0,
                        String.format(Locale.ROOT, "%.0f B/op vs Logback FileAppender %.0f B/op", r.allocPerOp(), logback));
            }
        }
        // the viewer's API over HTTP: p95 of a sampled request against its budget
        for (Result r : rs) {
            if (r.is("ViewerBenchmark.sessionsFirstPage", "sample", 1)) {
                double p95 = toMicros(r.p95(), r.unit()) / 1000;
                add(out, "viewer-sessions-api-p95-budget-100ms", 100.0 / p95, 1.0, String.format(Locale.ROOT,
                        "p95 %.1f ms, p50 %.1f ms: GET /api/sessions (first page) over %,d sessions in SQLite", p95,
                        toMicros(r.p50(), r.unit()) / 1000, ViewerBenchmark.SESSIONS));
            }
            if (r.is("ViewerBenchmark.conversationFirstPage", "sample", 1)) {
                double p95 = toMicros(r.p95(), r.unit()) / 1000;
                add(out, "viewer-conversation-p95-budget-200ms", 200.0 / p95, 1.0, String.format(Locale.ROOT,
                        "p95 %.1f ms, p50 %.1f ms: GET /api/sessions/{id} (first page) of a %,d-entry text transcript",
                        p95, toMicros(r.p50(), r.unit()) / 1000, ViewerBenchmark.ENTRIES));
            }
        }
        return out;
    }

    private static void add(List<Ratio> out, String name, double value, double target, String note) {
        if (!Double.isNaN(value) && !Double.isInfinite(value)) {
            out.add(new Ratio(name, value, target, note));
        }
    }

    private static double toMicros(double value, String unit) {
        return switch (unit) {
            case "ns/op" -> value / 1000;
            case "ms/op" -> value * 1000;
            case "s/op" -> value * 1_000_000;
            default -> value;
        };
    }

    static String markdown(List<Result> rs, List<Ratio> ratios, String mode, List<String> failed) {
        StringBuilder md = new StringBuilder();
        Runtime rt = Runtime.getRuntime();
        md.append("# Benchmarks\n\n")
                .append("Generated by `bench/run.sh` (").append(mode).append(" mode); every ratio compares figures measured ")
                .append("in the same run, on the same machine. Every benchmark counts the lines or rows it wrote ")
                .append("afterwards and fails a run that lost or duplicated events.\n\n")
                .append("![ratios](docs/benchmarks.svg)\n\n")
                .append("## Machine\n\n")
                .append("| | |\n|---|---|\n")
                .append("| CPUs | ").append(rt.availableProcessors()).append(" |\n")
                .append("| Max heap | ").append(rt.maxMemory() / (1024 * 1024)).append(" MB |\n")
                .append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append(" |\n")
                .append("| JVM | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(" |\n")
                .append("| Report JVM arguments | ").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append(" |\n\n");
        md.append("## Ratios\n\n| Comparison | Ratio | Target | Met | Note |\n|---|---:|---:|:---:|---|\n");
        for (Ratio r : ratios) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f | %s | %s |%n", r.name(), r.value(), r.target(),
                    r.met() ? "yes" : "**no**", r.note()));
        }
        md.append("\n## Results\n\n| Benchmark | Parameters | Threads | Mode | Score | Error | Unit | p50 | p99 | B/op |\n")
                .append("|---|---|---:|---|---:|---:|---|---:|---:|---:|\n");
        for (Result r : rs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.1f | %s | %s | %s | %s |%n", r.name(),
                    r.params().toString().replace("{", "").replace("}", ""), r.threads(), r.mode(), r.score(), r.error(),
                    r.unit(), fmt(r.p50()), fmt(r.p99()), fmt(r.allocPerOp())));
        }
        if (!failed.isEmpty()) {
            md.append("\n## Runs that lost or duplicated events (left out)\n\n");
            for (String f : failed) {
                md.append("- `").append(f).append("`\n");
            }
        }
        md.append("\nSample-mode percentiles are in the benchmark's unit per call; B/op is JMH's `gc.alloc.rate.norm` "
                + "for the whole logging call, Logback's own event included.\n");
        return md.toString();
    }

    /** The heading of the written-by-hand part of BENCHMARKS.md (profiles, what bounds a gap), which a run keeps. */
    static final String ANALYSIS = "## Profiles and analysis";

    /** The hand-written part of an existing report, from its heading to the end; empty when it has none. */
    static String analysis(String report) {
        int at = report.indexOf("\n" + ANALYSIS + "\n");
        return at < 0 ? "" : report.substring(at);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String svg(List<Ratio> ratios) {
        int rowHeight = 22;
        int labelWidth = 330;
        int barWidth = 420;
        double max = 2.5;
        for (Ratio r : ratios) {
            max = Math.max(max, Math.min(r.value(), 10));
        }
        int height = 40 + ratios.size() * rowHeight;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='12'>%n", labelWidth + barWidth + 80, height));
        s.append("<text x='10' y='18' font-weight='bold'>logback-chatlog: ratios against baselines (same run; bar = ratio, "
                + "line = target)</text>\n");
        int y = 32;
        for (Ratio r : ratios) {
            double shown = Math.min(r.value(), max);
            int w = (int) Math.round(barWidth * shown / max);
            int tx = labelWidth + (int) Math.round(barWidth * r.target() / max);
            s.append(String.format(Locale.ROOT, "<text x='10' y='%d'>%s</text>%n", y + 14, r.name()));
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='16' fill='%s'/>%n", labelWidth, y + 2,
                    Math.max(1, w), r.met() ? "#3a8f4b" : "#c0392b"));
            s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black' stroke-width='2'/>%n",
                    tx, y, tx, y + 20));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%.2f</text>%n", labelWidth + w + 6, y + 14, r.value()));
            y += rowHeight;
        }
        return s.append("</svg>\n").toString();
    }
}
