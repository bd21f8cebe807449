package io.github.chatlog.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clock that ran ahead and was corrected (reproduction 7 of issue 12): archive names still sort in write order and
 * retention deletes the oldest data, in the same process and after a restart.
 */
class ClockStepTest {

    private static final long HOUR = 3_600_000;

    private final RollingFileSinkTest.ManualClock clock = new RollingFileSinkTest.ManualClock();
    private final RollingFileSinkTest.RecordingStatus status = new RollingFileSinkTest.RecordingStatus();

    private RollingFileSink sink(Path dir, ArchiveCompressor compressor, int maxArchives) {
        TimestampArchiveNaming naming = new TimestampArchiveNaming(dir.resolve("archive"), "master", Compression.NONE);
        return new RollingFileSink(dir.resolve("master.log"), FileSettings.DEFAULTS.withMaxFileSize(20), naming,
                new ArchiveRetention(naming, maxArchives, 0), compressor, (size, archive, t) -> new byte[0], status,
                clock);
    }

    /** Writes records {@code from..to-1}, one per archive, the clock moving a second per record. */
    private void write(RollingFileSink sink, int from, int to) {
        for (int i = from; i < to; i++) {
            sink.write(String.format("record-%04d-xxxxxx%n", i).getBytes(StandardCharsets.UTF_8));
            clock.millis.addAndGet(1000);
        }
    }

    /** The records in the archives, taken in name order. */
    private static List<Integer> recordsByArchiveName(Path dir) throws IOException {
        List<Integer> records = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            for (Path a : s.sorted().toList()) {
                for (String line : Files.readAllLines(a)) {
                    records.add(Integer.parseInt(line.substring(7, 11)));
                }
            }
        }
        return records;
    }

    @Test
    void aClockSteppingBackInTheSameProcessKeepsWriteOrder(@TempDir Path dir) throws IOException {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir, compressor, 0);
        sink.open();
        clock.millis.addAndGet(HOUR); // ran ahead
        write(sink, 0, 5);
        clock.millis.addAndGet(-HOUR); // corrected
        write(sink, 5, 10);
        sink.close();
        compressor.close();
        // records 0..8 are archived (9 is in the live file), in the order they were written
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), recordsByArchiveName(dir));
    }

    @Test
    void retentionAfterACorrectedClockDeletesTheOldestNotTheNewest(@TempDir Path dir) throws IOException {
        // a run whose clock was an hour ahead leaves archives named in the "future"
        ArchiveCompressor first = new ArchiveCompressor(status);
        clock.millis.addAndGet(HOUR);
        RollingFileSink sink = sink(dir, first, 3);
        sink.open();
        write(sink, 0, 6);
        sink.close();
        first.close();
        // the next run has the right time again
        clock.millis.addAndGet(-2 * HOUR);
        ArchiveCompressor second = new ArchiveCompressor(status);
        RollingFileSink restarted = sink(dir, second, 3);
        restarted.open();
        write(restarted, 6, 12);
        restarted.close();
        second.close();
        // 11 records archived in all (the last is live); the three newest archives are kept, whatever their stamps
        List<Integer> kept = recordsByArchiveName(dir);
        assertEquals(List.of(8, 9, 10), kept);
        assertTrue(Files.readString(dir.resolve("master.log")).contains("record-0011"));
    }
}
