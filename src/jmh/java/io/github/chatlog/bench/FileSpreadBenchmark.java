package io.github.chatlog.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the file system itself allows when lines go to many files: one {@code write} of a 100-byte line per call, as
 * the transcript appender does at its default {@code immediateFlush=true}, into one file or round-robin into
 * {@code files} files kept open. No formatting, no locking of our own. Its scaling ({@code files=10000} over
 * {@code files=1}) tells whether the kernel is what slows a transcript appender down at 10,000 sessions (ratio
 * {@code disk-files-scaling-10000}, information only).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class FileSpreadBenchmark {

    @Param({"1", "10000"})
    public int files;

    private FileChannel[] channels;
    private byte[] line;
    private final AtomicLong next = new AtomicLong();
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.scratch("spread");
        channels = new FileChannel[files];
        for (int i = 0; i < files; i++) {
            channels[i] = FileChannel.open(dir.resolve("s" + i + ".log"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        line = ("2026-01-01T00:00:00.000Z user " + BenchSupport.payload(68) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public void write() throws IOException {
        // an append-mode channel writes each call whole at the end: safe from two threads without a lock of ours
        ByteBuffer b = ByteBuffer.wrap(line);
        FileChannel ch = channels[(int) (next.getAndIncrement() % files)];
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) throws IOException {
        for (FileChannel ch : channels) {
            ch.close();
        }
        BenchSupport.verify(run, next.get(), BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
