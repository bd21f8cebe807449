package io.github.chatlog.viewer;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.read.ChatStats;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.SessionSummaryRow;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptDirectory.Transcript;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The transcripts of a log directory as the viewer last read them, read through {@link TranscriptDirectory} (the
 * parser the commands use) and kept between requests: a refresh looks at each file's size and time and re-reads only
 * the transcripts that changed, so a live conversation costs one file's parse. The listing's rows come from
 * {@link TranscriptDirectory#sessions(List, long)}, which also reads the master log for conversation ends; they are
 * recomputed at once when a transcript appears or goes, otherwise at most every {@link #MIN_ROWS_INTERVAL_MS} ms (or
 * five times as long as the last computation took, on a large directory).
 *
 * <p>Holds every parsed transcript in memory: for directories of many gigabytes, ingest them into a store and serve
 * that. Thread-safe: {@link #refresh()} is serialised; a {@link Snapshot} is immutable.
 */
final class TranscriptCache {

    /** How long a snapshot counts as fresh for a request: {@value} ms. */
    static final long FRESH_MS = 1_000;
    /** The least time between two computations of the listing's rows: {@value} ms. */
    static final long MIN_ROWS_INTERVAL_MS = 1_000;

    /** One conversation: its listing row, its transcript, the models it used and its low-confidence answers. */
    record Conversation(SessionSummaryRow row, Transcript transcript, List<String> models, int lowConfidence) {

        String sessionId() {
            return transcript.sessionId();
        }

        long lastEntry() {
            List<LogEntry> e = transcript.entries();
            return e.isEmpty() ? row.started() : e.get(e.size() - 1).timestamp();
        }
    }

    /** Entries {@code from} on of a conversation are new since the last refresh. */
    record Change(Conversation conversation, int from) {
    }

    /** The conversations at one moment; immutable. */
    static final class Snapshot {
        final List<Conversation> newestFirst;
        final Map<String, List<Conversation>> byId;
        final Map<Path, Conversation> byFile;
        private StatsView.Result stats;

        Snapshot(List<Conversation> conversations) {
            List<Conversation> sorted = new ArrayList<>(conversations);
            sorted.sort(Comparator.comparingLong((Conversation c) -> c.row().started()).reversed()
                    .thenComparing(Conversation::sessionId).thenComparingInt(c -> c.row().conversation()));
            newestFirst = List.copyOf(sorted);
            Map<String, List<Conversation>> ids = new HashMap<>();
            Map<Path, Conversation> files = new HashMap<>();
            for (Conversation c : conversations) {
                files.put(c.transcript().file(), c);
                ids.computeIfAbsent(c.sessionId(), k -> new ArrayList<>()).add(c);
            }
            ids.values().forEach(l -> l.sort(Comparator.comparingInt(c -> c.row().conversation())));
            byId = ids;
            byFile = files;
        }

        /** The figures of the stats page over these conversations, computed once per snapshot. */
        synchronized StatsView.Result stats(java.util.function.Supplier<StatsView.Result> compute) {
            if (stats == null) {
                stats = compute.get();
            }
            return stats;
        }
    }

    private record Stamp(Path part, long size, java.time.Instant modified) {
    }

    private record Cached(List<Stamp> stamps, Transcript transcript, List<String> models, int lowConfidence) {
    }

    private final TranscriptDirectory directory;
    private final Path masterLog;
    private final Map<Path, Cached> files = new LinkedHashMap<>(); // guarded by this
    private volatile Snapshot snapshot = new Snapshot(List.of());
    private volatile long checkedAt = Long.MIN_VALUE / 2;
    private boolean rowsDirty; // guarded by this
    private long rowsDueAt; // guarded by this
    private List<Stamp> masterStamp = List.of(); // guarded by this

    TranscriptCache(TranscriptDirectory directory, Path logDirectory) {
        this.directory = directory;
        this.masterLog = logDirectory.resolve(LogLayout.MASTER_LOG);
        this.rowsDueAt = System.nanoTime();
    }

    /** The conversations, refreshed first when the last look is older than {@link #FRESH_MS}. */
    Snapshot snapshot() {
        if (System.nanoTime() - checkedAt > TimeUnit.MILLISECONDS.toNanos(FRESH_MS)) {
            refresh();
        }
        return snapshot;
    }

    /** Looks at the files now; returns the conversations that gained entries (new ones included). */
    synchronized List<Change> refresh() {
        long now = System.nanoTime();
        Map<Path, List<Path>> present = directory.transcriptFiles();
        boolean setChanged = !present.keySet().equals(files.keySet());
        Map<Path, Integer> grown = new LinkedHashMap<>();
        boolean needsRows = setChanged;
        for (Map.Entry<Path, List<Path>> f : present.entrySet()) {
            List<Stamp> stamps = stamps(f.getValue());
            Cached before = files.get(f.getKey());
            if (before != null && before.stamps().equals(stamps)) {
                continue;
            }
            Transcript t;
            try {
                t = directory.read(f.getKey(), f.getValue());
            } catch (UncheckedIOException gone) {
                continue; // rolled or pruned while listed: the next refresh sees what is there
            }
            files.put(f.getKey(), cached(stamps, t));
            int had = before == null ? 0 : before.transcript().entries().size();
            if (t.entries().size() != had) {
                grown.put(f.getKey(), had);
            }
            Conversation shown = snapshot.byFile.get(f.getKey());
            needsRows |= shown == null && !t.entries().isEmpty();
        }
        files.keySet().retainAll(present.keySet());
        List<Stamp> master = stamps(List.of(masterLog));
        if (!grown.isEmpty() || !master.equals(masterStamp) || setChanged) {
            rowsDirty = true;
        }
        if (rowsDirty && (needsRows || now - rowsDueAt >= 0)) {
            long started = System.nanoTime();
            masterStamp = master;
            snapshot = withRows();
            rowsDirty = false;
            long took = System.nanoTime() - started;
            rowsDueAt = System.nanoTime() + Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_ROWS_INTERVAL_MS), 5 * took);
        } else if (!grown.isEmpty()) {
            snapshot = withOldRows();
        }
        checkedAt = now;
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<Path, Integer> g : grown.entrySet()) {
            Conversation c = snapshot.byFile.get(g.getKey());
            if (c != null && c.transcript().entries().size() > g.getValue()) {
                changes.add(new Change(c, g.getValue()));
            }
        }
        return changes;
    }

    private Snapshot withRows() {
        List<Transcript> all = new ArrayList<>(files.size());
        for (Cached c : files.values()) {
            all.add(c.transcript());
        }
        List<Conversation> out = new ArrayList<>();
        for (SessionSummaryRow row : directory.sessions(all, Long.MIN_VALUE)) {
            Cached c = files.get(row.file());
            if (c != null) {
                out.add(new Conversation(row, c.transcript(), c.models(), c.lowConfidence()));
            }
        }
        return new Snapshot(out);
    }

    /** The fresh transcripts under the rows computed last (their figures may lag until the rows are due). */
    private Snapshot withOldRows() {
        List<Conversation> out = new ArrayList<>();
        for (Conversation c : snapshot.newestFirst) {
            Cached now = files.get(c.transcript().file());
            if (now != null) {
                out.add(new Conversation(c.row(), now.transcript(), now.models(), now.lowConfidence()));
            }
        }
        return new Snapshot(out);
    }

    private static Cached cached(List<Stamp> stamps, Transcript t) {
        TreeSet<String> models = new TreeSet<>();
        int low = 0;
        for (LogEntry e : t.entries()) {
            if (e.value(ChatKeys.MODEL) != null) {
                models.add(e.value(ChatKeys.MODEL));
            }
            double confidence = ChatKeys.number(e.value(ChatKeys.CONFIDENCE));
            if (!Double.isNaN(confidence) && confidence < ChatStats.LOW_CONFIDENCE) {
                low++;
            }
        }
        return new Cached(stamps, t, List.copyOf(models), low);
    }

    private static List<Stamp> stamps(List<Path> parts) {
        List<Stamp> out = new ArrayList<>(parts.size());
        for (Path p : parts) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(new Stamp(p, a.size(), a.lastModifiedTime().toInstant()));
            } catch (IOException gone) {
                out.add(new Stamp(p, -1, null));
            }
        }
        return out;
    }
}
