package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Deletes the oldest archives of one {@link ArchiveNaming} while there are more than {@code maxArchives} of them or
 * they take more than {@code totalSizeCap} bytes together. Zero means no limit.
 */
public final class ArchiveRetention {

    private final ArchiveNaming naming;
    private final int maxArchives;
    private final long totalSizeCap;

    public ArchiveRetention(ArchiveNaming naming, int maxArchives, long totalSizeCap) {
        this.naming = naming;
        this.maxArchives = maxArchives;
        this.totalSizeCap = totalSizeCap;
    }

    /** Whether any limit is set. */
    public boolean isActive() {
        return maxArchives > 0 || totalSizeCap > 0;
    }

    /** Applies the limits; returns how many archives were deleted. */
    public int apply() throws IOException {
        if (!isActive()) {
            return 0;
        }
        List<Path> archives = naming.archives();
        long[] sizes = new long[archives.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizeOf(archives.get(i));
            total += sizes[i];
        }
        int deleted = 0;
        for (int i = 0; i < sizes.length; i++) {
            int remaining = sizes.length - i;
            boolean overCount = maxArchives > 0 && remaining > maxArchives;
            boolean overSize = totalSizeCap > 0 && total > totalSizeCap;
            if (!overCount && !overSize) {
                break;
            }
            Files.deleteIfExists(archives.get(i));
            total -= sizes[i];
            deleted++;
        }
        return deleted;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0; // deleted meanwhile
        }
    }
}
