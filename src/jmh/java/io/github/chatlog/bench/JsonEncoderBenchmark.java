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
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the chatlog fields cost in a JSON appender: the same events (an {@code llm:response} with a session in the MDC
 * and four key-values) through a file appender with {@code ChatlogJsonEncoder} (a {@code LogstashEncoder} with
 * {@code ChatlogJsonProvider} added: mapping, redaction with the default rules, the SPEC §9 fields) against the plain
 * {@code LogstashEncoder}, for {@code ratio json-provider-vs-logstash-encoder} (target 0.80).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class JsonEncoderBenchmark {

    @Param({"chatlog", "logstash"})
    public String impl;

    private LoggerContext context;
    private Logger logger;
    private Path dir;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.scratch("json");
        String encoder = impl.equals("chatlog") ? "io.github.chatlog.logback.json.ChatlogJsonEncoder"
                : "net.logstash.logback.encoder.LogstashEncoder";
        context = BenchSupport.logback("<appender name='J' class='ch.qos.logback.core.FileAppender'>"
                + "<file>" + dir.resolve("events.json") + "</file><immediateFlush>false</immediateFlush>"
                + "<encoder class='" + encoder + "'/></appender>"
                + "<root level='INFO'><appender-ref ref='J'/></root>");
        logger = context.getLogger("event.agent_service");
        MDC.put("session_id", "bench-session-42");
    }

    @Benchmark
    public void log() {
        logger.atInfo().addKeyValue("model", "phi3-mini").addKeyValue("provider", "local").addKeyValue("tokens", 28)
                .addKeyValue("latency_ms", 850).log("llm:response reply ready for the user");
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) {
        context.stop();
        MDC.remove("session_id");
        BenchSupport.verify(run, ops.sum(), BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
