package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import io.github.chatlog.redact.BuiltInRedactor;
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
 * What redaction costs. {@code log}: the master-log path (the appender's defaults, chat-like text) with the default
 * rules ({@code secrets}) against none, for {@code redaction-secrets-vs-none-*}. {@link Megabyte#redact}: the built-in
 * rules over a 1 MB message, for {@code redaction-throughput-1MB} (MB/s against 100 MB/s).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class RedactionBenchmark {

    @Param({"secrets", "none"})
    public String redact;

    @Param({"100", "2048"})
    public int size;

    @Param({"true", "false"})
    public boolean immediateFlush;

    private LoggerContext context;
    private Logger logger;
    private String message;
    private Path dir;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.scratch("redaction");
        context = BenchSupport.logback("<contextListener class='io.github.chatlog.logback.RedactionSettings'>"
                + "<redact>" + redact + "</redact></contextListener>"
                + "<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>" + dir.resolve("master.log") + "</file><maxFileSize>0</maxFileSize>"
                + "<immediateFlush>" + immediateFlush + "</immediateFlush></appender>"
                + "<root level='INFO'><appender-ref ref='M'/></root>");
        logger = context.getLogger("event.bench");
        String line = "2026-01-01T00:00:00.000Z|llm:response|bench|";
        message = "llm:response " + BenchSupport.chatText(Math.max(10, size - line.length() - 1));
    }

    @Benchmark
    public void log() {
        logger.info(message);
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) {
        context.stop();
        BenchSupport.verify(run, ops.sum() + 2, BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }

    /** The built-in rules over one 1 MB chat-like message. */
    @State(Scope.Benchmark)
    public static class Megabyte {

        public static final int BYTES = 1 << 20;

        @Param({"secrets", "secrets,pii"})
        public String rules;

        private BuiltInRedactor redactor;
        private String text;

        @Setup(Level.Trial)
        public void setUp() {
            redactor = new BuiltInRedactor(true, rules.contains("pii"));
            text = BenchSupport.chatText(BYTES);
            if (redactor.redact(text) != text) {
                throw new IllegalStateException("the benchmark text should hold nothing to mask");
            }
        }

        @Benchmark
        public String redact() {
            return redactor.redact(text);
        }
    }
}
