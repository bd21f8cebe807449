package io.github.chatlog.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Retention for a log directory, run by hand or from cron ({@code chatlog prune}): transcripts and master-log archives
 * not modified for {@code olderThan} are deleted; transcripts not modified for {@code compressAfter} are gzipped (to
 * {@code name.log.gz}, through a {@code .tmp} file). A file modified within {@code openWindow} may belong to a session
 * still open and is never touched; the live {@code master.log} never is.
 */
public final class LogPruner {

    /** What a run did (or, dry, would do). */
    public record Result(List<Path> deleted, List<Path> compressed, long bytesFreed) {
    }

    private final Path logDirectory;
    private final long olderThanMillis;
    private final long compressAfterMillis;
    private final long openWindowMillis;

    /** @param compressAfterMillis 0: do not compress */
    public LogPruner(Path logDirectory, long olderThanMillis, long compressAfterMillis, long openWindowMillis) {
        this.logDirectory = logDirectory;
        this.olderThanMillis = olderThanMillis;
        this.compressAfterMillis = compressAfterMillis;
        this.openWindowMillis = openWindowMillis;
    }

    public Result run(long nowMillis, boolean dryRun, Consumer<String> report) throws IOException {
        List<Path> deleted = new ArrayList<>();
        List<Path> compressed = new ArrayList<>();
        long freed = 0;
        for (Path f : candidates()) {
            long modified = Files.getLastModifiedTime(f).toMillis();
            long age = nowMillis - modified;
            if (age < openWindowMillis) {
                continue; // may be an open session's file
            }
            String name = f.getFileName().toString();
            if (age >= olderThanMillis) {
                long size = Files.size(f);
                report.accept((dryRun ? "would delete " : "deleted ") + logDirectory.relativize(f));
                if (!dryRun) {
                    Files.deleteIfExists(f);
                }
                deleted.add(f);
                freed += size;
            } else if (compressAfterMillis > 0 && age >= compressAfterMillis && name.endsWith(".log")
                    && f.startsWith(logDirectory.resolve("chats"))) {
                Path gz = f.resolveSibling(name + ".gz");
                report.accept((dryRun ? "would compress " : "compressed ") + logDirectory.relativize(f));
                if (!dryRun) {
                    long before = Files.size(f);
                    gzip(f, gz, modified);
                    freed += before - Files.size(gz);
                }
                compressed.add(f);
            }
        }
        return new Result(deleted, compressed, freed);
    }

    private List<Path> candidates() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : new Path[]{logDirectory.resolve("chats"), logDirectory.resolve("archive")}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir, 4)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".log") || n.endsWith(".log.gz") || n.endsWith(".jsonl");
                }).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static void gzip(Path source, Path target, long modified) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(source); OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
            in.transferTo(out);
        }
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(modified)); // keeps its age for the next retention run
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(source);
    }
}
