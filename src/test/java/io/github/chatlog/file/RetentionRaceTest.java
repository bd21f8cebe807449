package io.github.chatlog.file;

import io.github.chatlog.Await;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.TranscriptFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention never takes a session's entries with it (issue 19, item 6), tested at the interleaving point itself: a hook
 * runs a writer exactly where retention has decided and not yet deleted, and waits until that writer has either
 * finished or is held back by the lock meant to hold it. No sleeps, no luck.
 */
class RetentionRaceTest {

    private final RollingFileSinkTest.ManualClock clock = new RollingFileSinkTest.ManualClock();
    private final RollingFileSinkTest.RecordingStatus status = new RollingFileSinkTest.RecordingStatus();

    @AfterEach
    void noHook() {
        CoordinatedRemoval.beforeRemoval = () -> { };
    }

    /** Whether {@code t} has finished, or waits on a lock whose class name contains {@code lockKind}. */
    private static boolean finishedOrWaitingOn(Thread t, String lockKind) {
        Object blocker = LockSupport.getBlocker(t);
        return !t.isAlive() || (blocker != null && blocker.getClass().getName().contains(lockKind));
    }

    private static LogEntry chat(String session, String text) {
        return LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(Instant.now().toEpochMilli()).sessionId(session)
                .role("user").entryType("message").eventType(EventTypes.CONVERSATION_TURN).source("chat").message(text).build();
    }

    /**
     * The flaky SessionLifecycleTest case: retention lists the sessions in use, a new session then creates its file,
     * and retention, looking at the directory, takes that file for a closed one. With a size cap of one byte every
     * closed file goes, so the file would be deleted under the session that just opened it.
     */
    @Test
    void aSessionOpeningItsFileWhileRetentionRunsKeepsIt(@TempDir Path logs) throws Exception {
        clock.millis.set(System.currentTimeMillis() + 60_000); // retention compares it with the files' real times
        SessionFileNames names = new SessionFileNames(logs.resolve("chats"), "chat_%session.log", ZoneOffset.UTC);
        TranscriptRouter router = new TranscriptRouter(names, TranscriptFormat.named("text", ZoneOffset.UTC),
                FileSettings.DEFAULTS, Compression.GZIP, 16, 3_600_000, new SessionRetention(names, 0, 1, 0),
                "default", status, clock);
        router.start();
        Thread[] writer = new Thread[1];
        router.afterRetentionSnapshot = () -> {
            writer[0] = new Thread(() -> router.write(chat("newcomer", "hello, I just arrived")));
            writer[0].start();
            Await.until("the new session wrote its file, or waits for retention to finish",
                    () -> finishedOrWaitingOn(writer[0], "ReentrantReadWriteLock"));
        };
        try {
            router.applyRetention();
            writer[0].join(TimeUnit.SECONDS.toMillis(60));
            Path file = names.directory().resolve("chat_newcomer.log");
            assertTrue(Files.exists(file), "the open session's file was deleted: " + status.messages);
            assertTrue(Files.readString(file).contains("hello, I just arrived"), Files.readString(file));
        } finally {
            router.close();
        }
    }

    /**
     * {@code chatlog prune}, another process in real life, against a session that comes back to its old transcript:
     * the pruner has found the file old enough, the session appends to it, the pruner deletes or compresses it. The
     * appended entry must survive: it is either in the file the pruner kept, or the writer moved to a new file.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anEntryAppendedWhilePruneRemovesTheFileIsKept(boolean compress, @TempDir Path logs) throws Exception {
        Path file = Files.createDirectories(logs.resolve("chats")).resolve("chat_back.log");
        ArchiveCompressor compressor = new ArchiveCompressor(status, logs);
        RollingFileSink sink = new RollingFileSink(file, FileSettings.DEFAULTS.withFollowLinks(false),
                new IndexedArchiveNaming(file, Compression.GZIP), null, compressor,
                (size, archive, when) -> "HEADER\n".getBytes(StandardCharsets.UTF_8), status, clock);
        sink.coordinateIn(logs); // as TranscriptRouter does: the log directory's lock file
        sink.startNewFilesWithHeader();
        sink.open();
        sink.write("first entry\n".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(40L * 86_400)));

        Thread[] writer = new Thread[1];
        CoordinatedRemoval.beforeRemoval = () -> {
            writer[0] = new Thread(() -> sink.write("second entry\n".getBytes(StandardCharsets.UTF_8)));
            writer[0].start();
            Await.until("the writer appended, or waits for the pruner", () -> finishedOrWaitingOn(writer[0], "ReentrantLock"));
        };
        long day = 86_400_000L;
        LogPruner pruner = compress ? new LogPruner(logs, 365 * day, 30 * day, 1_800_000) : new LogPruner(logs, 30 * day, 0, 1_800_000);
        LogPruner.Result result = pruner.run(System.currentTimeMillis(), false, line -> { });
        writer[0].join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(writer[0].isAlive());
        sink.close();
        compressor.close();

        assertEquals(1, compress ? result.compressed().size() : result.deleted().size(), result.toString());
        String live = Files.readString(file);
        assertTrue(live.contains("second entry"), "the entry written while the file was removed: " + live + status.messages);
        assertTrue(live.startsWith("HEADER\n"), "the writer started a new file: " + live);
        if (compress) {
            assertEquals("HEADER\nfirst entry\n", gunzip(file.resolveSibling("chat_back.log.gz")));
        }
    }

    /**
     * Retention in one process, a writer in another: retention has seen an old file and waits for its lock while the
     * writer, holding it, appends. The file is then no longer old, and is kept.
     */
    @Test
    void aFileAppendedToWhileRetentionWaitsForItIsKept(@TempDir Path logs) throws Exception {
        Path chats = Files.createDirectories(logs.resolve("chats"));
        Path file = Files.writeString(chats.resolve("chat_old.log"), "old entry\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10L * 86_400)));
        DirectoryLock lock = DirectoryLock.open(logs);
        int slot = DirectoryLock.slotOf(file.toAbsolutePath().normalize().toString());
        java.nio.channels.FileLock held = lock.lock(slot); // a writer in the middle of a write, as RollingFileSink holds it
        int[] deleted = {-1};
        Thread retention = new Thread(() -> {
            try {
                SessionFileNames names = new SessionFileNames(chats, "chat_%session.log", ZoneOffset.UTC);
                deleted[0] = new SessionRetention(names, 7, 0, 0).apply(System.currentTimeMillis(), java.util.Set.of(), lock);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            retention.start();
            Await.until("retention waits for the writer's lock", () -> finishedOrWaitingOn(retention, "ReentrantLock"));
            assertTrue(retention.isAlive(), "retention did not wait for the writer: " + deleted[0]);
            Files.writeString(file, "new entry\n", java.nio.file.StandardOpenOption.APPEND);
        } finally {
            lock.unlock(slot, held);
        }
        retention.join(TimeUnit.SECONDS.toMillis(60));
        lock.release();
        assertEquals(0, deleted[0]);
        assertEquals("old entry\nnew entry\n", Files.readString(file));
    }

    private static String gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
