package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
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
import org.openjdk.jmh.infra.ThreadParams;
import org.slf4j.MDC;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-session files: the chat transcript appender against Logback's SiftingAppender (a FileAppender per session,
 * {@code maxAppenderCount} 256) and Log4j2's RoutingAppender with an IdlePurgePolicy. Each thread logs to its sessions
 * in turn, setting the session in the MDC (ThreadContext for Log4j2) as an application would; every implementation
 * writes the same {@code user: message} line and hands it to the OS before the call returns.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class ChatBenchmark {

    @Param({"chatlog", "sifting", "log4j2"})
    public String impl;

    @Param({"1", "100", "10000"})
    public int sessions;

    @Param({"100"})
    public int size;

    /**
     * The transcript appender's descriptor cap; 16384 keeps 10,000 sessions open, 256 (the old default) makes it reopen;
     * 0 runs every appender with its defaults (ours: text format, default names, the cap from the descriptor limit;
     * SiftingAppender: no count limit, 30-minute timeout): chat-vs-sifting-default.
     */
    @Param({"16384"})
    public int maxOpenFiles;

    private LoggerContext logback;
    private org.slf4j.Logger slf4j;
    private org.apache.logging.log4j.core.LoggerContext log4j;
    private org.apache.logging.log4j.Logger log4jLogger;
    private String message;
    private Path dir;
    private final LongAdder ops = new LongAdder();

    /** Which session a thread writes next. */
    @State(Scope.Thread)
    public static class Cursor {
        String[] ids;
        int next;

        @Setup(Level.Trial)
        public void setUp(ChatBenchmark bench, ThreadParams thread) {
            // the sessions are shared out among the threads: 10,000 sessions in all, whatever the thread count
            ids = new String[Math.max(1, bench.sessions / thread.getThreadCount())];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "t" + thread.getThreadIndex() + "-s" + i;
            }
            // every conversation has begun before anything is measured (its first entry is counted like the others):
            // what is measured is logging into that many conversations, not creating their files, which would fill
            // the quick run's one-second iterations
            for (int i = 0; i < ids.length; i++) {
                bench.log(this);
            }
        }

        String next() {
            String id = ids[next];
            next = next + 1 == ids.length ? 0 : next + 1;
            return id;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.scratch("chat-" + impl);
        message = BenchSupport.payload(size);
        switch (impl) {
            case "chatlog" -> {
                logback = BenchSupport.logback(maxOpenFiles == 0
                        ? "<appender name='C' class='io.github.chatlog.logback.ChatTranscriptAppender'><directory>" + dir
                        + "</directory></appender><root level='INFO'><appender-ref ref='C'/></root>"
                        : "<appender name='C' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                        + "<directory>" + dir + "</directory><format>plain</format>"
                        + "<fileNamePattern>%session.log</fileNamePattern>"
                        + "<maxOpenFiles>" + maxOpenFiles + "</maxOpenFiles></appender>"
                        + "<root level='INFO'><appender-ref ref='C'/></root>");
                slf4j = logback.getLogger("chat");
            }
            case "sifting" -> {
                logback = BenchSupport.logback("<appender name='S' class='ch.qos.logback.classic.sift.SiftingAppender'>"
                        + "<discriminator><key>session_id</key><defaultValue>default</defaultValue></discriminator>"
                        + (maxOpenFiles == 0 ? "" : "<maxAppenderCount>256</maxAppenderCount><timeout>30 seconds</timeout>")
                        + "<sift><appender name='F-${session_id}' class='ch.qos.logback.core.FileAppender'>"
                        + "<file>" + dir + "/${session_id}.log</file>"
                        + "<encoder><pattern>user: %msg%n</pattern></encoder></appender></sift></appender>"
                        + "<root level='INFO'><appender-ref ref='S'/></root>");
                slf4j = logback.getLogger("chat");
            }
            case "log4j2" -> {
                String xml = "<Configuration status='ERROR'><Appenders>"
                        + "<Routing name='R'><Routes pattern='$${ctx:session_id}'><Route>"
                        + "<File name='F-${ctx:session_id}' fileName='" + dir + "/${ctx:session_id}.log' immediateFlush='true'>"
                        + "<PatternLayout pattern='user: %m%n'/></File></Route></Routes>"
                        + "<IdlePurgePolicy timeToLive='30' timeUnit='seconds'/></Routing></Appenders>"
                        + "<Loggers><Root level='info'><AppenderRef ref='R'/></Root></Loggers></Configuration>";
                log4j = Configurator.initialize(getClass().getClassLoader(),
                        new ConfigurationSource(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
                log4jLogger = log4j.getLogger("chat");
            }
            default -> throw new IllegalArgumentException(impl);
        }
    }

    @Benchmark
    public void log(Cursor cursor) {
        String id = cursor.next();
        if (log4jLogger != null) {
            ThreadContext.put("session_id", id);
            log4jLogger.info(message);
        } else {
            MDC.put("session_id", id);
            slf4j.atInfo().addKeyValue("role", "user").log(message);
        }
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) {
        if (log4j != null) {
            Configurator.shutdown(log4j);
        } else {
            logback.stop();
        }
        BenchSupport.verify(run, ops.sum(), maxOpenFiles == 0 && impl.equals("chatlog")
                ? BenchSupport.countLinesContaining(dir, message) // the text format adds a header and a footer
                : BenchSupport.countLines(dir));
        BenchSupport.delete(dir);
    }
}
