package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Retention across all session files of a chats directory (transcripts and their archives, as its file name pattern
 * names them), which Logback's SiftingAppender does not offer: files not modified for {@code maxHistoryDays} days are
 * deleted, then the oldest while all of them take more than {@code totalSizeCap} bytes. Zero means no limit.
 *
 * <p>Never touches a file that may be open: not this process's open files ({@code open}), and not one modified within
 * {@code openWindowMillis} (the appender's idle timeout), which may be open in another process writing the same
 * directory (SPEC §11); so the cap may be exceeded for that long. Each file is deleted under the lock writers take
 * ({@link CoordinatedRemoval}), only if it was not written to since it was looked at.
 */
public final class SessionRetention {

    private final SessionFileNames names;
    private final Path directory;
    private final int maxHistoryDays;
    private final long totalSizeCap;
    private final long openWindowMillis;

    /** Retention over the files {@code names} makes (and their rolled and compressed parts), whatever the pattern. */
    public SessionRetention(SessionFileNames names, int maxHistoryDays, long totalSizeCap, long openWindowMillis) {
        this.names = names;
        this.directory = names.directory();
        this.maxHistoryDays = maxHistoryDays;
        this.totalSizeCap = totalSizeCap;
        this.openWindowMillis = openWindowMillis;
    }

    public boolean isActive() {
        return maxHistoryDays > 0 || totalSizeCap > 0;
    }

    /**
     * Applies the limits; {@code open} are this process's files in use, {@code lock} the directory lock the writers
     * coordinate through (null: none). Returns the number of files deleted.
     */
    public int apply(long nowMillis, Set<Path> open, DirectoryLock lock) throws IOException {
        if (!isActive() || !Files.isDirectory(directory)) {
            return 0;
        }
        record Candidate(Path path, long modified, long size) {
        }
        List<Candidate> files = new ArrayList<>();
        long[] total = {0};
        Files.walkFileTree(directory, Set.of(), names.depth(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                // what the pattern made, read back by the code that names it: a custom pattern's files too
                if (attrs.isRegularFile() && !open.contains(file) && names.parse(file) != null) {
                    total[0] += attrs.size();
                    if (nowMillis - attrs.lastModifiedTime().toMillis() >= openWindowMillis) {
                        files.add(new Candidate(file, attrs.lastModifiedTime().toMillis(), attrs.size()));
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparingLong(Candidate::modified));
        long cutoff = maxHistoryDays > 0 ? nowMillis - maxHistoryDays * 86_400_000L : Long.MIN_VALUE;
        int deleted = 0;
        for (Candidate c : files) {
            boolean tooOld = c.modified() < cutoff;
            boolean overCap = totalSizeCap > 0 && total[0] > totalSizeCap;
            if (!tooOld && !overCap) {
                break;
            }
            // still as seen: a writer (of any process) that came back to it meanwhile keeps it
            if (CoordinatedRemoval.remove(lock, c.path(), a -> a.lastModifiedTime().toMillis() == c.modified(),
                    (file, now) -> Files.deleteIfExists(file))) {
                deleted++;
                total[0] -= c.size();
            }
        }
        return deleted;
    }
}
