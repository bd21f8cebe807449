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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * master-vs-disk baseline: pre-formatted line bytes into a 64 KB buffer written with a FileChannel, under one lock:
 * the practical limit of a buffered appender (compared with the master log at {@code immediateFlush=false}).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class RawDiskBenchmark {

    @Param({"100", "2048"})
    public int size;

    private FileChannel channel;
    private ByteBuffer buffer;
    private byte[] line;
    private long ops;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.scratch("disk");
        channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        buffer = ByteBuffer.allocate(64 * 1024);
        String prefix = "2026-01-01T00:00:00.000Z|llm:request|bench|";
        line = (prefix + BenchSupport.payload(Math.max(10, size - prefix.length() - 1)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public synchronized void write() throws IOException {
        if (buffer.remaining() < line.length) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
        buffer.put(line);
        ops++;
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.close();
        BenchSupport.verify(run, ops, BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
