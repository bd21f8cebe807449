package io.github.chatlog.store;

import io.github.chatlog.event.EventTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns records into rows inside the caller's transaction: events and messages in multi-row statements (a message
 * whose entry key is stored already is skipped, and so is an event whose key is, on PostgreSQL), then one update per
 * session the new rows touched. Owned by one {@link EventStore}.
 */
final class RowWriter implements AutoCloseable {

    private static final String EVENT_COLUMNS = "ts, event_type, source, message, session_id, kv_json, raw_line";
    private static final String MESSAGE_COLUMNS = "session_id, timestamp, role, type, content, provider, model, "
            + "latency_ms, tokens, tokens_in, confidence, tool, metadata, entry_key";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String instance;
    private MultiRowInsert events;
    private MultiRowInsert messages;
    private PreparedStatement touchSession;
    private PreparedStatement endSession;

    RowWriter(Connection connection, StoreDialect dialect, String instance) {
        this.connection = connection;
        this.dialect = dialect;
        this.instance = instance;
    }

    /** Inserts the records (a line that is not a master-log line is skipped); returns how many rows were new. */
    int insert(List<? extends StoreRecord> records) throws SQLException {
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
     * Updates {@code sessions}, a row per changed session, in session-id order: writers into one PostgreSQL database
     * lock the rows they update in the same order, so they wait for each other rather than deadlock.
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
        touchSession.clearBatch(); // nothing left over from a batch that failed half-way
        endSession.clearBatch();
        boolean touched = false;
        boolean ended = false;
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
                touchSession.addBatch();
                touched = true;
            }
            if (c.ended != null) {
                String ts = dialect.text(c.ended);
                endSession.setString(1, id);
                endSession.setString(2, ts);
                endSession.setString(3, ts);
                endSession.setString(4, ts);
                endSession.addBatch();
                ended = true;
            }
        }
        // one round trip each: the driver sends a batch's statements together, in order
        if (touched) {
            touchSession.executeBatch();
        }
        if (ended) {
            endSession.executeBatch();
        }
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        if (messages != null) {
            messages.close();
        }
    }
}
