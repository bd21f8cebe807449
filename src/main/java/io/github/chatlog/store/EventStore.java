package io.github.chatlog.store;

import io.github.chatlog.event.EventTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The store, on SQLite or PostgreSQL: the one way in for writing it and for reading it back.
 *
 * <p>Writing: a batch per transaction, many rows per statement. Messages are inserted once per entry key (a second
 * insert of the same entry is ignored) and keep {@code sessions} up to date; a {@code conversation:end} event marks its
 * session ended. On PostgreSQL each event is also stored once per key, so a batch written again after a lost
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

    private static final String EVENT_COLUMNS = "ts, event_type, source, message, session_id, kv_json, raw_line";
    private static final String MESSAGE_COLUMNS = "session_id, timestamp, role, type, content, provider, model, "
            + "latency_ms, tokens, tokens_in, confidence, tool, metadata, entry_key";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String instance;
    private Statement control;
    private boolean inTransaction;
    private MultiRowInsert events;
    private MultiRowInsert messages;
    private PreparedStatement countEvent;
    private PreparedStatement touchSession;
    private PreparedStatement endSession;

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
            List<StoreRecord.Event> eventRows = new ArrayList<>();
            List<StoreRecord.Message> messageRows = new ArrayList<>();
            for (StoreRecord r : batch) {
                if (r instanceof StoreRecord.Line l) {
                    StoreRecord.Event e = l.event(); // a line that is not a master-log line is skipped
                    if (e != null) {
                        eventRows.add(e);
                    }
                } else if (r instanceof StoreRecord.Event e) {
                    eventRows.add(e);
                } else if (r instanceof StoreRecord.Message m) {
                    messageRows.add(m);
                }
            }
            Map<String, SessionChange> sessions = new TreeMap<>();
            insertEvents(eventRows, sessions);
            insertMessages(messageRows, sessions);
            apply(sessions);
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
        List<StoreRecord.Event> eventRows = new ArrayList<>();
        List<StoreRecord.Message> messageRows = new ArrayList<>();
        for (StoreRecord r : records) {
            if (r instanceof StoreRecord.Message m) {
                messageRows.add(m);
            } else {
                StoreRecord.Event e = r instanceof StoreRecord.Line l ? l.event() : (StoreRecord.Event) r;
                if (e != null) {
                    eventRows.add(e);
                }
            }
        }
        Map<String, SessionChange> sessions = new TreeMap<>();
        int added = insertEvents(eventRows, sessions) + insertMessages(messageRows, sessions);
        apply(sessions);
        return added;
    }

    private int insertEvents(List<StoreRecord.Event> rows, Map<String, SessionChange> sessions) throws SQLException {
        if (events == null) {
            boolean multi = dialect.multiInstance();
            events = new MultiRowInsert(connection, "INSERT INTO events (" + EVENT_COLUMNS
                    + (multi ? ", instance, event_key" : "") + ")", multi ? 9 : 7,
                    multi ? "ON CONFLICT (event_key) DO NOTHING" : "");
        }
        for (int from = 0, n; from < rows.size(); from += n) {
            n = MultiRowInsert.chunk(rows.size() - from);
            PreparedStatement s = events.rows(n);
            for (int i = 0; i < n; i++) {
                bindEvent(s, i * events.columns, rows.get(from + i));
            }
            s.executeUpdate();
        }
        for (StoreRecord.Event e : rows) {
            // a conversation:end event marks its session ended
            if (EventTypes.CONVERSATION_END.equals(e.eventType()) && e.sessionId() != null) {
                sessions.computeIfAbsent(e.sessionId(), k -> new SessionChange()).ended(e.ts());
            }
        }
        return rows.size();
    }

    private void bindEvent(PreparedStatement s, int base, StoreRecord.Event e) throws SQLException {
        s.setString(base + 1, dialect.text(e.ts()));
        s.setString(base + 2, dialect.text(e.eventType()));
        s.setString(base + 3, dialect.text(e.source()));
        s.setString(base + 4, dialect.text(e.message()));
        s.setString(base + 5, dialect.text(e.sessionId()));
        s.setString(base + 6, dialect.text(e.kvJson()));
        s.setString(base + 7, dialect.text(e.raw()));
        if (dialect.multiInstance()) {
            s.setString(base + 8, dialect.text(instance));
            UUID key = e.key() != null ? e.key() : EventKeys.next();
            s.setObject(base + 9, key, Types.OTHER);
        }
    }

    /** Inserts the new messages (a known entry key is skipped) and counts them into their sessions' changes. */
    private int insertMessages(List<StoreRecord.Message> rows, Map<String, SessionChange> sessions) throws SQLException {
        if (messages == null) {
            boolean multi = dialect.multiInstance();
            messages = new MultiRowInsert(connection, "INSERT INTO messages (" + MESSAGE_COLUMNS
                    + (multi ? ", instance" : "") + ")", multi ? 15 : 14,
                    "ON CONFLICT (entry_key) DO NOTHING RETURNING session_id, timestamp, tokens, type");
        }
        int added = 0;
        for (int from = 0, n; from < rows.size(); from += n) {
            n = MultiRowInsert.chunk(rows.size() - from);
            PreparedStatement s = messages.rows(n);
            for (int i = 0; i < n; i++) {
                bindMessage(s, i * messages.columns, rows.get(from + i));
            }
            try (ResultSet rs = s.executeQuery()) { // the rows that were new
                while (rs.next()) {
                    long tokens = rs.getLong(3);
                    sessions.computeIfAbsent(rs.getString(1), k -> new SessionChange())
                            .message(rs.getString(2), tokens, "error".equals(rs.getString(4)));
                    added++;
                }
            }
        }
        return added;
    }

    private void bindMessage(PreparedStatement s, int base, StoreRecord.Message m) throws SQLException {
        s.setString(base + 1, dialect.text(m.sessionId()));
        s.setString(base + 2, dialect.text(m.timestamp()));
        s.setString(base + 3, dialect.text(m.role()));
        s.setString(base + 4, dialect.text(m.type()));
        s.setString(base + 5, dialect.text(m.content()));
        s.setString(base + 6, dialect.text(m.provider()));
        s.setString(base + 7, dialect.text(m.model()));
        setLong(s, base + 8, m.latencyMs());
        setLong(s, base + 9, m.tokens());
        setLong(s, base + 10, m.tokensIn());
        if (m.confidence() == null) {
            s.setNull(base + 11, Types.DOUBLE);
        } else {
            s.setDouble(base + 11, m.confidence());
        }
        s.setString(base + 12, dialect.text(m.tool()));
        s.setString(base + 13, dialect.text(m.metadata()));
        s.setString(base + 14, dialect.text(m.entryKey()));
        if (dialect.multiInstance()) {
            s.setString(base + 15, dialect.text(instance));
        }
    }

    /** What a batch changes in one session: its new messages, and its end. */
    private static final class SessionChange {
        String first;
        String last;
        long messages;
        long tokens;
        long errors;
        String ended;

        void message(String ts, long tokens, boolean error) {
            first = first == null || ts.compareTo(first) < 0 ? ts : first;
            last = last == null || ts.compareTo(last) > 0 ? ts : last;
            messages++;
            this.tokens += tokens;
            errors += error ? 1 : 0;
        }

        void ended(String ts) {
            ended = ts;
        }
    }

    /**
     * Updates {@code sessions}, one statement per changed session, in session-id order: writers into one PostgreSQL
     * database lock the rows they update in the same order, so they wait for each other rather than deadlock.
     */
    private void apply(Map<String, SessionChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        if (touchSession == null) {
            touchSession = connection.prepareStatement("INSERT INTO sessions (session_id, started, last_entry, messages, "
                    + "tokens, errors) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                    + "started = " + dialect.least() + "(sessions.started, excluded.started), "
                    + "last_entry = " + dialect.greatest() + "(sessions.last_entry, excluded.last_entry), "
                    + "messages = sessions.messages + excluded.messages, tokens = sessions.tokens + excluded.tokens, "
                    + "errors = sessions.errors + excluded.errors");
            endSession = connection.prepareStatement("INSERT INTO sessions (session_id, started, last_entry, ended) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET ended = excluded.ended");
        }
        for (Map.Entry<String, SessionChange> e : changes.entrySet()) {
            SessionChange c = e.getValue();
            String id = dialect.text(e.getKey());
            if (c.messages > 0) {
                touchSession.setString(1, id);
                touchSession.setString(2, c.first);
                touchSession.setString(3, c.last);
                touchSession.setLong(4, c.messages);
                touchSession.setLong(5, c.tokens);
                touchSession.setLong(6, c.errors);
                touchSession.executeUpdate();
            }
            if (c.ended != null) {
                String ts = dialect.text(c.ended);
                endSession.setString(1, id);
                endSession.setString(2, ts);
                endSession.setString(3, ts);
                endSession.setString(4, ts);
                endSession.executeUpdate();
            }
        }
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

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
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
        if (events != null) {
            events.close();
        }
        if (messages != null) {
            messages.close();
        }
        connection.close();
    }
}
