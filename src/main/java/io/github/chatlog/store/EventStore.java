package io.github.chatlog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The store, on SQLite or PostgreSQL: the one way in for writing it and for reading it back.
 *
 * <p>Writing: a batch per transaction, many rows per statement. Messages are inserted once per entry key (a
 * second insert of the same entry is ignored) and keep {@code sessions} up to date; a {@code conversation:end} event
 * marks its session ended. On PostgreSQL each event is also stored once per key, so a batch written again after a lost
 * connection adds nothing, and rows say which instance wrote them.
 *
 * <p>Reading ({@link #openForReading}): sessions, conversations, a search's candidates and the master-log lines, in
 * orders that are the same on both databases. Not thread-safe: one owner at a time.
 */
public final class EventStore implements AutoCloseable {

    /** A conversation entry as stored: the order it was stored in, the instance that wrote it (null: unknown). */
    public record StoredMessage(long id, String instance, StoreRecord.Message message) {
    }

    /** A row of {@code sessions}: times as master-log timestamps, {@code ended} null while it has not ended. */
    public record StoredSession(String sessionId, String started, String ended, String lastEntry, long messages,
                                long tokens, long errors) {
    }

    private final Connection connection;
    private final StoreDialect dialect;
    private final String instance;
    private Statement control;
    private boolean inTransaction;
    private RowWriter rows;
    private PreparedStatement countEvent;

    /** A store on an open connection whose schema is applied; rows name no instance. */
    public EventStore(Connection connection) throws SQLException {
        this(connection, dialectOf(connection), null);
    }

    private EventStore(Connection connection, StoreDialect dialect, String instance) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.instance = instance;
        if (!connection.isReadOnly()) {
            dialect.writing(connection);
        }
    }

    /** Opens {@code url} for writing (applying the schema); rows name no instance. */
    public static EventStore open(String url, int busyTimeoutMs) throws SQLException {
        return open(url, busyTimeoutMs, null);
    }

    /**
     * Opens {@code url} for writing, applying the schema.
     *
     * @param instance what the {@code instance} column says for rows written here (PostgreSQL); null for nothing
     */
    public static EventStore open(String url, int busyTimeoutMs, String instance) throws SQLException {
        return new EventStore(StoreConnections.open(url, busyTimeoutMs), StoreConnections.dialect(url), instance);
    }

    /**
     * Opens {@code url} to read it: nothing is created or changed, not even the schema (a SQLite file with no writer
     * attached is opened immutable). A database written by a newer version is refused.
     */
    public static EventStore openForReading(String url) throws SQLException {
        StoreDialect dialect = StoreConnections.dialect(url);
        Connection c = StoreConnections.openForReading(url);
        try {
            int version = StoreSchema.version(c, dialect);
            if (version > StoreSchema.VERSION) {
                throw new SQLException("the database has schema version " + version + "; this logback-chatlog knows "
                        + "up to " + StoreSchema.VERSION + ": upgrade logback-chatlog");
            }
            return new EventStore(c, dialect, null);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static StoreDialect dialectOf(Connection c) throws SQLException {
        StoreDialect d = StoreDialect.of(c.getMetaData().getURL());
        return d == null ? StoreDialect.SQLITE : d;
    }

    public Connection connection() {
        return connection;
    }

    // --- writing ---

    /** Writes {@code batch} in one transaction; on failure nothing of it is kept and the exception says why. */
    public void write(List<StoreRecord> batch) throws SQLException {
        try {
            begin();
            rows().insert(batch);
            commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * How many rows hold each line stored with a time from {@code fromTs} to {@code toTs} (master-log timestamps,
     * both included), keyed by {@link #lineKey}: lets ingest skip what is already stored, a chunk of lines per query.
     */
    public Map<String, Integer> storedLines(String fromTs, String toTs) throws SQLException {
        if (countEvent == null) {
            countEvent = connection.prepareStatement("SELECT ts, raw_line FROM events WHERE ts >= ? AND ts <= ?");
        }
        countEvent.setString(1, dialect.text(fromTs));
        countEvent.setString(2, dialect.text(toTs));
        Map<String, Integer> counts = new java.util.HashMap<>();
        try (ResultSet rs = countEvent.executeQuery()) {
            while (rs.next()) {
                counts.merge(lineKey(rs.getString(1), rs.getString(2)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The key of a stored line in {@link #storedLines}: its time and its text, as this database stores them. */
    public String lineKey(String ts, String raw) {
        return dialect.text(ts) + '\n' + dialect.text(raw);
    }

    /**
     * Inserts without committing; {@link #commit()} ends the transaction. For ingest, which commits in its own rhythm.
     * Returns how many records were added: a message stored already is not.
     */
    public int insert(List<? extends StoreRecord> records) throws SQLException {
        begin();
        return rows().insert(records);
    }

    private RowWriter rows() {
        if (rows == null) {
            rows = new RowWriter(connection, dialect, instance);
        }
        return rows;
    }

    private void begin() throws SQLException {
        if (!inTransaction) {
            if (control == null) {
                control = connection.createStatement();
            }
            dialect.begin(connection, control);
            inTransaction = true;
        }
    }

    /**
     * Commits what {@link #insert} added, and what was written on {@link #connection()} meanwhile; does nothing when
     * nothing is pending.
     */
    public void commit() throws SQLException {
        if (inTransaction || !connection.getAutoCommit()) {
            if (control == null) {
                control = connection.createStatement();
            }
            dialect.commit(connection, control);
            inTransaction = false;
        }
    }

    public void rollbackQuietly() {
        try {
            if (!inTransaction && (connection.isClosed() || connection.getAutoCommit())) {
                return;
            }
        } catch (SQLException e) {
            return;
        }
        inTransaction = false;
        try {
            if (control == null) {
                control = connection.createStatement();
            }
            dialect.rollback(connection, control);
        } catch (SQLException ignored) {
            // the connection is failing (or SQLite rolled back already); the caller reports the original error
        }
    }

    /** Whether a failure is the rows' own (the same rows fail again) rather than the connection's or a lock's. */
    boolean dataError(SQLException e) {
        return dialect.dataError(e);
    }

    /** Whether the connection still answers; a writer reconnects when it does not. */
    boolean connected() {
        try {
            return !connection.isClosed() && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    // --- reading ---

    /** Every session, oldest first (by first entry, then id). */
    public List<StoredSession> sessions() throws SQLException {
        List<StoredSession> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT session_id, started, "
                + "ended, last_entry, messages, tokens, errors FROM sessions ORDER BY started, session_id")) {
            while (rs.next()) {
                out.add(new StoredSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)));
            }
        }
        return out;
    }

    /**
     * The conversation entries of {@code sessionId} (null: of every session), session by session in the order of
     * {@link #sessions()}, each session's in time order (then the order they were stored in): a session written by
     * several instances reads as one conversation.
     */
    public void forEachMessage(String sessionId, Consumer<StoredMessage> action) throws SQLException {
        String sql = sessionId != null
                ? messageQuery("m WHERE m.session_id = ? ORDER BY m.timestamp, m.id")
                : messageQuery("m JOIN sessions s ON s.session_id = m.session_id "
                        + "ORDER BY s.started, s.session_id, m.timestamp, m.id");
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (sessionId != null) {
                s.setString(1, dialect.text(sessionId));
            }
            readMessages(s, m -> {
                action.accept(m);
                return true;
            });
        }
    }

    /**
     * A search's candidates, newest first (by time; within one time in no particular order): the entries whose text
     * contains {@code asciiText} ignoring ASCII case (null: every entry), with role {@code role} (null: any), at or after
     * {@code since} (a master-log timestamp; null: any time); {@code action} returns false to stop, so a search for the
     * newest few reads no further than it needs. A candidate is not yet a hit: the caller confirms it with its own
     * matcher, as it does for the files.
     */
    public void forEachMessageContaining(String asciiText, String role, String since, Predicate<StoredMessage> action)
            throws SQLException {
        StringBuilder where = new StringBuilder("m WHERE 1 = 1");
        if (asciiText != null) {
            where.append(" AND m.content ").append(dialect.likeIgnoringCase()).append(" ? ESCAPE '\\'");
        }
        if (role != null) {
            where.append(" AND m.role = ?");
        }
        if (since != null) {
            where.append(" AND m.timestamp >= ?");
        }
        where.append(" ORDER BY m.timestamp DESC");
        try (PreparedStatement s = connection.prepareStatement(messageQuery(where.toString()))) {
            int i = 1;
            if (asciiText != null) {
                s.setString(i++, "%" + dialect.text(asciiText).replace("\\", "\\\\").replace("%", "\\%")
                        .replace("_", "\\_") + "%");
            }
            if (role != null) {
                s.setString(i++, dialect.text(role));
            }
            if (since != null) {
                s.setString(i, since);
            }
            readMessages(s, action);
        }
    }

    private String messageQuery(String from) {
        return "SELECT m.id, " + (dialect.multiInstance() ? "m.instance" : "NULL") + ", m.session_id, m.timestamp, "
                + "m.role, m.type, m.content, m.provider, m.model, m.latency_ms, m.tokens, m.tokens_in, m.confidence, "
                + "m.tool, m.metadata, m.entry_key FROM messages " + from;
    }

    private static void readMessages(PreparedStatement s, Predicate<StoredMessage> action) throws SQLException {
        s.setFetchSize(1000);
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                boolean more = action.test(new StoredMessage(rs.getLong(1), rs.getString(2), new StoreRecord.Message(rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), longOrNull(rs, 10), longOrNull(rs, 11), longOrNull(rs, 12),
                        doubleOrNull(rs, 13), rs.getString(14), rs.getString(15), rs.getString(16))));
                if (!more) {
                    return;
                }
            }
        }
    }

    /**
     * The stored master-log lines at or after {@code since} (a master-log timestamp; null: all), in time order (then
     * the order they were stored in), or newest first; {@code action} returns false to stop.
     */
    public void forEachEventLine(String since, boolean newestFirst, Predicate<String> action) throws SQLException {
        String order = newestFirst ? " ORDER BY ts DESC, id DESC" : " ORDER BY ts, id";
        try (PreparedStatement s = connection.prepareStatement("SELECT raw_line FROM events"
                + (since != null ? " WHERE ts >= ?" : "") + order)) {
            if (since != null) {
                s.setString(1, since);
            }
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!action.test(rs.getString(1))) {
                        return;
                    }
                }
            }
        }
    }

    /** The size ingest recorded for a file of the log directory ({@code path} relative to it); -1 when none. */
    public long ingestedSize(String path) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT size FROM ingest_files WHERE path = ?")) {
            s.setString(1, dialect.text(path));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Double doubleOrNull(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void close() throws SQLException {
        rollbackQuietly();
        if (rows != null) {
            rows.close();
        }
        connection.close();
    }
}
