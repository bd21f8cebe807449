package io.github.chatlog.bench;

import ch.qos.logback.classic.LoggerContext;
import io.github.chatlog.store.StoreConnections;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;

/**
 * sqlite-vs-jdbc: the event-store appender's sustained rate against plain sqlite-jdbc batch inserts of the same rows
 * into the same schema (WAL, synchronous=NORMAL, 500 rows a transaction). The appender's events are errors, which it
 * never drops (a full queue makes the caller wait), so its rate is what the writer sustains, not what a queue absorbs.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class StoreBenchmark {

    @Param({"appender", "jdbc"})
    public String impl;

    private Path dir;
    private LoggerContext context;
    private Logger logger;
    private JdbcBaseline jdbc;
    private final LongAdder ops = new LongAdder();
    private final IllegalStateException error = new IllegalStateException("provider timeout");

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        dir = BenchSupport.scratch("store");
        String url = StoreConnections.PREFIX + dir.resolve("chatlog.db");
        if (impl.equals("appender")) {
            context = BenchSupport.logback("<appender name='S' class='io.github.chatlog.logback.EventStoreAppender'>"
                    + "<url>" + url + "</url></appender><root level='INFO'><appender-ref ref='S'/></root>");
            logger = context.getLogger("error.bench");
        } else {
            jdbc = new JdbcBaseline(url, false);
        }
    }

    @Benchmark
    public void store() throws SQLException {
        if (logger != null) {
            logger.error("llm call failed", error);
        } else {
            jdbc.insert();
        }
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) throws SQLException {
        if (context != null) {
            context.stop(); // drains the queue
        } else {
            jdbc.finish();
        }
        try (Connection c = StoreConnections.open(StoreConnections.PREFIX + dir.resolve("chatlog.db"), 5000);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            BenchSupport.verify(run, ops.sum(), rs.getLong(1));
        }
        BenchSupport.delete(dir);
    }
}
