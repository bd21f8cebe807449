package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
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
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * master-vs-logback: the master-log appender against Logback's FileAppender with a PatternLayoutEncoder that writes
 * the same line ({@code timestamp|llm:request|bench|payload}). Rolling is off in both so the bytes match.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class MasterLogBenchmark {

    @Param({"chatlog", "logback"})
    public String impl;

    @Param({"false", "true"})
    public boolean immediateFlush;

    @Param({"100", "2048"})
    public int size;

    private LoggerContext context;
    private Logger logger;
    private String message;
    private Path dir;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.scratch("master");
        String line = "2026-01-01T00:00:00.000Z|llm:request|bench|";
        String payload = BenchSupport.payload(Math.max(10, size - line.length() - 1));
        if (impl.equals("chatlog")) {
            context = BenchSupport.logback("<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                    + "<file>" + dir.resolve("master.log") + "</file><maxFileSize>0</maxFileSize>"
                    + "<immediateFlush>" + immediateFlush + "</immediateFlush></appender>"
                    + "<root level='INFO'><appender-ref ref='M'/></root>");
            logger = context.getLogger("event.bench");
            message = "llm:request " + payload;
        } else {
            context = BenchSupport.logback("<appender name='F' class='ch.qos.logback.core.FileAppender'>"
                    + "<file>" + dir.resolve("logback.log") + "</file><immediateFlush>" + immediateFlush + "</immediateFlush>"
                    + "<encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC}|llm:request|bench|%msg%n</pattern></encoder>"
                    + "</appender><root level='INFO'><appender-ref ref='F'/></root>");
            logger = context.getLogger("bench");
            message = payload;
        }
    }

    @Benchmark
    public void log() {
        logger.info(message);
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) {
        context.stop();
        long own = impl.equals("chatlog") ? 2 : 0; // app:start and app:shutdown
        BenchSupport.verify(run, ops.sum() + own, BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
