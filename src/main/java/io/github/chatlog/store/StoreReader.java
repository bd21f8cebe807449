package io.github.chatlog.store;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.UtcTimestamps;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Reads the conversations and events of a store back, over one read-only connection ({@link StoreConnections#openForReading}):
 * the {@code sessions} listing paged and filtered, one session's entries paged, every conversation one at a time, and
 * the rows added after a known id (for a live view). A {@code messages} row becomes the {@link LogEntry} it was written
 * from by {@link StoreRecord.Message#of}: its metadata holds the entry's key-values; an error's exception is kept only
 * as text in its content. Plain SQL that SQLite and PostgreSQL both run. Not thread-safe: one reader per thread.
 */
public final class StoreReader implements AutoCloseable {

    /** Answers below this confidence count as low-confidence, as {@code ChatStats.LOW_CONFIDENCE} counts them. */
    public static final double LOW_CONFIDENCE = 0.5;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One row of {@code sessions}: times in epoch millis, {@code ended} -1 while open; {@code entries} its
     * conversation entries, {@code tokens} their output tokens.
     */
    public record StoredSession(String sessionId, long started, long lastEntry, long ended, long entries, long tokens,
                                long errors) {
    }

    /**
     * Which sessions to list: active at or after {@code from} and started before {@code to} (epoch millis; use
     * {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} for no bound), with a reply by {@code model} (null: any), with
     * errors only, with a low-confidence answer only, whose id contains {@code idContains} (null: any).
     */
    public record SessionFilter(long from, long to, String model, boolean errorsOnly, boolean lowConfidenceOnly,
                                String idContains) {

        /** Every session. */
        public static final SessionFilter ALL = new SessionFilter(Long.MIN_VALUE, Long.MAX_VALUE, null, false, false, null);
    }

    /**
     * One page of the listing and how many sessions the filter matches: exactly, or (when {@code exact} is false) at
     * least {@code total}, counted no further than {@link #COUNT_AHEAD} past the page.
     */
    public record SessionPage(long total, boolean exact, List<StoredSession> sessions) {
    }

    /**
     * How far past the page the listing counts matching sessions: {@value}. Counting all of a large store would cost
     * a scan of it on every page; "1-50 of 10,050+" costs a bounded one.
     */
    public static final int COUNT_AHEAD = 10_000;

    /** What the listing shows beside a session's row: turns, models used, low-confidence answers. */
    public record SessionFacets(int turns, List<String> models, int lowConfidence) {
    }

    /** A row read by its id, for following a store as it grows. */
    public record Row<T>(long id, T value) {
    }

    private final Connection connection;

    public StoreReader(Connection connection) {
        this.connection = connection;
    }

    /** A reader over a read-only connection to {@code url}: nothing is created or written. */
    public static StoreReader open(String url) throws SQLException {
        return new StoreReader(StoreConnections.openForReading(url));
    }

    /** The connection it reads through, for a query of its own (a search). */
    public Connection connection() {
        return connection;
    }

    /** The sessions the filter matches, newest first (by their first entry), {@code limit} from {@code offset}. */
    public SessionPage sessions(SessionFilter f, int offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where = where(f, args);
        long cap = (long) offset + limit + COUNT_AHEAD;
        List<Object> countArgs = new ArrayList<>(args);
        countArgs.add(cap);
        long total;
        try (PreparedStatement s = prepare("SELECT COUNT(*) FROM (SELECT 1 FROM sessions s" + where + " LIMIT ?) counted",
                countArgs); ResultSet rs = s.executeQuery()) {
            total = rs.next() ? rs.getLong(1) : 0;
        }
        args.add(limit);
        args.add(offset);
        List<StoredSession> page = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT s.session_id, s.started, s.last_entry, s.ended, s.messages, s.tokens, "
                + "s.errors FROM sessions s" + where + " ORDER BY s.started DESC, s.session_id LIMIT ? OFFSET ?", args);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                page.add(session(rs));
            }
        }
        return new SessionPage(total, total < cap, page);
    }

    private static String where(SessionFilter f, List<Object> args) {
        StringBuilder w = new StringBuilder(" WHERE s.messages > 0");
        if (f.from() != Long.MIN_VALUE) {
            w.append(" AND s.last_entry >= ?");
            args.add(UtcTimestamps.format(f.from()));
        }
        if (f.to() != Long.MAX_VALUE) {
            w.append(" AND s.started < ?");
            args.add(UtcTimestamps.format(f.to()));
        }
        if (f.errorsOnly()) {
            w.append(" AND s.errors > 0");
        }
        if (f.model() != null) {
            w.append(" AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.session_id AND m.model = ?)");
            args.add(f.model());
        }
        if (f.lowConfidenceOnly()) {
            w.append(" AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.session_id AND m.confidence < ?)");
            args.add(LOW_CONFIDENCE);
        }
        if (f.idContains() != null) {
            w.append(" AND s.session_id LIKE ? ESCAPE '\\'");
            args.add("%" + f.idContains().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return w.toString();
    }

    /** The session {@code id}, or null when the store has no entry of it. */
    public StoredSession session(String id) throws SQLException {
        try (PreparedStatement s = prepare("SELECT session_id, started, last_entry, ended, messages, tokens, errors "
                + "FROM sessions WHERE session_id = ? AND messages > 0", List.of(id));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? session(rs) : null;
        }
    }

    private static StoredSession session(ResultSet rs) throws SQLException {
        String ended = rs.getString(4);
        return new StoredSession(rs.getString(1), millis(rs.getString(2)), millis(rs.getString(3)),
                ended == null ? -1 : millis(ended), rs.getLong(5), rs.getLong(6), rs.getLong(7));
    }

    /** Turns, models and low-confidence answers of each of {@code ids}. */
    public Map<String, SessionFacets> facets(Collection<String> ids) throws SQLException {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, TreeSet<String>> models = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
            try (PreparedStatement s = prepare("SELECT session_id, role, type, model, confidence FROM messages "
                    + "WHERE session_id IN (" + marks + ")", new ArrayList<>(ids));
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    int[] c = counts.computeIfAbsent(id, k -> new int[3]);
                    if (ChatKeys.TYPE_MESSAGE.equals(rs.getString(3))) {
                        c["user".equals(rs.getString(2)) ? 0 : "assistant".equals(rs.getString(2)) ? 1 : 2]++;
                    }
                    if (rs.getString(4) != null) {
                        models.computeIfAbsent(id, k -> new TreeSet<>()).add(rs.getString(4));
                    }
                    double confidence = rs.getDouble(5);
                    if (!rs.wasNull() && confidence < LOW_CONFIDENCE) {
                        c[2]++;
                    }
                }
            }
        }
        Map<String, SessionFacets> out = new LinkedHashMap<>();
        for (String id : ids) {
            int[] c = counts.getOrDefault(id, new int[3]);
            out.put(id, new SessionFacets(Math.max(c[0], c[1]), List.copyOf(models.getOrDefault(id, new TreeSet<>())), c[2]));
        }
        return out;
    }

    /** How many entries the session has. */
    public long entryCount(String id) throws SQLException {
        try (PreparedStatement s = prepare("SELECT COUNT(*) FROM messages WHERE session_id = ?", List.of(id));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The session's entries in the order they were logged, {@code limit} from {@code offset}. */
    public List<LogEntry> entries(String id, long offset, int limit) throws SQLException {
        List<LogEntry> out = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT " + ENTRY_COLUMNS + " FROM messages WHERE session_id = ? "
                + "ORDER BY timestamp, id LIMIT ? OFFSET ?", List.of(id, limit, offset));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(entry(rs));
            }
        }
        return out;
    }

    /** Where the first of the session's entries at or after {@code millis} is, in the order {@link #entries} gives. */
    public long indexAt(String id, long millis) throws SQLException {
        try (PreparedStatement s = prepare("SELECT COUNT(*) FROM messages WHERE session_id = ? AND timestamp < ?",
                List.of(id, UtcTimestamps.format(millis)));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Hands every session's entries over, one session at a time, in session-id order. */
    public void forEachSession(BiConsumer<String, List<LogEntry>> action) throws SQLException {
        try (PreparedStatement s = prepare("SELECT " + ENTRY_COLUMNS + " FROM messages ORDER BY session_id, timestamp, id",
                List.of()); ResultSet rs = s.executeQuery()) {
            String current = null;
            List<LogEntry> entries = new ArrayList<>();
            while (rs.next()) {
                String id = rs.getString(2);
                if (current != null && !current.equals(id)) {
                    action.accept(current, entries);
                    entries = new ArrayList<>();
                }
                current = id;
                entries.add(entry(rs));
            }
            if (current != null) {
                action.accept(current, entries);
            }
        }
    }

    /** The times of the first and the last entry (epoch millis), or null when there is none. */
    public long[] span() throws SQLException {
        try (PreparedStatement s = prepare("SELECT MIN(timestamp), MAX(timestamp) FROM messages", List.of());
             ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getString(1) != null ? new long[]{millis(rs.getString(1)), millis(rs.getString(2))}
                    : null;
        }
    }

    /** The error events at or after {@code since} (epoch millis): {@code error:*} and {@code llm:error}. */
    public long errorEvents(long since) throws SQLException {
        try (PreparedStatement s = prepare("SELECT COUNT(*) FROM events WHERE (event_type LIKE 'error:%' OR event_type = ?)"
                + " AND ts >= ?", List.of(EventTypes.LLM_ERROR, since == Long.MIN_VALUE ? "" : UtcTimestamps.format(since)));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The highest event id, or 0: a live view starts after it. */
    public long lastEventId() throws SQLException {
        return maxId("events");
    }

    /** The highest message id, or 0. */
    public long lastMessageId() throws SQLException {
        return maxId("messages");
    }

    private long maxId(String table) throws SQLException {
        try (PreparedStatement s = prepare("SELECT COALESCE(MAX(id), 0) FROM " + table, List.of());
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The master-log lines stored after event {@code id}, oldest first, at most {@code limit}. */
    public List<Row<String>> eventsAfter(long id, int limit) throws SQLException {
        List<Row<String>> out = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT id, raw_line FROM events WHERE id > ? ORDER BY id LIMIT ?",
                List.of(id, limit)); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Row<>(rs.getLong(1), rs.getString(2)));
            }
        }
        return out;
    }

    /** The entries stored after message {@code id}, oldest first, at most {@code limit}. */
    public List<Row<LogEntry>> entriesAfter(long id, int limit) throws SQLException {
        List<Row<LogEntry>> out = new ArrayList<>();
        try (PreparedStatement s = prepare("SELECT " + ENTRY_COLUMNS + " FROM messages WHERE id > ? ORDER BY id LIMIT ?",
                List.of(id, limit)); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Row<>(rs.getLong(1), entry(rs)));
            }
        }
        return out;
    }

    private static final String ENTRY_COLUMNS = "id, session_id, timestamp, role, type, content, metadata";

    /** The entry a {@code messages} row was written from ({@link #ENTRY_COLUMNS}). */
    private static LogEntry entry(ResultSet rs) throws SQLException {
        String type = rs.getString(5);
        String content = rs.getString(6);
        LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).eventType(EventTypes.CONVERSATION_TURN)
                .source("chat").sessionId(rs.getString(2)).timestamp(millis(rs.getString(3))).role(rs.getString(4))
                .entryType(type);
        String metadata = rs.getString(7);
        if (metadata != null) {
            try {
                JsonNode node = JSON.readTree(metadata);
                for (Map.Entry<String, JsonNode> kv : node.properties()) {
                    JsonNode v = kv.getValue();
                    if (!v.isNull()) {
                        b.keyValue(kv.getKey(), v.isString() ? v.asString() : v.toString());
                    }
                }
            } catch (JacksonException damaged) {
                // the content is still shown
            }
        }
        LogEntry e = b.build();
        // a tool call without text was stored as its tool, arguments and result (EntryText): its body is in the metadata
        boolean toolText = ChatKeys.TYPE_TOOL_CALL.equals(type) && content.equals(String.join(" ",
                nonNull(e.value(ChatKeys.TOOL)), nonNull(e.value(ChatKeys.ARGS)), nonNull(e.value(ChatKeys.RESULT))).trim());
        return e.toBuilder().message(toolText ? "" : content).build();
    }

    private PreparedStatement prepare(String sql, List<?> args) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Integer n) {
                    s.setInt(i + 1, n);
                } else if (a instanceof Long n) {
                    s.setLong(i + 1, n);
                } else if (a instanceof Double d) {
                    s.setDouble(i + 1, d);
                } else {
                    s.setString(i + 1, (String) a);
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static long millis(String ts) {
        return UtcTimestamps.parse(ts).toEpochMilli();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
