package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A chat backend's request handling, on virtual threads against platform threads: one operation is a batch of
 * {@value #REQUESTS} requests, each logging one chat entry into one of {@value #SESSIONS} sessions (session in the MDC,
 * as an application sets it), run either on a virtual thread per request or on a pool of {@value #POOL} platform
 * threads (Tomcat's default maximum). Needs Java 21 or later in the forked JVM: {@code bench/run.sh} passes one with
 * {@code -jvm}. Every entry is counted in the files afterwards.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VirtualThreadBenchmark {

    static final int REQUESTS = 1_000;
    static final int SESSIONS = 1_000;
    static final int POOL = 200;

    /** {@code virtual}: a virtual thread per request; {@code platform}: a fixed pool of platform threads. */
    @Param({"virtual", "platform"})
    public String model;

    private LoggerContext logback;
    private org.slf4j.Logger chat;
    private ExecutorService executor;
    private String message;
    private Path dir;
    private int next;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() throws ReflectiveOperationException {
        dir = BenchSupport.scratch("virtual-" + model);
        message = BenchSupport.payload(100);
        // every session keeps its file open: what is measured is the threads, not reopening files
        logback = BenchSupport.logback("<appender name='C' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<directory>" + dir + "</directory><format>plain</format>"
                + "<fileNamePattern>%session.log</fileNamePattern><maxOpenFiles>" + (2 * SESSIONS) + "</maxOpenFiles>"
                + "</appender><root level='INFO'><appender-ref ref='C'/></root>");
        chat = logback.getLogger("chat");
        executor = model.equals("virtual")
                // Executors.newVirtualThreadPerTaskExecutor(), reflectively: the benchmarks compile for Java 17
                ? (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
                : Executors.newFixedThreadPool(POOL);
    }

    /** One batch of requests, returned when every request has logged. */
    @Benchmark
    public void requests() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(REQUESTS);
        int first = next;
        next += REQUESTS;
        for (int i = 0; i < REQUESTS; i++) {
            String session = "s" + Math.floorMod(first + i, SESSIONS);
            executor.execute(() -> {
                try {
                    MDC.put("session_id", session);
                    chat.atInfo().addKeyValue("role", "user").log(message);
                    ops.increment();
                } finally {
                    MDC.remove("session_id");
                    done.countDown();
                }
            });
        }
        done.await();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("request threads still running after 60 s");
        }
        logback.stop();
        BenchSupport.verify(run, ops.sum(), BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
