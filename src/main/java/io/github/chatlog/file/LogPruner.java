package io.github.chatlog.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 *
 * <p>Symbolic links are never followed: a link in {@code chats/} or {@code archive/} (or either folder being one) is
 * skipped with a note, attributes are read without following links, and files are opened with
 * {@link LinkOption#NOFOLLOW_LINKS}, so a run never reads, copies or deletes anything outside the log directory.
 *
 * <p>Applications may be writing the directory meanwhile: each file is removed under the lock their writers take
 * ({@link CoordinatedRemoval}), only if it was not written to since it was looked at, and a writer that had it open
 * moves to a new file; so a session that comes back to its file while the pruner runs loses nothing.
 */
public final class LogPruner {

    /** What a run did (or, dry, would do). */
    public record Result(List<Path> deleted, List<Path> compressed, long bytesFreed) {
    }

    private final Path logDirectory;
    private final LogLayout layout;
    private final long olderThanMillis;
    private final long compressAfterMillis;
    private final long openWindowMillis;

    /** @param compressAfterMillis 0: do not compress */
    public LogPruner(Path logDirectory, long olderThanMillis, long compressAfterMillis, long openWindowMillis) {
        this.logDirectory = logDirectory;
        this.layout = LogLayout.of(logDirectory, null);
        this.olderThanMillis = olderThanMillis;
        this.compressAfterMillis = compressAfterMillis;
        this.openWindowMillis = openWindowMillis;
    }

    public Result run(long nowMillis, boolean dryRun, Consumer<String> report) throws IOException {
        DirectoryLock lock = null;
        if (!dryRun) {
            try {
                lock = DirectoryLock.open(logDirectory);
            } catch (IOException | RuntimeException e) {
                report.accept("cannot use " + logDirectory.resolve(DirectoryLock.FILE_NAME) + " (" + e
                        + "): pruning without coordinating with the applications writing there");
            }
        }
        try {
            return run(nowMillis, dryRun, report, lock);
        } finally {
            if (lock != null) {
                lock.release();
            }
        }
    }

    private Result run(long nowMillis, boolean dryRun, Consumer<String> report, DirectoryLock lock) throws IOException {
        List<Path> deleted = new ArrayList<>();
        List<Path> compressed = new ArrayList<>();
        long freed = 0;
        Path realDirectory = logDirectory.toRealPath();
        for (Path f : candidates(report)) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // removed meanwhile
            }
            if (!attributes.isRegularFile() || !f.getParent().toRealPath().startsWith(realDirectory)) {
                report.accept("skipped " + logDirectory.relativize(f) + ": not a regular file inside " + logDirectory);
                continue; // replaced by a link, or its folder by one, since the walk
            }
            long modified = attributes.lastModifiedTime().toMillis();
            long age = nowMillis - modified;
            if (age < openWindowMillis) {
                continue; // may be an open session's file
            }
            String name = f.getFileName().toString();
            if (age >= olderThanMillis) {
                long[] size = {attributes.size()};
                // decided on the attributes read above; done only if a writer has not appended since (its entries
                // would go with the file), under the lock its writes take
                if (!dryRun && !CoordinatedRemoval.remove(lock, f, a -> dueForDeletion(a, nowMillis), (file, now) -> {
                    size[0] = now.size();
                    Files.deleteIfExists(file);
                })) {
                    continue; // written to, or removed, meanwhile
                }
                report.accept((dryRun ? "would delete " : "deleted ") + logDirectory.relativize(f));
                deleted.add(f);
                freed += size[0];
            } else if (compressAfterMillis > 0 && age >= compressAfterMillis && !name.endsWith(".gz")
                    && f.startsWith(layout.chats())) {
                Path gz = f.resolveSibling(name + ".gz");
                long[] saved = {0};
                if (!dryRun && !CoordinatedRemoval.remove(lock, f, a -> dueForCompression(a, nowMillis), (file, now) -> {
                    gzip(file, gz, now.lastModifiedTime().toMillis());
                    saved[0] = now.size() - Files.size(gz);
                })) {
                    continue;
                }
                report.accept((dryRun ? "would compress " : "compressed ") + logDirectory.relativize(f));
                compressed.add(f);
                freed += saved[0];
            }
        }
        return new Result(deleted, compressed, freed);
    }

    private boolean dueForDeletion(BasicFileAttributes a, long nowMillis) {
        long age = nowMillis - a.lastModifiedTime().toMillis();
        return age >= openWindowMillis && age >= olderThanMillis;
    }

    private boolean dueForCompression(BasicFileAttributes a, long nowMillis) {
        long age = nowMillis - a.lastModifiedTime().toMillis();
        return age >= openWindowMillis && age < olderThanMillis && age >= compressAfterMillis;
    }

    /** The log files under {@code chats/} and {@code archive/}; links met on the way are reported and left out. */
    private List<Path> candidates(Consumer<String> report) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : new Path[]{layout.chats(), layout.archive()}) {
            if (Files.isSymbolicLink(dir)) {
                report.accept("skipped " + logDirectory.relativize(dir) + ": a symbolic link, not followed");
                continue;
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            List<Path> found = new ArrayList<>();
            boolean chats = dir.equals(layout.chats());
            try (Stream<Path> s = Files.walk(dir, 4)) { // walk does not follow links to folders
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return Files.isSymbolicLink(p) || (chats ? layout.transcriptName(p) != null
                            : n.endsWith(".log") || n.endsWith(".log.gz"));
                }).sorted().forEach(found::add);
            }
            for (Path p : found) {
                if (Files.isSymbolicLink(p)) {
                    report.accept("skipped " + logDirectory.relativize(p) + ": a symbolic link, not followed");
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static void gzip(Path source, Path target, long modified) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a leftover of a crashed run, or something planted: removed, never written through
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            in.transferTo(out);
        }
        FileModes.copy(source, tmp); // the compressed file is as private as the one it replaces
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(modified)); // keeps its age for the next retention run
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(source);
    }
}
