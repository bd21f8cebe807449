package io.github.chatlog.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Faults the sink must survive without losing, splitting or duplicating records. */
class SinkFaultTest {

    private final RollingFileSinkTest.RecordingStatus status = new RollingFileSinkTest.RecordingStatus();

    private RollingFileSink sink(Path file, Path archiveDir, FileSettings settings, ArchiveCompressor compressor) {
        TimestampArchiveNaming naming = new TimestampArchiveNaming(archiveDir, "master", Compression.GZIP);
        return new RollingFileSink(file, settings, naming, new ArchiveRetention(naming, 0, 0), compressor,
                (size, archive, t) -> ("ROTATED " + archive + "\n").getBytes(StandardCharsets.UTF_8), status,
                Clock.systemUTC());
    }

    @Test
    void anInterruptedCallerStillGetsItsRecordWritten(@TempDir Path dir) throws Exception {
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir.resolve("master.log"), dir.resolve("archive"), FileSettings.DEFAULTS, compressor);
        sink.open();
        Thread.currentThread().interrupt();
        try {
            sink.write("while interrupted\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt flag is kept");
        } finally {
            Thread.interrupted();
        }
        assertEquals("while interrupted\n", Files.readString(dir.resolve("master.log")));
        sink.write("after\n".getBytes(StandardCharsets.UTF_8));
        sink.close();
        compressor.close();
        assertEquals("while interrupted\nafter\n", Files.readString(dir.resolve("master.log")));
        assertEquals(List.of(), status.messages);
    }

    @Test
    void anUnusableArchiveDirectoryKeepsTheLiveFileGoing(@TempDir Path dir) throws Exception {
        Path notADir = Files.writeString(dir.resolve("archive"), "a file where the archive directory should be");
        ArchiveCompressor compressor = new ArchiveCompressor(status);
        RollingFileSink sink = sink(dir.resolve("master.log"), notADir, FileSettings.DEFAULTS.withMaxFileSize(100), compressor);
        sink.open();
        for (int i = 0; i < 30; i++) {
            sink.write(String.format("record %02d xxxxxxxxxx\n", i).getBytes(StandardCharsets.UTF_8));
        }
        sink.close();
        compressor.close();
        List<String> lines = Files.readAllLines(dir.resolve("master.log"));
        assertEquals(30, lines.size());
        assertTrue(status.messages.stream().anyMatch(m -> m.startsWith("ERROR cannot roll")), status.messages.toString());
        assertTrue(status.messages.stream().noneMatch(m -> m.contains("could not be written")), status.messages.toString());
    }

    /** A file-size limit (ulimit -f) makes writes fail part-way, as a full disk does: no fragment may remain. */
    @Test
    void aWriteThatFailsPartWayIsCutBackToTheLastWholeRecord(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && System.getProperty("os.name").contains("Linux"));
        for (String mode : new String[]{"immediate", "buffered"}) {
            Path file = dir.resolve(mode + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder("/bin/bash", "-c", "ulimit -f 8; exec \"$0\" -cp \"$1\" \"$2\" \"$3\" \"$4\"",
                    java, System.getProperty("java.class.path"), SinkProbe.class.getName(), file.toString(), mode)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            byte[] bytes = Files.readAllBytes(file);
            assertTrue(bytes.length > 0 && bytes.length <= 8 * 1024, mode + ": " + bytes.length + " bytes\n" + out);
            assertEquals('\n', bytes[bytes.length - 1], mode + ": the file ends on a whole record\n" + out);
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(SinkProbe.record(i).trim(), lines.get(i), mode + ": line " + i);
            }
            assertTrue(out.contains("could not be written"), mode + ": the loss is reported\n" + out);
        }
    }

    /** Writes numbered 100-byte records until well past an 8 KB file-size limit. */
    public static final class SinkProbe {
        static String record(int i) {
            String head = String.format("record %05d ", i);
            return head + "x".repeat(99 - head.length()) + "\n";
        }

        public static void main(String[] args) {
            FileSettings settings = FileSettings.DEFAULTS.withMaxFileSize(0).withBufferSize(1000)
                    .withImmediateFlush(args[1].equals("immediate"));
            StatusReporter status = StatusReporter.STDERR;
            ArchiveCompressor compressor = new ArchiveCompressor(status);
            Path file = Path.of(args[0]);
            TimestampArchiveNaming naming = new TimestampArchiveNaming(file.getParent(), "probe", Compression.GZIP);
            RollingFileSink sink = new RollingFileSink(file, settings, naming, null, compressor,
                    (s, a, t) -> new byte[0], status, Clock.systemUTC());
            try {
                sink.open();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (int i = 0; i < 200; i++) {
                sink.write(record(i).getBytes(StandardCharsets.UTF_8));
            }
            sink.close();
            compressor.close();
        }
    }
}
