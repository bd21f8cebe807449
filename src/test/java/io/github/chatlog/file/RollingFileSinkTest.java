package io.github.chatlog.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollingFileSinkTest {

    private static final long T0 = Instant.parse("2025-01-02T03:04:05.678Z").toEpochMilli();

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(T0);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    static final class RecordingStatus implements StatusReporter {
        final List<String> messages = new ArrayList<>();

        @Override
        public synchronized void info(String m) {
            messages.add("INFO " + m);
        }

        @Override
        public synchronized void warn(String m) {
            messages.add("WARN " + m);
        }

        @Override
        public synchronized void error(String m, Throwable t) {
            messages.add("ERROR " + m);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final RecordingStatus status = new RecordingStatus();

    private RollingFileSink sink(Path dir, FileSettings settings, Compression compression, ArchiveCompressor compressor,
                                 int maxArchives, long cap) {
        TimestampArchiveNaming naming = new TimestampArchiveNaming(dir.resolve("archive"), "master", compression);
        return new RollingFileSink(dir.resolve("master.log"), settings, naming,
                new ArchiveRetention(naming, maxArchives, cap), compressor,
                (size, archive, t) -> ("ROTATED " + size + " " + archive + "\n").getBytes(StandardCharsets.UTF_8),
                status, clock);
    }

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> archiveNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static String gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void rolloversInOneMillisecondGetDistinctOrderedNames(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(20), Compression.GZIP, compressor, 0, 0);
        sink.open();
        for (int i = 0; i < 4; i++) {
            sink.write(line("record-" + i + "-xxxxxxxx")); // 18 bytes: one record per file
        }
        sink.close();
        compressor.close();
        assertEquals(List.of("master_2025-01-02_03-04-05-678.log.gz", "master_2025-01-02_03-04-05-679.log.gz",
                "master_2025-01-02_03-04-05-680.log.gz"), archiveNames(dir));
        assertEquals("record-0-xxxxxxxx\n", gunzip(dir.resolve("archive/master_2025-01-02_03-04-05-678.log.gz")));
        assertEquals("ROTATED 18 archive/master_2025-01-02_03-04-05-678.log.gz\nrecord-1-xxxxxxxx\n",
                gunzip(dir.resolve("archive/master_2025-01-02_03-04-05-679.log.gz")));
        assertEquals("ROTATED 75 archive/master_2025-01-02_03-04-05-680.log.gz\nrecord-3-xxxxxxxx\n",
                Files.readString(dir.resolve("master.log")));
    }

    @Test
    void aRollCutShortBetweenItsTwoRenamesIsFinishedByTheNextWriter(@TempDir Path dir) throws IOException {
        // the state a process killed mid-roll leaves: the live file moved to its archive, the new one (header first)
        // not yet moved in
        Files.createDirectories(dir.resolve("archive"));
        Files.writeString(dir.resolve("archive/master_2025-01-02_03-04-05-000.log"), "record-0\n");
        Files.writeString(dir.resolve("master.log.next"), "ROTATED 9 archive/master_2025-01-02_03-04-05-000.log\n");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS, Compression.NONE, compressor, 0, 0);
        sink.open();
        sink.write(line("record-1"));
        sink.close();
        compressor.close();
        assertEquals("ROTATED 9 archive/master_2025-01-02_03-04-05-000.log\nrecord-1\n",
                Files.readString(dir.resolve("master.log")), "the archive is announced once, before what follows it");
        assertFalse(Files.exists(dir.resolve("master.log.next")));

        // while the live file exists, a leftover is stale (a crash before the first rename) and is replaced at the roll
        Files.writeString(dir.resolve("master.log.next"), "STALE\n");
        RollingFileSink again = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(40), Compression.NONE, compressor, 0, 0);
        again.open();
        again.write(line("record-2-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        again.close();
        assertFalse(Files.readString(dir.resolve("master.log")).contains("STALE"));
        assertTrue(Files.readString(dir.resolve("master.log")).startsWith("ROTATED "));
        assertFalse(Files.exists(dir.resolve("master.log.next")));
    }

    @Test
    void eachSyncModeForcesTheFileWhenItSays(@TempDir Path dir) throws IOException {
        for (SyncMode mode : SyncMode.values()) {
            Path d = dir.resolve(mode.name());
            ArchiveCompressor compressor = new ArchiveCompressor(status);
            RollingFileSink sink = sink(d, FileSettings.DEFAULTS.withSync(mode), Compression.NONE, compressor, 0, 0);
            sink.open();
            for (int i = 0; i < 5; i++) {
                sink.write(line("record-" + i));
            }
            assertEquals(mode == SyncMode.EVERY ? 5 : 0, sink.forced(), mode + ": forced with each record, or not");
            sink.sync(); // what the appender's timer calls for sync=interval
            assertEquals(mode == SyncMode.EVERY ? 6 : 1, sink.forced(), mode.name());
            sink.close();
            compressor.close();
            assertEquals(5, Files.readAllLines(d.resolve("master.log")).size());
        }
    }

    @Test
    void anExistingArchiveIsNeverOverwritten(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("archive"));
        Path existing = Files.writeString(dir.resolve("archive/master_2025-01-02_03-04-05-678.log.gz"), "older run");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(20), Compression.GZIP, compressor, 0, 0);
        sink.open();
        sink.write(line("record-0-xxxxxxxx"));
        sink.write(line("record-1-xxxxxxxx"));
        sink.close();
        compressor.close();
        assertEquals("older run", Files.readString(existing));
        assertEquals(List.of("master_2025-01-02_03-04-05-678.log.gz", "master_2025-01-02_03-04-05-679.log.gz"),
                archiveNames(dir));
    }

    @Test
    void aRecordLargerThanTheLimitRollsOnceAndIsWrittenWhole(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(100), Compression.NONE, compressor, 0, 0);
        sink.open();
        sink.write(line("small"));
        String big = "B".repeat(1000);
        sink.write(line(big));
        sink.write(line("after"));
        sink.close();
        compressor.close();
        assertEquals(List.of("master_2025-01-02_03-04-05-678.log", "master_2025-01-02_03-04-05-679.log"), archiveNames(dir));
        assertEquals("small\n", Files.readString(dir.resolve("archive/master_2025-01-02_03-04-05-678.log")));
        assertTrue(Files.readString(dir.resolve("archive/master_2025-01-02_03-04-05-679.log")).endsWith(big + "\n"));
        assertTrue(Files.readString(dir.resolve("master.log")).endsWith("\nafter\n"));
    }

    @Test
    void retentionKeepsTheNewestArchives(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(20), Compression.NONE, compressor, 2, 0);
        sink.open();
        for (int i = 0; i < 6; i++) {
            sink.write(line("record-" + i + "-xxxxxxxx"));
        }
        sink.close();
        compressor.close();
        assertEquals(List.of("master_2025-01-02_03-04-05-681.log", "master_2025-01-02_03-04-05-682.log"), archiveNames(dir));
    }

    @Test
    void totalSizeCapDeletesOldestFirst(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        // archives of 18 bytes (first) and 18 + header bytes (later); a cap of 150 keeps the newest two
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withMaxFileSize(20), Compression.NONE, compressor, 0, 150);
        sink.open();
        for (int i = 0; i < 6; i++) {
            sink.write(line("record-" + i + "-xxxxxxxx"));
        }
        sink.close();
        compressor.close();
        List<String> names = archiveNames(dir);
        long total = 0;
        for (String n : names) {
            total += Files.size(dir.resolve("archive").resolve(n));
        }
        assertTrue(total <= 150, "total " + total);
        assertEquals("master_2025-01-02_03-04-05-682.log", names.get(names.size() - 1));
        assertTrue(names.size() >= 2 && names.size() < 5, names.toString());
    }

    @Test
    void heldRecordsAreWrittenInOrderOnceTheFileCanBeOpened(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("logs"), "a file where the log directory should be");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(blocker, FileSettings.DEFAULTS, Compression.GZIP, compressor, 0, 0);
        sink.write(line("one")); // never throws
        sink.write(line("two"));
        assertTrue(status.messages.stream().anyMatch(m -> m.startsWith("ERROR cannot write " + blocker.resolve("master.log"))),
                status.messages.toString());
        Files.delete(blocker);
        sink.write(line("three")); // within the retry interval: held too
        clock.millis.addAndGet(FileSettings.DEFAULT_RETRY_INTERVAL_MS);
        sink.retryIfFailing();
        sink.write(line("four"));
        sink.close();
        compressor.close();
        assertEquals("one\ntwo\nthree\nfour\n", Files.readString(blocker.resolve("master.log")));
        assertTrue(status.messages.stream().anyMatch(m -> m.startsWith("WARN resumed writing")), status.messages.toString());
    }

    @Test
    void recordsPastTheBacklogLimitAreDroppedAndCounted(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("logs"), "x");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(blocker, FileSettings.DEFAULTS.withBacklogLimit(10), Compression.GZIP, compressor, 0, 0);
        sink.write(line("1234"));
        sink.write(line("5678"));
        sink.write(line("dropped"));
        Files.delete(blocker);
        clock.millis.addAndGet(1000);
        sink.write(line("after"));
        sink.close();
        compressor.close();
        assertEquals("1234\n5678\nafter\n", Files.readString(blocker.resolve("master.log")));
        assertTrue(status.messages.stream().anyMatch(m -> m.contains("3 records could not be written when logged: 2 were held and written now, 1 were dropped")),
                status.messages.toString());
    }

    @Test
    void aLineCutByACrashIsNotExtended(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("master.log"), "complete\ncut in the midd");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS, Compression.GZIP, compressor, 0, 0);
        sink.open();
        sink.write(line("next"));
        sink.close();
        compressor.close();
        assertEquals("complete\ncut in the midd\nnext\n", Files.readString(dir.resolve("master.log")));
    }

    @Test
    void bufferedModeWritesOnFlushAndClose(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, FileSettings.DEFAULTS.withImmediateFlush(false), Compression.GZIP, compressor, 0, 0);
        sink.open();
        sink.write(line("buffered"));
        assertEquals("", Files.readString(dir.resolve("master.log")));
        assertEquals(9, sink.size());
        sink.flush();
        assertEquals("buffered\n", Files.readString(dir.resolve("master.log")));
        sink.write(line("more"));
        sink.close();
        compressor.close();
        assertEquals("buffered\nmore\n", Files.readString(dir.resolve("master.log")));
    }

    @Test
    void recoveryFinishesWhatACrashLeft(@TempDir Path dir) throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        Files.writeString(archive.resolve("master_2025-01-01_00-00-00-000.log.gz.tmp"), "half a gzip");
        Files.writeString(archive.resolve("master_2025-01-01_00-00-00-001.log"), "staged, never compressed\n");
        Files.writeString(archive.resolve("master_2025-01-01_00-00-00-002.log"), "compressed, source not deleted\n");
        Files.write(archive.resolve("master_2025-01-01_00-00-00-002.log.gz"), new byte[]{1});
        Files.writeString(archive.resolve("unrelated.txt"), "not ours");
        TimestampArchiveNaming naming = new TimestampArchiveNaming(archive, "master", Compression.GZIP);
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        compressor.recover(naming, new ArchiveRetention(naming, 0, 0));
        compressor.close();
        assertEquals(List.of("master_2025-01-01_00-00-00-001.log.gz", "master_2025-01-01_00-00-00-002.log.gz", "unrelated.txt"),
                archiveNames(dir));
        assertEquals("staged, never compressed\n", gunzip(archive.resolve("master_2025-01-01_00-00-00-001.log.gz")));
        assertFalse(Files.exists(archive.resolve("master_2025-01-01_00-00-00-000.log.gz.tmp")));
    }
}
