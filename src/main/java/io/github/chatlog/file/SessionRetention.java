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
 * Retention across all session files of a chats directory (transcripts and their archives), which Logback's
 * SiftingAppender does not offer: files not modified for {@code maxHistoryDays} days are deleted, then the oldest while
 * all of them take more than {@code totalSizeCap} bytes. Open files are never touched. Zero means no limit.
 */
public final class SessionRetention {

    private final Path directory;
    private final int maxHistoryDays;
    private final long totalSizeCap;

    public SessionRetention(Path directory, int maxHistoryDays, long totalSizeCap) {
        this.directory = directory;
        this.maxHistoryDays = maxHistoryDays;
        this.totalSizeCap = totalSizeCap;
    }

    public boolean isActive() {
        return maxHistoryDays > 0 || totalSizeCap > 0;
    }

    /** Applies the limits; {@code open} are the files in use. Returns the number of files deleted. */
    public int apply(long nowMillis, Set<Path> open) throws IOException {
        if (!isActive() || !Files.isDirectory(directory)) {
            return 0;
        }
        record Candidate(Path path, long modified, long size) {
        }
        List<Candidate> files = new ArrayList<>();
        Files.walkFileTree(directory, Set.of(), 8, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && (name.endsWith(".log") || name.endsWith(".log.gz")) && !open.contains(file)) {
                    files.add(new Candidate(file, attrs.lastModifiedTime().toMillis(), attrs.size()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparingLong(Candidate::modified));
        long total = files.stream().mapToLong(Candidate::size).sum();
        long cutoff = maxHistoryDays > 0 ? nowMillis - maxHistoryDays * 86_400_000L : Long.MIN_VALUE;
        int deleted = 0;
        for (Candidate c : files) {
            boolean tooOld = c.modified() < cutoff;
            boolean overCap = totalSizeCap > 0 && total > totalSizeCap;
            if (!tooOld && !overCap) {
                break;
            }
            if (Files.deleteIfExists(c.path())) {
                deleted++;
            }
            total -= c.size();
        }
        return deleted;
    }
}
