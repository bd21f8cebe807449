package io.github.chatlog.adapters;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads back what an adapter test logged through logback-example.xml, with the figures that depend on the clock
 * (entry times, latencies, speeds) replaced by placeholders so the rest can be compared exactly.
 */
public final class AdapterLogs {

    private AdapterLogs() {
    }

    /** The one transcript whose {@code Session:} line names {@code id}, its clock-dependent figures masked. */
    public static String transcript(Path dir, String id) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.list(dir.resolve("chats"))) {
            found = files.filter(p -> read(p).contains("\nSession: " + id + "\n")).collect(Collectors.toList());
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one transcript for " + id + ", found " + found);
        }
        return masked(read(found.get(0)));
    }

    /** Every transcript file. */
    public static List<Path> transcripts(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("chats"))) {
            return files.sorted().collect(Collectors.toList());
        }
    }

    /**
     * The master-log lines after {@code app:start} and before {@code app:shutdown}, as {@code type|source|message},
     * latencies masked.
     */
    public static List<String> masterBody(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8).stream()
                .map(MasterLineFormat::parse)
                .filter(l -> !l.eventType().startsWith("app:"))
                .map(l -> l.eventType() + "|" + l.source() + "|" + masked(l.message()))
                .collect(Collectors.toList());
    }

    /** The parsed master-log lines. */
    public static List<MasterLine> master(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8).stream()
                .map(MasterLineFormat::parse).collect(Collectors.toList());
    }

    static String masked(String text) {
        return text.replaceAll("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\]", "[ts]")
                .replaceAll("(?m)^(Chat Log - Session started at|Session ended at) \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d", "$1 ts")
                .replaceAll("(latency_ms|ttft_ms|duration_ms)=\\d+", "$1=?")
                .replaceAll("(time|ttft|duration)=\\d+(\\.\\d+)?(ms|s)?", "$1=?")
                .replaceAll("speed=\\d+\\.\\d\\d tok/s", "speed=? tok/s");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
