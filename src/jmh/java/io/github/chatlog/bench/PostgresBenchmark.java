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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * postgres-vs-jdbc: the event-store appender's sustained rate into PostgreSQL against plain JDBC batch inserts of the
 * same rows (the same columns, {@code instance} and {@code event_key} included) into the same schema, 500 rows a
 * transaction, with the driver's default settings. The appender's events are errors, which it never drops (a full
 * queue makes the caller wait), so its rate is what its writer sustains, not what a queue absorbs. The database is the
 * one {@code bench.postgres} names (bench/run.sh starts a PostgreSQL for it); its tables are dropped before each trial.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class PostgresBenchmark {

    @Param({"appender", "jdbc"})
    public String impl;

    private String url;
    private LoggerContext context;
    private Logger logger;
    private Connection jdbc;
    private PreparedStatement insert;
    private int pending;
    private final LongAdder ops = new LongAdder();
    private final IllegalStateException error = new IllegalStateException("provider timeout");

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        url = System.getProperty("bench.postgres");
        if (url == null) {
            throw new IllegalStateException("-Dbench.postgres=jdbc:postgresql://… names the database (bench/run.sh "
                    + "starts one)");
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS events, messages, sessions, ingest_files, schema_version");
        }
        if (impl.equals("appender")) {
            context = BenchSupport.logback("<appender name='S' class='io.github.chatlog.logback.EventStoreAppender'>"
                    + "<storage>" + url.replace("&", "&amp;") + "</storage></appender>"
                    + "<root level='INFO'><appender-ref ref='S'/></root>");
            logger = context.getLogger("error.bench");
        } else {
            jdbc = StoreConnections.open(url, 5000);
            jdbc.setAutoCommit(false);
            insert = jdbc.prepareStatement("INSERT INTO events (ts, event_type, source, message, session_id, kv_json, "
                    + "raw_line, instance, event_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
                insert.setString(8, "bench:1");
                insert.setObject(9, UUID.randomUUID(), Types.OTHER);
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
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE event_type = 'error:runtime'")) {
            rs.next();
            BenchSupport.verify(run, ops.sum(), rs.getLong(1));
        }
    }
}
