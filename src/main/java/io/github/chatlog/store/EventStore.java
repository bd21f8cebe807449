package io.github.chatlog.store;

import io.github.chatlog.event.EventTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * Writes records into the SQLite store, a batch per transaction. Messages are inserted once per entry key (a second
 * insert of the same entry is ignored) and keep {@code sessions} up to date; a {@code conversation:end} event marks its
 * session ended. Not thread-safe: one writer owns it.
 */
public final class EventStore implements AutoCloseable {

    private final Connection connection;
    private final Statement control;
    private boolean inTransaction;
    private final PreparedStatement insertEvent;
    private final PreparedStatement countEvent;
    private final PreparedStatement insertMessage;
    private final PreparedStatement touchSession;
    private final PreparedStatement endSession;

    public EventStore(Connection connection) throws SQLException {
        this.connection = connection;
        // transactions are begun explicitly, when there is something to write: sqlite-jdbc's own non-autocommit mode
        // would begin the next one at once and so hold the write lock between batches, locking everyone else out
        connection.setAutoCommit(true);
        control = connection.createStatement();
        insertEvent = connection.prepareStatement("INSERT INTO events (ts, event_type, source, message, session_id, "
                + "kv_json, raw_line) VALUES (?, ?, ?, ?, ?, ?, ?)");
        countEvent = connection.prepareStatement("SELECT COUNT(*) FROM events WHERE ts = ? AND raw_line = ?");
        insertMessage = connection.prepareStatement("INSERT OR IGNORE INTO messages (session_id, timestamp, role, type, "
                + "content, provider, model, latency_ms, tokens, tokens_in, confidence, tool, metadata, entry_key) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        touchSession = connection.prepareStatement("INSERT INTO sessions (session_id, started, last_entry, messages, "
                + "tokens, errors) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
                + "started = min(started, excluded.started), last_entry = max(last_entry, excluded.last_entry), "
                + "messages = messages + 1, tokens = tokens + excluded.tokens, errors = errors + excluded.errors");
        endSession = connection.prepareStatement("INSERT INTO sessions (session_id, started, last_entry, ended) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET ended = excluded.ended");
    }

    public static EventStore open(String url, int busyTimeoutMs) throws SQLException {
        return new EventStore(StoreConnections.open(url, busyTimeoutMs));
    }

    public Connection connection() {
        return connection;
    }

    /** Writes {@code batch} in one transaction; on failure nothing of it is kept and the exception says why. */
    public void write(List<StoreRecord> batch) throws SQLException {
        try {
            begin();
            // events go in as one JDBC batch (one call into SQLite for all of them); messages one by one, since
            // whether a message was new decides its session's update. A line that is not a master-log line is skipped.
            List<StoreRecord.Event> events = new java.util.ArrayList<>();
            for (StoreRecord r : batch) {
                StoreRecord.Event e = r instanceof StoreRecord.Line l ? StoreRecord.Event.ofLine(l.raw())
                        : r instanceof StoreRecord.Event ev ? ev : null;
                if (e != null) {
                    bindEvent(e);
                    insertEvent.addBatch();
                    events.add(e);
                } else if (!(r instanceof StoreRecord.Line)) {
                    insert(r);
                }
            }
            if (!events.isEmpty()) {
                insertEvent.executeBatch();
                for (StoreRecord.Event e : events) {
                    markEnded(e);
                }
            }
            commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** How many rows hold exactly this line at this time: lets ingest skip what is already stored. */
    public int countEvent(String ts, String raw) throws SQLException {
        countEvent.setString(1, ts);
        countEvent.setString(2, raw);
        try (ResultSet rs = countEvent.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Inserts without committing; {@link #commit()} ends the transaction. For ingest, which commits in its own rhythm.
     * Returns false for a message that was stored already.
     */
    public boolean insert(StoreRecord r) throws SQLException {
        begin();
        if (r instanceof StoreRecord.Line l) {
            StoreRecord.Event e = StoreRecord.Event.ofLine(l.raw());
            return e != null && insert(e);
        }
        if (r instanceof StoreRecord.Event e) {
            bindEvent(e);
            insertEvent.executeUpdate();
            markEnded(e);
            return true;
        } else if (r instanceof StoreRecord.Message m) {
            insertMessage.setString(1, m.sessionId());
            insertMessage.setString(2, m.timestamp());
            insertMessage.setString(3, m.role());
            insertMessage.setString(4, m.type());
            insertMessage.setString(5, m.content());
            insertMessage.setString(6, m.provider());
            insertMessage.setString(7, m.model());
            setLong(insertMessage, 8, m.latencyMs());
            setLong(insertMessage, 9, m.tokens());
            setLong(insertMessage, 10, m.tokensIn());
            if (m.confidence() == null) {
                insertMessage.setNull(11, Types.REAL);
            } else {
                insertMessage.setDouble(11, m.confidence());
            }
            insertMessage.setString(12, m.tool());
            insertMessage.setString(13, m.metadata());
            insertMessage.setString(14, m.entryKey());
            if (insertMessage.executeUpdate() == 1) {
                touchSession.setString(1, m.sessionId());
                touchSession.setString(2, m.timestamp());
                touchSession.setString(3, m.timestamp());
                touchSession.setLong(4, m.tokens() == null ? 0 : m.tokens());
                touchSession.setInt(5, "error".equals(m.type()) ? 1 : 0);
                touchSession.executeUpdate();
                return true;
            }
        }
        return false;
    }

    private void begin() throws SQLException {
        if (!inTransaction) {
            control.execute("BEGIN IMMEDIATE");
            inTransaction = true;
        }
    }

    private void bindEvent(StoreRecord.Event e) throws SQLException {
        insertEvent.setString(1, e.ts());
        insertEvent.setString(2, e.eventType());
        insertEvent.setString(3, e.source());
        insertEvent.setString(4, e.message());
        insertEvent.setString(5, e.sessionId());
        insertEvent.setString(6, e.kvJson());
        insertEvent.setString(7, e.raw());
    }

    /** A {@code conversation:end} event marks its session ended. */
    private void markEnded(StoreRecord.Event e) throws SQLException {
        if (EventTypes.CONVERSATION_END.equals(e.eventType()) && e.sessionId() != null) {
            endSession.setString(1, e.sessionId());
            endSession.setString(2, e.ts());
            endSession.setString(3, e.ts());
            endSession.setString(4, e.ts());
            endSession.executeUpdate();
        }
    }

    /** Commits what {@link #insert} added; does nothing outside a transaction. */
    public void commit() throws SQLException {
        if (inTransaction) {
            control.execute("COMMIT");
            inTransaction = false;
        }
    }

    public void rollbackQuietly() {
        try {
            insertEvent.clearBatch();
        } catch (SQLException ignored) {
            // nothing batched, or the statement is already closed
        }
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        try {
            control.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the connection is failing (or SQLite rolled back already); the caller reports the original error
        }
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setLong(i, v);
        }
    }

    @Override
    public void close() throws SQLException {
        rollbackQuietly();
        connection.close();
    }
}
