package io.github.chatlog.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses rolled files off the logging threads, one at a time on a daemon thread, and applies retention after each.
 * An archive appears under its final name only when complete: gzip goes to {@code name.gz.tmp}, is forced to disk and
 * renamed; only then is the staged file deleted. {@link #recover} finishes what a crash or a hurried stop left, so no
 * {@code .tmp} and no half-written archive survive a restart. One compressor may serve many rolling files.
 *
 * <p>Several processes may share the archive directory: compression, recovery and retention each run under the
 * directory lock's archive slot ({@link DirectoryLock}), so a staged file is compressed once, a {@code .tmp} is deleted
 * only when no process is writing it (whoever holds the slot is the only one that can be), and retention never races
 * another process's rename.
 */
public final class ArchiveCompressor implements AutoCloseable {

    /** How long {@link #close()} waits for queued compressions by default. */
    public static final long DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService executor;
    private final StatusReporter status;
    private final Path lockDirectory;

    /** A compressor that coordinates in the parent of each archive directory (the log directory, by default). */
    public ArchiveCompressor(StatusReporter status) {
        this(status, null);
    }

    /** A compressor that coordinates with other processes through the lock file in {@code lockDirectory}. */
    public ArchiveCompressor(StatusReporter status, Path lockDirectory) {
        this.status = status;
        this.lockDirectory = lockDirectory;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chatlog-compressor-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the compression of {@code staged} into {@code archive} (or only retention, when they are the same). */
    public void submit(Path staged, Path archive, ArchiveRetention retention) {
        try {
            executor.execute(() -> underArchiveLock(archive.toAbsolutePath().getParent(), () -> {
                if (!staged.equals(archive)) {
                    compressNow(staged, archive);
                }
                applyRetention(retention);
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            status.warn("compressor stopped; " + staged + " stays uncompressed until the next start");
        }
    }

    /** Deletes temporary files and queues every staged file of {@code naming} left by an earlier run. */
    public void recover(ArchiveNaming naming, ArchiveRetention retention) {
        underArchiveLock(naming.directory().toAbsolutePath(), () -> {
            try {
                for (Path tmp : naming.temporaries()) {
                    // we hold the archive slot, so no live process is writing this one: its writer died
                    Files.deleteIfExists(tmp);
                    status.info("deleted the unfinished archive " + tmp);
                }
                for (Path staged : naming.staged()) {
                    Path archive = naming.finalName(staged);
                    if (Files.exists(archive)) {
                        Files.deleteIfExists(staged); // compressed and renamed before a crash, source not yet deleted
                    } else {
                        submit(staged, archive, retention); // another process may get to it first: then it is skipped
                    }
                }
            } catch (IOException e) {
                status.error("could not recover archives: " + e.getMessage(), e);
            }
        });
    }

    /** Runs {@code work} holding the lock slot of {@code directory}'s archives; without the lock file, runs it anyway. */
    private void underArchiveLock(Path archiveDirectory, Runnable work) {
        Path directory = lockDirectory != null ? lockDirectory
                : archiveDirectory.getParent() != null ? archiveDirectory.getParent() : archiveDirectory;
        int slot = DirectoryLock.archiveSlotOf(archiveDirectory);
        DirectoryLock lock;
        try {
            lock = DirectoryLock.open(directory);
        } catch (IOException | RuntimeException e) {
            status.warn("cannot use the lock file in " + directory + " (" + e + "); archiving without coordinating "
                    + "with other processes");
            work.run();
            return;
        }
        try {
            java.nio.channels.FileLock held = lock.lock(slot);
            try {
                work.run();
            } finally {
                lock.unlock(slot, held);
            }
        } catch (IOException e) {
            status.warn("cannot lock " + directory.resolve(DirectoryLock.FILE_NAME) + " (" + e
                    + "); archiving without coordinating with other processes");
            work.run();
        } finally {
            lock.release();
        }
    }

    /** Waits up to {@code timeoutMs} for queued work, then stops the thread. Idempotent. */
    public void close(long timeoutMs) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
                status.warn("archive compression still running after " + timeoutMs + " ms; it resumes at the next start");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT_MS);
    }

    private void compressNow(Path staged, Path archive) {
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        try {
            if (!Files.exists(staged)) {
                return; // another process compressed it
            }
            if (Files.exists(archive)) {
                Files.delete(staged); // another process compressed it and died before deleting the source
                return;
            }
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                FileModes.copy(staged, tmp); // an archive is as private as the file it was
                try (OutputStream gz = new GZIPOutputStream(Channels.newOutputStream(out), 64 * 1024) {
                    @Override
                    public void close() throws IOException {
                        finish(); // keep the channel open for force()
                        flush();
                        def.end(); // free zlib's native memory now, not at garbage collection
                    }
                }) {
                    Files.copy(staged, gz);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, archive);
            }
            Files.delete(staged);
        } catch (IOException | RuntimeException e) {
            status.error("could not compress " + staged + " to " + archive + ": " + e.getMessage()
                    + "; it stays uncompressed and is retried at the next start", e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // reported above; recover() deletes it at the next start
            }
        }
    }

    private void applyRetention(ArchiveRetention retention) {
        if (retention == null) {
            return;
        }
        try {
            retention.apply();
        } catch (IOException | RuntimeException e) {
            status.error("could not apply archive retention: " + e.getMessage(), e);
        }
    }
}
