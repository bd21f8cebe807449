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
import java.sql.PreparedStatement;
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
    private Connection jdbc;
    private PreparedStatement insert;
    private int pending;
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
            jdbc = StoreConnections.open(url, 5000);
            jdbc.setAutoCommit(false);
            insert = jdbc.prepareStatement("INSERT INTO events (ts, event_type, source, message, session_id, kv_json, "
                    + "raw_line) VALUES (?, ?, ?, ?, ?, ?, ?)");
        }
    }

    @Benchmark
    public void store() throws SQLException {
        if (logger != null) {
            logger.error("llm call failed", error);
        } else {
            synchronized (this) {
                insert.setString(1, "2026-01-01T00:00:00.000Z");
                insert.setString(2, "error:runtime");
                insert.setString(3, "bench");
                insert.setString(4, "llm call failed - IllegalStateException: provider timeout");
                insert.setString(5, null);
                insert.setString(6, null);
                insert.setString(7, "2026-01-01T00:00:00.000Z|error:runtime|bench|llm call failed - "
                        + "IllegalStateException: provider timeout");
                insert.addBatch();
                if (++pending == 500) {
                    insert.executeBatch();
                    jdbc.commit();
                    pending = 0;
                }
            }
        }
        ops.increment();
    }

    @TearDown(Level.Trial)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams run) throws SQLException {
        if (context != null) {
            context.stop(); // drains the queue
        } else {
            insert.executeBatch();
            jdbc.commit();
            jdbc.close();
        }
        try (Connection c = StoreConnections.open(StoreConnections.PREFIX + dir.resolve("chatlog.db"), 5000);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            BenchSupport.verify(run, ops.sum(), rs.getLong(1));
        }
        BenchSupport.delete(dir);
    }
}
