package io.github.chatlog.store;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.file.SessionFileNames;
import io.github.chatlog.format.TranscriptParser;
import io.github.chatlog.read.MasterLogReader;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Loads {@code master.log}, its archives and the session transcripts (all three formats) of a log directory into the
 * store (SQLite or PostgreSQL). Idempotent: an event already stored (same time and line) or a message already stored (same entry key)
 * is not added again, so a second run adds nothing. Resumable: how far each file was read is kept in
 * {@code ingest_files} and committed with the rows, so an interrupted run continues where it stopped. Safe to run while
 * the application logs: only complete lines and entries are read. A damaged file (a truncated or corrupt gzip archive)
 * does not stop the run: what it holds before the damage is loaded, the file is named in {@link Result#damaged}, and
 * the run goes on with the other files; it is read again (and named again) by the next run.
 */
public final class Ingest {

    /**
     * What a run did.
     *
     * @param damaged one line per file that could not be read to its end: its path in the log directory and why
     */
    public record Result(long files, long filesSkipped, long events, long eventsAlreadyStored, long messages,
                         long messagesAlreadyStored, List<String> damaged) {
    }

    private static final int COMMIT_EVERY = 2_000;
    /** Lines or entries per round trip to the database. */
    private static final int CHUNK = 500;
    private static final int DEDUP_WINDOW = 10_000;

    private final Path dir;
    private final LogLayout layout;
    private final String url;
    private final PrintStream progress;
    private long totalBytes;
    private long doneBytes;
    private long lastProgress;
    private final List<String> damaged = new ArrayList<>();

    /**
     * @param dir      the log directory ({@code CHATLOG_DIR})
     * @param url      the database, {@code jdbc:sqlite:…} or {@code jdbc:postgresql:…}
     * @param zone     the zone text transcripts were written in, or null for the one their appender recorded
     * @param progress where to report progress on large inputs; null for none
     */
    public Ingest(Path dir, String url, ZoneId zone, PrintStream progress) {
        this.dir = dir;
        this.layout = LogLayout.of(dir, zone);
        this.url = url;
        this.progress = progress;
    }

    public Result run() throws SQLException, IOException {
        MasterLogReader reader = MasterLogReader.of(layout.masterLog());
        List<Path> master = new ArrayList<>(reader.archives());
        master.add(layout.masterLog());
        List<Path> transcripts = layout.transcriptFiles();
        for (Path p : master) {
            totalBytes += sizeOrZero(p);
        }
        for (Path p : transcripts) {
            totalBytes += sizeOrZero(p);
        }
        long[] counts = new long[6];
        try (EventStore store = EventStore.open(url, StoreConnections.DEFAULT_BUSY_TIMEOUT_MS)) {
            for (Path p : master) {
                ingestMasterFile(store, p, p.equals(layout.masterLog()), counts);
            }
            for (Path p : transcripts) {
                ingestTranscript(store, p, counts);
            }
        }
        if (progress != null && totalBytes > 0) {
            progress.printf("ingest: 100%% (%s)%n", megabytes(totalBytes));
        }
        return new Result(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], List.copyOf(damaged));
    }

    private void ingestMasterFile(EventStore store, Path file, boolean live, long[] counts) throws SQLException, IOException {
        long size = sizeOrZero(file);
        String key = dir.relativize(file).toString().replace('\\', '/');
        FileState state = state(store, key);
        String head;
        try {
            head = firstLine(file);
        } catch (IOException e) {
            damaged(key, e);
            return;
        }
        long start = 0;
        if (state != null && state.head.equals(head)) {
            if (state.done >= size) {
                counts[1]++;
                doneBytes += size;
                return;
            }
            start = live ? state.done : 0; // gzip archives are read whole; the dedup skips what is stored
        }
        counts[0]++;
        doneBytes += live ? start : 0;
        Map<String, Integer> seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > DEDUP_WINDOW;
            }
        };
        try (InputStream raw = open(file)) {
            if (raw == null) {
                return;
            }
            long position = 0;
            while (position < start) {
                long n = raw.skip(start - position);
                if (n <= 0) {
                    break;
                }
                position += n;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            InputStream in = new BufferedInputStream(raw, 64 * 1024);
            List<StoreRecord.Event> chunk = new ArrayList<>(CHUNK);
            int pending = 0;
            int b;
            while ((b = readOrDamaged(in, key)) >= 0) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                position += line.size() + 1;
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                StoreRecord.Event event = StoreRecord.Event.ofLine(text);
                if (event != null) {
                    chunk.add(event);
                    pending++;
                }
                if (chunk.size() >= CHUNK) {
                    storeNew(store, chunk, seen, counts);
                }
                if (pending >= COMMIT_EVERY) {
                    storeNew(store, chunk, seen, counts);
                    saveState(store, key, size, live ? position : 0, head);
                    store.commit();
                    pending = 0;
                    report(position - start);
                }
            }
            storeNew(store, chunk, seen, counts);
            if (damagedNow(key)) {
                store.commit(); // the lines before the damage; no state saved, so the next run looks again
                return;
            }
            // a last line without its line break is still being written: left for the next run
            saveState(store, key, live ? position : size, live ? position : size, head);
            store.commit();
            doneBytes += live ? position - start : size;
            report(0);
        }
    }

    /**
     * Stores the lines of {@code chunk} not stored yet, and empties it. A line may rightly be in the log twice (two
     * identical events in one millisecond): its n-th occurrence in the file is stored when fewer than n rows hold it.
     */
    private static void storeNew(EventStore store, List<StoreRecord.Event> chunk, Map<String, Integer> seen,
                                 long[] counts) throws SQLException {
        if (chunk.isEmpty()) {
            return;
        }
        String from = chunk.get(0).ts();
        String to = from;
        for (StoreRecord.Event e : chunk) {
            from = e.ts().compareTo(from) < 0 ? e.ts() : from;
            to = e.ts().compareTo(to) > 0 ? e.ts() : to;
        }
        Map<String, Integer> stored = store.storedLines(from, to);
        List<StoreRecord.Event> fresh = new ArrayList<>(chunk.size());
        for (StoreRecord.Event e : chunk) {
            String k = store.lineKey(e.ts(), e.raw());
            int occurrence = seen.getOrDefault(k, 0);
            seen.put(k, occurrence + 1);
            if (stored.getOrDefault(k, 0) > occurrence) {
                counts[3]++;
            } else {
                fresh.add(e);
            }
        }
        store.insert(fresh);
        counts[2] += fresh.size();
        chunk.clear();
    }

    private void ingestTranscript(EventStore store, Path file, long[] counts) throws SQLException, IOException {
        long size = sizeOrZero(file);
        String key = dir.relativize(file).toString().replace('\\', '/');
        FileState state = state(store, key);
        if (state != null && state.done == size) {
            counts[1]++;
            doneBytes += size;
            return;
        }
        counts[0]++;
        String text;
        boolean cut = false;
        try (InputStream in = open(file)) {
            if (in == null) {
                return;
            }
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try {
                in.transferTo(read);
            } catch (IOException e) {
                damaged(key, e);
                cut = true;
            }
            text = read.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            damaged(key, e); // not even its start could be read
            return;
        }
        SessionFileNames.Name name = layout.transcriptName(file);
        String fallbackId = name != null ? name.safeId() : file.getFileName().toString();
        long start = name != null && name.startMillis() >= 0 ? name.startMillis() : Files.getLastModifiedTime(file).toMillis();
        int pending = 0;
        List<LogEntry> entries = TranscriptParser.parse(text, fallbackId, start, layout.zone());
        if (cut && !entries.isEmpty()) {
            entries = entries.subList(0, entries.size() - 1); // the last one may be cut short by the damage
        }
        List<StoreRecord.Message> chunk = new ArrayList<>(CHUNK);
        for (LogEntry e : entries) {
            chunk.add(StoreRecord.Message.of(e, fallbackId));
            if (chunk.size() >= CHUNK || pending + chunk.size() >= COMMIT_EVERY) {
                pending += storeMessages(store, chunk, counts);
            }
            if (pending >= COMMIT_EVERY) {
                store.commit();
                pending = 0;
            }
        }
        storeMessages(store, chunk, counts);
        if (!cut) {
            saveState(store, key, size, size, "");
        }
        store.commit();
        doneBytes += size;
        report(0);
    }

    private static int storeMessages(EventStore store, List<StoreRecord.Message> chunk, long[] counts)
            throws SQLException {
        int added = store.insert(chunk);
        counts[4] += added;
        counts[5] += chunk.size() - added;
        int n = chunk.size();
        chunk.clear();
        return n;
    }

    /** The next byte, or -1 at the end or where the file is damaged (recorded). */
    private int readOrDamaged(InputStream in, String key) {
        try {
            return in.read();
        } catch (IOException e) {
            damaged(key, e);
            return -1;
        }
    }

    private void damaged(String key, IOException e) {
        String why = e instanceof java.io.EOFException ? "cut short (" + e.getMessage() + ")"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        damaged.add(key + ": " + why);
    }

    private boolean damagedNow(String key) {
        return !damaged.isEmpty() && damaged.get(damaged.size() - 1).startsWith(key + ": ");
    }

    private record FileState(long size, long done, String head) {
    }

    private static FileState state(EventStore store, String key) throws SQLException {
        try (PreparedStatement s = store.connection().prepareStatement(
                "SELECT size, done_bytes, head FROM ingest_files WHERE path = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new FileState(rs.getLong(1), rs.getLong(2), rs.getString(3)) : null;
            }
        }
    }

    private static void saveState(EventStore store, String key, long size, long done, String head) throws SQLException {
        try (PreparedStatement s = store.connection().prepareStatement("INSERT INTO ingest_files (path, size, done_bytes, "
                + "head) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, "
                + "done_bytes = excluded.done_bytes, head = excluded.head")) {
            s.setString(1, key);
            s.setLong(2, size);
            s.setLong(3, done);
            s.setString(4, head);
            s.executeUpdate();
        }
    }

    /** The first line, to recognise a live file that was rotated since the last run; empty when none. */
    private static String firstLine(Path file) throws IOException {
        try (InputStream in = open(file)) {
            if (in == null) {
                return "";
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n' && line.size() < 4096) {
                line.write(b);
            }
            return b == '\n' ? line.toString(StandardCharsets.UTF_8) : "";
        }
    }

    private static InputStream open(Path file) throws IOException {
        try {
            InputStream in = Files.newInputStream(file);
            return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 64 * 1024) : in;
        } catch (NoSuchFileException gone) {
            return null; // compressed or deleted since it was listed
        }
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private void report(long extra) {
        if (progress == null || totalBytes < 8L * 1024 * 1024) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastProgress >= 1000) {
            lastProgress = now;
            long done = Math.min(totalBytes, doneBytes + extra);
            progress.printf("ingest: %d%% (%s of %s)%n", done * 100 / totalBytes, megabytes(done), megabytes(totalBytes));
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
