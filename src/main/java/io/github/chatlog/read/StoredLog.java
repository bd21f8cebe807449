package io.github.chatlog.read;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.format.UtcTimestamps;
import io.github.chatlog.store.EventStore;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The log as a store holds it (SQLite or PostgreSQL), read through {@link EventStore}: conversations from
 * {@code messages}, one per session id however many instances wrote it, and master-log lines from {@code events}.
 * What the reading commands show from it is the same on either database. Read-only; close it.
 */
public final class StoredLog implements ConversationSource, EventSource, AutoCloseable {

    private final EventStore store;

    private StoredLog(EventStore store) {
        this.store = store;
    }

    /** Opens the store at {@code url} to read: {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://…}. */
    public static StoredLog open(String url) throws SQLException {
        return new StoredLog(EventStore.openForReading(url));
    }

    /** The store this reads. */
    public EventStore store() {
        return store;
    }

    /** Every session's conversation, sessions oldest first; {@code footerEnd} is when the session ended, or -1. */
    @Override
    public void forEach(Consumer<TranscriptDirectory.Transcript> action) {
        Map<String, Long> ends = ends();
        List<LogEntry> entries = new ArrayList<>();
        String[] session = {null};
        read(() -> store.forEachMessage(null, m -> {
            if (session[0] != null && !session[0].equals(m.message().sessionId())) {
                action.accept(transcript(session[0], entries, ends));
                entries.clear();
            }
            session[0] = m.message().sessionId();
            entries.add(m.message().entry());
        }));
        if (session[0] != null) {
            action.accept(transcript(session[0], entries, ends));
        }
    }

    @Override
    public List<TranscriptDirectory.Transcript> conversations(String sessionId) {
        List<LogEntry> entries = new ArrayList<>();
        read(() -> store.forEachMessage(sessionId, m -> entries.add(m.message().entry())));
        return entries.isEmpty() ? List.of() : List.of(transcript(sessionId, entries, ends()));
    }

    @Override
    public List<SessionSummaryRow> sessions(long since) {
        List<SessionSummaryRow> rows = new ArrayList<>();
        forEach(t -> {
            if (t.entries().get(t.entries().size() - 1).timestamp() >= since) {
                rows.add(TranscriptDirectory.row(t, t.footerEnd(), 1, 1));
            }
        });
        return rows;
    }

    private static TranscriptDirectory.Transcript transcript(String sessionId, List<LogEntry> entries,
                                                             Map<String, Long> ends) {
        return new TranscriptDirectory.Transcript(sessionId, null, List.of(), List.copyOf(entries),
                ends.getOrDefault(sessionId, -1L));
    }

    private Map<String, Long> ends() {
        Map<String, Long> ends = new HashMap<>();
        read(() -> {
            for (EventStore.StoredSession s : store.sessions()) {
                if (s.ended() != null) {
                    ends.put(s.sessionId(), UtcTimestamps.parse(s.ended()).toEpochMilli());
                }
            }
        });
        return ends;
    }

    /** The stored lines matching {@code query}, oldest first (by time, then the order they were stored in). */
    @Override
    public Stream<MasterLine> lines(EventQuery query) {
        String since = query.sinceTimestamp();
        List<MasterLine> out = new ArrayList<>();
        read(() -> store.forEachEventLine(since, false, raw -> {
            MasterLine l = MasterLineFormat.parse(raw);
            if (l != null && query.matches(l, since)) {
                out.add(l);
            }
            return query.limit() == 0 || out.size() < query.limit();
        }));
        return out.stream();
    }

    @Override
    public List<MasterLine> tail(int n, EventQuery filter) {
        if (n <= 0) {
            return List.of();
        }
        String since = filter.sinceTimestamp();
        List<MasterLine> newestFirst = new ArrayList<>();
        read(() -> store.forEachEventLine(since, true, raw -> {
            MasterLine l = MasterLineFormat.parse(raw);
            if (l != null && filter.matches(l, since)) {
                newestFirst.add(l);
            }
            return newestFirst.size() < n;
        }));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private interface Read {
        void run() throws SQLException;
    }

    private static void read(Read r) {
        try {
            r.run();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        store.close();
    }
}
