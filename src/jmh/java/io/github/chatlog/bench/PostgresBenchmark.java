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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    private JdbcBaseline jdbc;
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
            jdbc = new JdbcBaseline(url, true);
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
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE event_type = 'error:runtime'")) {
            rs.next();
            BenchSupport.verify(run, ops.sum(), rs.getLong(1));
        }
    }
}
