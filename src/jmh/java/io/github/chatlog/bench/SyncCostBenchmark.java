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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/** What each durability mode costs on the master log: {@code sync} none, interval (1 s) and every. */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class SyncCostBenchmark {

    @Param({"none", "interval", "every"})
    public String sync;

    private LoggerContext context;
    private Logger logger;
    private String message;
    private Path dir;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.scratch("sync");
        context = BenchSupport.logback("<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>" + dir.resolve("master.log") + "</file><maxFileSize>0</maxFileSize><sync>" + sync + "</sync>"
                + "</appender><root level='INFO'><appender-ref ref='M'/></root>");
        logger = context.getLogger("event.bench");
        message = "llm:request " + BenchSupport.payload(50);
    }

    @Benchmark
    public void log() {
        logger.info(message);
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(BenchmarkParams run) {
        context.stop();
        BenchSupport.verify(run, ops.sum() + 2, BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
