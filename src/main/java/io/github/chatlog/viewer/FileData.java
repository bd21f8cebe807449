package io.github.chatlog.viewer;

import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.ConversationExport;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.read.ChatStats;
import io.github.chatlog.read.EventQuery;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.MasterLogFollower;
import io.github.chatlog.read.MasterLogReader;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptSearch;
import io.github.chatlog.viewer.TranscriptCache.Conversation;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.Writer;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The viewer over a log directory: the transcripts through {@link TranscriptCache} (read by {@link TranscriptDirectory}),
 * search by {@link TranscriptSearch} (the database when it is current, as {@code chatlog search} does), figures by
 * {@link ChatStats}, exports by {@link ConversationExport}, and the live view from {@link MasterLogFollower} and the
 * transcripts' changes.
 */
final class FileData implements ViewerData {

    /** How often the live view looks at the transcripts: {@value} ms (longer on a directory that is slow to look at). */
    static final long POLL_MS = 400;

    private final Path directory;
    private final ZoneId zone;
    private final TranscriptCache cache;
    private final Path masterLog;

    FileData(Path directory, ZoneId zone) {
        this.directory = directory;
        this.zone = zone;
        this.cache = new TranscriptCache(new TranscriptDirectory(directory, zone), directory);
        this.masterLog = directory.resolve(LogLayout.MASTER_LOG);
    }

    @Override
    public String kind() {
        return "files";
    }

    @Override
    public String location() {
        return directory.toAbsolutePath().normalize().toString();
    }

    @Override
    public ObjectNode sessions(SessionQuery q) {
        List<Conversation> matching = new ArrayList<>();
        for (Conversation c : cache.snapshot().newestFirst) {
            if (c.lastEntry() >= q.from() && c.row().started() < q.to()
                    && (q.model() == null || c.models().contains(q.model()))
                    && (!q.errorsOnly() || c.row().errors() > 0)
                    && (!q.lowConfidenceOnly() || c.lowConfidence() > 0)
                    && (q.idContains() == null || c.sessionId().contains(q.idContains()))) {
                matching.add(c);
            }
        }
        ObjectNode o = JsonViews.object();
        o.put("total", matching.size());
        o.put("total_exact", true);
        o.put("offset", q.offset());
        o.put("limit", q.limit());
        ArrayNode rows = o.putArray("sessions");
        for (Conversation c : matching.subList(Math.min(q.offset(), matching.size()),
                Math.min(matching.size(), q.offset() + q.limit()))) {
            ObjectNode r = rows.addObject();
            r.put("session_id", c.sessionId());
            r.put("conversation", c.row().conversation());
            r.put("conversations", c.row().conversations());
            JsonViews.putTime(r, "started", c.row().started());
            JsonViews.putTime(r, "ended", c.row().ended());
            JsonViews.putTime(r, "last_entry", c.lastEntry());
            r.put("turns", c.row().turns());
            r.put("entries", c.transcript().entries().size());
            r.put("tokens", c.row().tokens());
            r.put("errors", c.row().errors());
            r.put("low_confidence", c.lowConfidence());
            ArrayNode models = r.putArray("models");
            c.models().forEach(models::add);
            r.put("file", relative(c.transcript().file()));
        }
        return o;
    }

    private String relative(Path file) {
        return directory.relativize(file).toString().replace('\\', '/');
    }

    @Override
    public boolean hasSession(String id) {
        return cache.snapshot().byId.containsKey(id);
    }

    @Override
    public ObjectNode conversation(String id, Integer number, long offset, int limit, boolean last) {
        List<Conversation> all = cache.snapshot().byId.get(id);
        if (all == null) {
            throw ApiError.notFound("no conversation of session '" + id + "'");
        }
        if (number != null && (number < 1 || number > all.size())) {
            throw ApiError.badRequest("conversation takes 1 to " + all.size() + ", not " + number);
        }
        Conversation c = all.get((number == null ? all.size() : number) - 1);
        List<LogEntry> entries = c.transcript().entries();
        ObjectNode o = JsonViews.object();
        o.put("session_id", id);
        o.put("conversation", c.row().conversation());
        ArrayNode list = o.putArray("conversations");
        for (Conversation other : all) {
            ObjectNode n = list.addObject();
            n.put("conversation", other.row().conversation());
            JsonViews.putTime(n, "started", other.row().started());
            JsonViews.putTime(n, "ended", other.row().ended());
            n.put("entries", other.transcript().entries().size());
            n.put("file", relative(other.transcript().file()));
        }
        JsonViews.putTime(o, "started", c.row().started());
        JsonViews.putTime(o, "ended", c.row().ended());
        o.put("turns", c.row().turns());
        o.put("tokens", c.row().tokens());
        o.put("errors", c.row().errors());
        o.put("file", relative(c.transcript().file()));
        page(o, entries, offset, limit, last);
        return o;
    }

    /** {@code limit} entries from {@code offset} (or the last ones), with the total. */
    static void page(ObjectNode o, List<LogEntry> entries, long offset, int limit, boolean last) {
        int total = entries.size();
        int from = last ? Math.max(0, total - limit) : (int) Math.min(offset, total);
        int to = Math.min(total, from + limit);
        o.put("total", total);
        o.put("offset", from);
        o.put("limit", limit);
        ArrayNode out = o.putArray("entries");
        for (int i = from; i < to; i++) {
            out.add(JsonViews.entry(entries.get(i), i));
        }
    }

    @Override
    public ObjectNode search(String query, String role, int limit) throws Exception {
        Path db = directory.resolve(LogLayout.DATABASE);
        int wanted = limit + 1; // one more: are there more?
        List<TranscriptSearch.Hit> hits = TranscriptSearch.databaseCurrent(directory, db)
                ? TranscriptSearch.database(db, query, role, Long.MIN_VALUE, wanted)
                : TranscriptSearch.files(new TranscriptDirectory(directory, zone), query, role, Long.MIN_VALUE, wanted);
        TranscriptCache.Snapshot snapshot = cache.snapshot();
        ObjectNode o = searchHeader(query, role, limit, hits.size() > limit);
        ArrayNode out = o.putArray("hits");
        for (TranscriptSearch.Hit h : hits.subList(0, Math.min(limit, hits.size()))) {
            ObjectNode hit = hit(out, h, query);
            Conversation c = h.file() != null ? snapshot.byFile.get(h.file()) : null;
            List<Conversation> candidates = c != null ? List.of(c) : snapshot.byId.getOrDefault(h.sessionId(), List.of());
            for (Conversation k : candidates) {
                int index = indexOf(k.transcript().entries(), h);
                if (index >= 0) {
                    hit.put("conversation", k.row().conversation());
                    hit.put("index", index);
                    hit.put("file", relative(k.transcript().file()));
                    break;
                }
            }
        }
        return o;
    }

    private static int indexOf(List<LogEntry> entries, TranscriptSearch.Hit h) {
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            if (e.timestamp() == h.timestamp() && EntryText.of(e).equals(h.text())) {
                return i;
            }
        }
        return -1;
    }

    static ObjectNode searchHeader(String query, String role, int limit, boolean more) {
        ObjectNode o = JsonViews.object();
        o.put("query", query);
        o.put("role", role);
        o.put("limit", limit);
        o.put("more", more);
        return o;
    }

    /**
     * A hit with where the query matches its text, as {@code [start, end)} pairs of UTF-16 offsets (what JavaScript
     * strings count), found with the search's own {@link TranscriptSearch#matcher}.
     */
    static ObjectNode hit(ArrayNode out, TranscriptSearch.Hit h, String query) {
        ObjectNode hit = out.addObject();
        JsonViews.putTime(hit, "timestamp", h.timestamp());
        hit.put("session_id", h.sessionId());
        hit.put("role", h.role());
        hit.put("text", h.text());
        ArrayNode matches = hit.putArray("matches");
        Matcher m = TranscriptSearch.matcher(query).matcher(h.text());
        while (m.find() && matches.size() < 100) {
            matches.addArray().add(m.start()).add(m.end());
        }
        return hit;
    }

    @Override
    public ObjectNode stats() {
        TranscriptCache.Snapshot s = cache.snapshot();
        return s.stats(() -> {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (Conversation c : s.newestFirst) {
                first = Math.min(first, c.transcript().entries().get(0).timestamp());
                last = Math.max(last, c.lastEntry());
            }
            long errors = ChatStats.masterLogErrors(MasterLogReader.of(masterLog), null);
            return StatsView.compute(first, last, zone, sink -> s.newestFirst.forEach(c -> sink.accept(
                    c.transcript().entries())), errors);
        }).json().deepCopy().put("source", kind());
    }

    @Override
    public void export(String format, String session, Integer number, Writer out) {
        TranscriptCache.Snapshot s = cache.snapshot();
        Path only = null;
        if (session != null) {
            List<Conversation> all = s.byId.get(session);
            if (all == null) {
                throw ApiError.notFound("no conversation of session '" + session + "'");
            }
            if (number != null && (number < 1 || number > all.size())) {
                throw ApiError.badRequest("conversation takes 1 to " + all.size() + ", not " + number);
            }
            only = number == null ? null : all.get(number - 1).transcript().file();
        }
        Path file = only;
        // in file-name order, as chatlog export writes them
        List<Conversation> byFile = new ArrayList<>(s.newestFirst);
        byFile.sort(java.util.Comparator.comparing(c -> c.transcript().file()));
        ConversationExport.export(format, sink -> byFile.forEach(c -> sink.accept(c.transcript())),
                t -> (session == null || session.equals(t.sessionId())) && (file == null || file.equals(t.file())),
                null, 0, e -> true, out);
    }

    @Override
    public List<ObjectNode> recentLines(int n) {
        List<ObjectNode> out = new ArrayList<>();
        for (MasterLine l : MasterLogReader.of(masterLog).tail(n, EventQuery.ALL)) {
            out.add(JsonViews.line(l));
        }
        return out;
    }

    @Override
    public void startLive(LiveFeed feed) {
        cache.refresh(); // what is there now is not news
        feed.produce("master-log", () -> {
            try {
                new MasterLogFollower(masterLog, 200).follow(false, l -> feed.publish("line", JsonViews.line(l)),
                        feed::isClosed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        feed.produce("transcripts", () -> {
            while (!feed.isClosed()) {
                long started = System.nanoTime();
                for (TranscriptCache.Change change : cache.refresh()) {
                    Conversation c = change.conversation();
                    List<LogEntry> entries = c.transcript().entries();
                    for (int i = change.from(); i < entries.size(); i++) {
                        feed.publish("entry", entryEvent(c.sessionId(), c.row().conversation(), entries.get(i), i));
                    }
                }
                long took = (System.nanoTime() - started) / 1_000_000;
                try {
                    Thread.sleep(Math.max(POLL_MS, 4 * took));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static ObjectNode entryEvent(String sessionId, int conversation, LogEntry e, long index) {
        ObjectNode o = JsonViews.object();
        o.put("session_id", sessionId);
        o.put("conversation", conversation);
        o.set("entry", JsonViews.entry(e, index));
        return o;
    }

    @Override
    public void close() {
        // nothing held open: the live producers stop with the feed
    }
}
