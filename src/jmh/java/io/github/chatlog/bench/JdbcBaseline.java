package io.github.chatlog.bench;

import io.github.chatlog.store.StoreConnections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/**
 * The baseline of the store benchmarks ({@code sqlite-vs-jdbc}, {@code postgres-vs-jdbc}): the row the appender stores
 * for {@code logger.error("llm call failed", error)}, inserted with plain JDBC batches of 500 rows a transaction, into
 * the schema the store made. On PostgreSQL the row also carries its {@code instance} and {@code event_key}.
 */
final class JdbcBaseline {

    private static final String TS = "2026-01-01T00:00:00.000Z";
    private static final String MESSAGE = "llm call failed - IllegalStateException: provider timeout";

    private final Connection jdbc;
    private final PreparedStatement insert;
    private final boolean instanceColumns;
    private int pending;

    /** @param instanceColumns whether the table has PostgreSQL's {@code instance} and {@code event_key} columns */
    JdbcBaseline(String url, boolean instanceColumns) throws SQLException {
        this.instanceColumns = instanceColumns;
        jdbc = StoreConnections.open(url, 5000);
        jdbc.setAutoCommit(false);
        insert = jdbc.prepareStatement("INSERT INTO events (ts, event_type, source, message, session_id, kv_json, "
                + "raw_line" + (instanceColumns ? ", instance, event_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
    }

    /** Adds one row to the batch; commits every 500. */
    synchronized void insert() throws SQLException {
        insert.setString(1, TS);
        insert.setString(2, "error:runtime");
        insert.setString(3, "bench");
        insert.setString(4, MESSAGE);
        insert.setString(5, null);
        insert.setString(6, null);
        insert.setString(7, TS + "|error:runtime|bench|" + MESSAGE);
        if (instanceColumns) {
            insert.setString(8, "bench:1");
            insert.setObject(9, UUID.randomUUID(), Types.OTHER);
        }
        insert.addBatch();
        if (++pending == 500) {
            insert.executeBatch();
            jdbc.commit();
            pending = 0;
        }
    }

    /** Writes what is batched and closes the connection. */
    synchronized void finish() throws SQLException {
        insert.executeBatch();
        jdbc.commit();
        jdbc.close();
    }
}
