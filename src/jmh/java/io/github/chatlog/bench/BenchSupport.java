package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** What every benchmark shares: a scratch directory, Logback contexts from XML, and the count of what was written. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** A fresh directory under {@code bench.dir} (default: the system temp directory). */
    static Path scratch(String name) {
        try {
            Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "chatlog-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoggerContext logback(String configurationBody) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(new ByteArrayInputStream(("<configuration>" + configurationBody + "</configuration>")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        var errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == ch.qos.logback.core.status.Status.ERROR).toList();
        if (!errors.isEmpty()) {
            throw new IllegalStateException("bench configuration failed: " + errors);
        }
        return context;
    }

    /** Line breaks in every file below {@code dir}, gzip archives decompressed. */
    /** Lines holding {@code needle} in the files below {@code dir}: entries of a format that adds lines of its own. */
    static long countLinesContaining(Path dir, String needle) {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                try (Stream<String> lines = Files.lines(p, java.nio.charset.StandardCharsets.UTF_8)) {
                    total += lines.filter(l -> l.contains(needle)).count();
                } catch (UncheckedIOException e) {
                    // not text (a lock file): no entries
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long countLines(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = p.getFileName().toString();
                // not logs: the database, and the dot files beside the logs (the lock, the chats/.layout description)
                if (name.startsWith(".") || name.endsWith(".db") || name.endsWith("-wal") || name.endsWith("-shm")) {
                    continue;
                }
                try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p), 1 << 16)
                        : Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                total++;
                            }
                        }
                    }
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails the run when what was written is not what was logged: a run that lost events is not a fast one. The failed
     * configuration is also noted in the file named by {@code bench.failures}, so the report leaves it out.
     */
    static void verify(org.openjdk.jmh.infra.BenchmarkParams run, long expected, long actual) {
        if (expected == actual) {
            return;
        }
        String key = failureKey(run.getBenchmark(), run.getThreads(), run.getParamsKeys().stream()
                .map(k -> k + "=" + run.getParam(k)).sorted().collect(java.util.stream.Collectors.joining(",")));
        String failures = System.getProperty("bench.failures");
        if (failures != null) {
            try {
                Files.writeString(Path.of(failures), key + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException(key + ": expected " + expected + " lines/rows, found " + actual
                + " - events were lost or duplicated, this run does not count");
    }

    /** How a configuration is named in the failures file and by the report. */
    static String failureKey(String benchmark, int threads, String params) {
        return benchmark + "|t" + threads + "|" + params;
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ASCII text of about {@code bytes} characters that no format escapes. */
    static String payload(int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        String words = "the quick brown fox jumps over the lazy dog ";
        while (sb.length() < bytes) {
            sb.append(words);
        }
        return sb.substring(0, bytes).trim();
    }

    /**
     * Assistant-reply text of about {@code bytes} characters: prose with the numbers, times, capitals, colons, equals
     * signs and dashes that replies have, and nothing a redaction rule masks; ASCII, so no format escapes it.
     */
    static String chatText(int bytes) {
        String[] sentences = {
                "Sure! Here's a quick summary of your order: 2 items, total $48.90, arriving Thursday. ",
                "To reset your password, open Settings, choose Security and follow the steps; it takes about 5 minutes. ",
                "The function returns a list of users sorted by last login, and you can pass limit=50 to page through them. ",
                "I couldn't find a flight before 9:30 on Monday, but there is one at 11:05 with a short layover in Madrid. ",
                "According to the docs, version 2.4 added streaming support, so upgrading should fix the time-out you see. ",
                "In short: drink water, rest well, and call your doctor if the fever stays above 38 C for two days. "};
        StringBuilder sb = new StringBuilder(bytes + 120);
        for (int i = 0; sb.length() < bytes; i++) {
            sb.append(sentences[i % sentences.length]);
        }
        return sb.substring(0, bytes).trim();
    }
}
