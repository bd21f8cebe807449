package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
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
 * One chat entry reaching two chatlog appenders (the master log with per-turn lines, and the transcript), as in the
 * example configuration: what an event costs when every appender consumes the one mapped entry. Uses only the
 * configuration and SLF4J, so the same class measures earlier versions too.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FanOutBenchmark {

    private LoggerContext context;
    private Logger chat;
    private Path dir;
    private String message;
    private final LongAdder ops = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.scratch("fanout");
        context = BenchSupport.logback("<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>" + dir.resolve("master.log") + "</file><maxFileSize>0</maxFileSize><logTurns>true</logTurns>"
                + "<immediateFlush>false</immediateFlush></appender>"
                + "<appender name='C' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<directory>" + dir.resolve("chats") + "</directory><immediateFlush>false</immediateFlush></appender>"
                + "<root level='INFO'><appender-ref ref='M'/><appender-ref ref='C'/></root>");
        chat = context.getLogger("chat");
        message = BenchSupport.payload(100);
        MDC.put("session_id", "fanout");
    }

    @Benchmark
    public void log() {
        chat.atInfo().addKeyValue("role", "assistant").addKeyValue("model", "llama3.2").addKeyValue("latency_ms", 850)
                .addKeyValue("tokens", 28).log(message);
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        context.stop();
        MDC.clear();
        BenchSupport.delete(dir);
    }
}
