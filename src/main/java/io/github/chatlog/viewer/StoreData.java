package io.github.chatlog.viewer;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.ConversationExport;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.read.TranscriptDirectory.Transcript;
import io.github.chatlog.read.TranscriptSearch;
import io.github.chatlog.store.StoreReader;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.Writer;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The viewer over a store ({@code --db}): every request reads through a {@link StoreReader} of its own, on a read-only
 * connection, so the viewer never writes to the store and sees what writers committed. A store keeps one conversation
 * per session id. Search is {@link TranscriptSearch#database}; the live view follows the rows added after the last
 * one seen.
 */
final class StoreData implements ViewerData {

    /** How often the live view asks the store for new rows: {@value} ms. */
    static final long POLL_MS = 500;

    private final String url;
    private final ZoneId zone;

    StoreData(String url, ZoneId zone) throws SQLException {
        this.url = url;
        this.zone = zone;
        try (StoreReader r = StoreReader.open(url)) {
            r.lastEventId(); // the store is there and readable: fail at start, not at the first page
        }
    }

    @Override
    public String kind() {
        return "store";
    }

    @Override
    public String location() {
        int parameters = url.indexOf('?');
        String shown = parameters < 0 ? url : url.substring(0, parameters);
        int at = shown.indexOf('@'); // user:password@host in a PostgreSQL URL
        return at < 0 ? shown : shown.substring(0, shown.indexOf("//") + 2) + shown.substring(at + 1);
    }

    @Override
    public ObjectNode sessions(SessionQuery q) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            StoreReader.SessionPage page = r.sessions(new StoreReader.SessionFilter(q.from(), q.to(), q.model(),
                    q.errorsOnly(), q.lowConfidenceOnly(), q.idContains()), q.offset(), q.limit());
            Map<String, StoreReader.SessionFacets> facets = r.facets(page.sessions().stream()
                    .map(StoreReader.StoredSession::sessionId).toList());
            ObjectNode o = JsonViews.object();
            o.put("total", page.total());
            o.put("total_exact", page.exact());
            o.put("offset", q.offset());
            o.put("limit", q.limit());
            ArrayNode rows = o.putArray("sessions");
            for (StoreReader.StoredSession s : page.sessions()) {
                StoreReader.SessionFacets f = facets.get(s.sessionId());
                ObjectNode row = rows.addObject();
                row.put("session_id", s.sessionId());
                row.put("conversation", 1);
                row.put("conversations", 1);
                JsonViews.putTime(row, "started", s.started());
                JsonViews.putTime(row, "ended", s.ended());
                JsonViews.putTime(row, "last_entry", s.lastEntry());
                row.put("turns", f.turns());
                row.put("entries", s.entries());
                row.put("tokens", s.tokens());
                row.put("errors", s.errors());
                row.put("low_confidence", f.lowConfidence());
                ArrayNode models = row.putArray("models");
                f.models().forEach(models::add);
                row.putNull("file");
            }
            return o;
        }
    }

    @Override
    public boolean hasSession(String id) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            return r.session(id) != null;
        }
    }

    @Override
    public ObjectNode conversation(String id, Integer number, long offset, int limit, boolean last) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            StoreReader.StoredSession s = r.session(id);
            if (s == null) {
                throw ApiError.notFound("no conversation of session '" + id + "'");
            }
            if (number != null && number != 1) {
                throw ApiError.badRequest("conversation takes 1 to 1 (a store keeps one per session id), not " + number);
            }
            long total = r.entryCount(id);
            long from = last ? Math.max(0, total - limit) : Math.min(offset, total);
            ObjectNode o = JsonViews.object();
            o.put("session_id", id);
            o.put("conversation", 1);
            ObjectNode only = o.putArray("conversations").addObject();
            only.put("conversation", 1);
            JsonViews.putTime(only, "started", s.started());
            JsonViews.putTime(only, "ended", s.ended());
            only.put("entries", total);
            only.putNull("file");
            JsonViews.putTime(o, "started", s.started());
            JsonViews.putTime(o, "ended", s.ended());
            o.put("turns", r.facets(List.of(id)).get(id).turns());
            o.put("tokens", s.tokens());
            o.put("errors", s.errors());
            o.putNull("file");
            o.put("total", total);
            o.put("offset", from);
            o.put("limit", limit);
            ArrayNode out = o.putArray("entries");
            long index = from;
            for (LogEntry e : r.entries(id, from, limit)) {
                out.add(JsonViews.entry(e, index++));
            }
            return o;
        }
    }

    @Override
    public ObjectNode search(String query, String role, int limit) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            List<TranscriptSearch.Hit> hits = TranscriptSearch.database(new io.github.chatlog.store.EventStore(r.connection()), query, role, Long.MIN_VALUE,
                    limit + 1);
            ObjectNode o = FileData.searchHeader(query, role, limit, hits.size() > limit);
            ArrayNode out = o.putArray("hits");
            for (TranscriptSearch.Hit h : hits.subList(0, Math.min(limit, hits.size()))) {
                ObjectNode hit = FileData.hit(out, h, query);
                hit.put("conversation", 1);
                hit.put("index", r.indexAt(h.sessionId(), h.timestamp()));
                hit.putNull("file");
            }
            return o;
        }
    }

    @Override
    public ObjectNode stats() throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            long[] span = r.span();
            SQLException[] failed = {null};
            // one session in memory at a time, as the export reads them
            ObjectNode o = StatsView.compute(span == null ? 0 : span[0], span == null ? -1 : span[1], zone, sink -> {
                try {
                    r.forEachSession((id, entries) -> sink.accept(entries));
                } catch (SQLException e) {
                    failed[0] = e;
                }
            }, r.errorEvents(Long.MIN_VALUE)).json().put("source", kind());
            if (failed[0] != null) {
                throw failed[0];
            }
            return o;
        }
    }

    @Override
    public void export(String format, String session, Integer number, Writer out) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            if (session != null && r.session(session) == null) {
                throw ApiError.notFound("no conversation of session '" + session + "'");
            }
            if (number != null && number != 1) {
                throw ApiError.badRequest("conversation takes 1 to 1 (a store keeps one per session id), not " + number);
            }
            SQLException[] failed = {null};
            ConversationExport.export(format, sink -> {
                try {
                    r.forEachSession((id, entries) -> sink.accept(new Transcript(id, null, List.of(), entries, -1)));
                } catch (SQLException e) {
                    failed[0] = e;
                }
            }, t -> session == null || session.equals(t.sessionId()), null, 0, e -> true, out);
            if (failed[0] != null) {
                throw failed[0];
            }
        }
    }

    @Override
    public List<ObjectNode> recentLines(int n) throws SQLException {
        try (StoreReader r = StoreReader.open(url)) {
            List<ObjectNode> out = new ArrayList<>();
            for (StoreReader.Row<String> row : r.eventsAfter(Math.max(0, r.lastEventId() - n), n)) {
                MasterLine l = MasterLineFormat.parse(row.value());
                if (l != null) {
                    out.add(JsonViews.line(l));
                }
            }
            return out;
        }
    }

    @Override
    public void startLive(LiveFeed feed) {
        long[] seen = new long[2];
        try (StoreReader r = StoreReader.open(url)) {
            seen[0] = r.lastEventId();
            seen[1] = r.lastMessageId();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + location() + ": " + e.getMessage(), e);
        }
        feed.produce("store", () -> {
            while (!feed.isClosed()) {
                try (StoreReader r = StoreReader.open(url)) {
                    for (StoreReader.Row<String> row : r.eventsAfter(seen[0], 1_000)) {
                        seen[0] = row.id();
                        MasterLine l = MasterLineFormat.parse(row.value());
                        if (l != null) {
                            feed.publish("line", JsonViews.line(l));
                        }
                    }
                    for (StoreReader.Row<LogEntry> row : r.entriesAfter(seen[1], 1_000)) {
                        seen[1] = row.id();
                        LogEntry e = row.value();
                        feed.publish("entry", FileData.entryEvent(e.sessionId(), 1, e,
                                r.indexAt(e.sessionId(), e.timestamp() + 1) - 1));
                    }
                } catch (SQLException e) {
                    // the store is busy or being replaced: looked at again at the next poll
                }
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        // every request opened and closed its own connection
    }
}
