package io.github.chatlog.file;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.TranscriptFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.Iterator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes chat entries into one transcript file per session. Knows nothing of Logback.
 *
 * <ul>
 *   <li>No global lock on the write path: each session has its own lock, held while one entry is written, so
 *       sessions write in parallel and the entries of one session never interleave or reorder.</li>
 *   <li>At most {@code maxOpenFiles} descriptors: a file is opened only with a permit; without one, a session not
 *       written to lately is closed first (it reopens its own file in append mode when it writes again). The choice is
 *       the CLOCK approximation of least-recently-used: open sessions wait in a queue, one written to since the hand
 *       last passed is spared once, so choosing costs O(1) however many files are open.</li>
 *   <li>{@link #end} and {@link #reapIdle} write the footer and close; a session that writes after an idle close
 *       appends to the file it had.</li>
 *   <li>Entries without a session id (null, empty or blank) go to the default session, {@code defaultSession}, in
 *       the file named after it. A real session whose id is that same name is another conversation and never
 *       shares that file: its file carries the longer, hashed form of the name ({@code default-<16 hex>}).</li>
 *   <li>Several processes may share the directory (SPEC §11): the session's first-entry time, which names its file,
 *       is remembered in the directory's {@link DirectoryLock}, so a session that moves to another process appends to
 *       the same file; the file's header is written by whoever creates it, under the lock; an idle session that
 *       another process wrote to since is closed without a footer (the last writer writes it).</li>
 * </ul>
 */
public final class TranscriptRouter implements AutoCloseable {

    /** How many ended-by-idleness sessions are remembered so that they can reopen their own file. */
    static final int REMEMBERED_PATHS = 100_000;

    private final SessionFileNames names;
    private final TranscriptFormat format;
    private final FileSettings settings;
    private final Compression compression;
    private final int maxOpenFiles;
    private final long idleTimeoutMs;
    private final SessionRetention retention;
    private final StatusReporter status;
    private final Clock clock;
    private final String defaultSession;

    private final ConcurrentHashMap<String, SessionTranscript> sessions = new ConcurrentHashMap<>();
    private final Set<SessionTranscript> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, String> fileOwners = new ConcurrentHashMap<>(); // case-folded path -> id
    private final Map<String, Path> remembered = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Path> eldest) {
            if (size() > REMEMBERED_PATHS) {
                fileOwners.remove(ownerKey(eldest.getValue()), eldest.getKey()); // its name may be reused now
                return true;
            }
            return false;
        }
    });
    private volatile boolean closed;
    private final Semaphore permits;
    /**
     * Opening a file (shared) against retention (exclusive): retention lists the sessions in use and deletes in one
     * step that no open interleaves with, so a session that comes back to its old file while retention runs is either
     * in the list or opens after the deletion, never into a file being deleted.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock retentionGuard =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** For tests: runs once retention has listed the sessions in use, before it looks at the directory. */
    volatile Runnable afterRetentionSnapshot = () -> { };
    private final ConcurrentLinkedQueue<SessionTranscript> clockQueue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger clockSize = new AtomicInteger();
    private final AtomicInteger openNow = new AtomicInteger();
    private final AtomicInteger openPeak = new AtomicInteger();
    private final ArchiveCompressor compressor;
    private volatile DirectoryLock directoryLock;
    private final Path lockDirectory;

    public TranscriptRouter(SessionFileNames names, TranscriptFormat format, FileSettings settings, Compression compression,
                            int maxOpenFiles, long idleTimeoutMs, SessionRetention retention, String defaultSession,
                            StatusReporter status, Clock clock) {
        this.names = names;
        this.format = format;
        this.settings = settings.withFollowLinks(false);
        this.compression = compression;
        this.maxOpenFiles = maxOpenFiles;
        this.idleTimeoutMs = idleTimeoutMs;
        this.retention = retention;
        this.defaultSession = defaultSession;
        this.status = status;
        this.clock = clock;
        this.permits = new Semaphore(maxOpenFiles);
        Path chats = names.directory().toAbsolutePath();
        this.lockDirectory = chats.getParent() != null ? chats.getParent() : chats; // the log directory: chats/ holds only transcripts
        this.compressor = new ArchiveCompressor(status, lockDirectory);
    }

    /** Creates the chats directory; throws when that is impossible. */
    public void start() throws IOException {
        settings.modes().createDirectories(names.directory());
        if (!Files.isWritable(names.directory())) {
            throw new IOException(names.directory() + " is not writable");
        }
        try {
            directoryLock = DirectoryLock.open(lockDirectory);
        } catch (IOException | RuntimeException e) {
            status.warn("cannot use the lock file in " + lockDirectory + " (" + e + "); a session that moves "
                    + "to another process continues in a file of its own there");
        }
    }

    /** Writes one chat entry into its session's transcript. Never throws. */
    public void write(LogEntry entry) {
        String id = key(entry.sessionId());
        // a blank id is no session: the entry is written as one logged without an id
        byte[] bytes = format.entry(id.isEmpty() && entry.sessionId() != null ? entry.toBuilder().sessionId(null).build()
                : entry).getBytes(StandardCharsets.UTF_8);
        while (true) {
            SessionTranscript t = sessions.get(id);
            if (t == null) {
                // worked out outside the map's bin lock: naming a new session looks at the disk, and a virtual thread
                // blocked on the disk inside that lock would pin its carrier; a racing twin is simply dropped
                SessionTranscript made = create(id, entry.timestamp());
                SessionTranscript raced = sessions.putIfAbsent(id, made);
                t = raced != null ? raced : made;
            }
            t.lock.lock();
            try {
                if (closed) {
                    return; // stopped: an entry in flight while the appender stopped
                }
                if (t.retired) {
                    continue; // ended or reaped meanwhile: look it up again
                }
                if (t.sink == null && !openFile(t)) {
                    return; // reported
                }
                t.sink.write(bytes);
                t.lastWriteWallMillis = System.currentTimeMillis();
                t.count(entry);
                if (!t.referenced) {
                    t.referenced = true;
                }
                t.lastEntryMillis = Math.max(t.lastEntryMillis, entry.timestamp());
                return;
            } finally {
                t.lock.unlock();
            }
        }
    }

    /** Ends a session: footer, close, forget. A session with no entries is left alone. */
    public void end(String sessionId, long atMillis) {
        String id = key(sessionId);
        SessionTranscript t = sessions.get(id);
        if (t == null) {
            return;
        }
        t.lock.lock();
        try {
            if (t.retired || closed) {
                return;
            }
            finish(t, Math.max(atMillis, t.startMillis));
            remembered.remove(id);
            fileOwners.remove(ownerKey(t.path), id);
            forgetSharedStart(id); // the conversation is over: the id's next one, in any process, gets a file of its own
        } finally {
            t.lock.unlock();
        }
    }

    /** Ends the sessions idle for {@code idleTimeout}, stamping the footer with their last entry. Returns how many. */
    public int reapIdle() {
        long now = clock.millis();
        int reaped = 0;
        for (SessionTranscript t : sessions.values()) {
            if (now - t.lastEntryMillis < idleTimeoutMs || !t.lock.tryLock()) {
                continue;
            }
            try {
                if (!t.retired && !closed && now - t.lastEntryMillis >= idleTimeoutMs) {
                    // remembered before it leaves the map, so an entry arriving meanwhile reopens this same file
                    remembered.put(t.sessionId, t.path);
                    if (writtenElsewhereSince(t)) {
                        retire(t); // the session goes on in another process: its last writer ends it
                    } else {
                        finish(t, t.lastEntryMillis);
                    }
                    reaped++;
                }
            } finally {
                t.lock.unlock();
            }
        }
        return reaped;
    }

    /**
     * Looks after the open transcripts without new traffic: retries failing files (so held entries reach the disk),
     * notices files moved or deleted by another program, and forces them to disk when {@code sync} is due.
     */
    public void maintain(boolean sync) {
        for (SessionTranscript t : open) {
            if (t.lock.tryLock()) {
                try {
                    RollingFileSink sink = t.sink;
                    if (sink != null) {
                        sink.retryIfFailing();
                        sink.reopenIfReplaced();
                        if (sync) {
                            sink.sync();
                        }
                    }
                } finally {
                    t.lock.unlock();
                }
            }
        }
    }

    /** Applies session-file retention; never touches an open file. */
    public void applyRetention() {
        if (retention == null || !retention.isActive()) {
            return;
        }
        try {
            retentionGuard.writeLock().lock();
            try {
                Set<Path> inUse = new HashSet<>();
                for (SessionTranscript t : sessions.values()) {
                    inUse.add(t.path);
                }
                afterRetentionSnapshot.run();
                retention.apply(clock.millis(), inUse, directoryLock);
            } finally {
                retentionGuard.writeLock().unlock();
            }
        } catch (IOException | RuntimeException e) {
            status.error("could not apply transcript retention in " + names.directory() + ": " + e, e);
        }
    }

    /** Closes every open file, without footers: the sessions may go on after a restart. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (SessionTranscript t : sessions.values()) {
            t.lock.lock();
            try {
                closeFile(t);
            } finally {
                t.lock.unlock();
            }
        }
        compressor.close();
        DirectoryLock lock = directoryLock;
        if (lock != null) {
            directoryLock = null;
            lock.release();
        }
    }

    /** Descriptors open now. */
    public int openFiles() {
        return openNow.get();
    }

    /** The most descriptors ever open at once. */
    public int peakOpenFiles() {
        return openPeak.get();
    }

    /** The key of a session in this router: its id, or {@code ""} (which no real id is) for entries without one. */
    private static String key(String sessionId) {
        return sessionId == null || sessionId.isBlank() ? "" : sessionId;
    }

    /** The session id written in a transcript: the default session's name for entries without one. */
    private String shownId(String key) {
        return key.isEmpty() ? defaultSession : key;
    }

    private SessionTranscript create(String id, long entryMillis) {
        Path path = remembered.get(id);
        long startMillis = path == null ? sharedStart(id, entryMillis) : entryMillis;
        if (path == null) {
            path = names.resolve(id.isEmpty() ? SessionFileNames.safeId(defaultSession) : id.equals(defaultSession)
                    ? SessionFileNames.longSafeId(id, 0) : SessionFileNames.safeId(id), startMillis);
            for (int attempt = 1; !claim(path, id); attempt++) {
                // another id has this name (a kept id equal to a hashed one, or one differing only by case), or
                // something that is not a regular file was planted there
                path = names.resolve(SessionFileNames.longSafeId(id, attempt), startMillis);
            }
        }
        return new SessionTranscript(id, path, startMillis);
    }

    /**
     * The session's first-entry time as the first process that saw it recorded it in the directory lock, as long as its
     * file is still there; otherwise {@code entryMillis}, recorded now for the processes to come.
     */
    /** Clears the first-entry time other processes would reuse for {@code id}. */
    private void forgetSharedStart(String id) {
        DirectoryLock lock = directoryLock;
        if (lock == null) {
            return;
        }
        int slot = DirectoryLock.slotOf("session " + id);
        try {
            java.nio.channels.FileLock held = lock.lock(slot);
            try {
                if (lock.remembered(slot, id, Long.MIN_VALUE) != Long.MIN_VALUE) {
                    lock.remember(slot, id, Long.MIN_VALUE);
                }
            } finally {
                lock.unlock(slot, held);
            }
        } catch (IOException | RuntimeException e) {
            // the next conversation of this id then continues the old file: reported nowhere, loses nothing
        }
    }

    private long sharedStart(String id, long entryMillis) {
        DirectoryLock lock = directoryLock;
        if (lock == null) {
            return entryMillis;
        }
        int slot = DirectoryLock.slotOf("session " + id);
        java.nio.channels.FileLock held;
        try {
            held = lock.lock(slot);
        } catch (IOException e) {
            return entryMillis;
        }
        try {
            long known = lock.remembered(slot, id, Long.MIN_VALUE);
            if (known != Long.MIN_VALUE && Files.exists(names.resolve(SessionFileNames.safeId(id), known),
                    LinkOption.NOFOLLOW_LINKS)) {
                return known;
            }
            lock.remember(slot, id, entryMillis);
            return entryMillis;
        } catch (RuntimeException e) {
            return entryMillis;
        } finally {
            lock.unlock(slot, held);
        }
    }

    /** Whether another process appended to the session's file after this one last wrote it. */
    private boolean writtenElsewhereSince(SessionTranscript t) {
        if (!settings.immediateFlush()) {
            return false; // our own buffered entries reach the file later than we wrote them: no telling apart
        }
        try {
            long modified = Files.getLastModifiedTime(t.path, LinkOption.NOFOLLOW_LINKS).toMillis();
            return modified > t.lastWriteWallMillis + 1000; // file times may be coarse; a second of slack
        } catch (IOException e) {
            return false;
        }
    }

    private boolean claim(Path path, String id) {
        if (Files.isSymbolicLink(path) || (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))) {
            status.warn("not following " + path + ", which is not a regular file; session '" + id + "' gets another name");
            return false;
        }
        String owner = fileOwners.putIfAbsent(ownerKey(path), id);
        return owner == null || owner.equals(id);
    }

    private static String ownerKey(Path path) {
        return path.toString().toLowerCase(Locale.ROOT);
    }

    private void finish(SessionTranscript t, long endMillis) {
        String footer = format.footer(t.summary(endMillis));
        if (!footer.isEmpty() && (t.sink != null || openFile(t))) {
            t.sink.write(footer.getBytes(StandardCharsets.UTF_8));
        }
        retire(t);
    }

    private void retire(SessionTranscript t) {
        closeFile(t);
        t.retired = true;
        sessions.remove(t.sessionId, t);
    }

    /**
     * Opens the session's file under a descriptor permit. False (reported) when the file may not be written at all (its
     * folder leads out of the chats directory); when it merely cannot be opened now, the sink holds the entries and
     * retries.
     */
    private boolean openFile(SessionTranscript t) {
        retentionGuard.readLock().lock();
        try {
            return openFileGuarded(t);
        } finally {
            retentionGuard.readLock().unlock();
        }
    }

    private boolean openFileGuarded(SessionTranscript t) {
        for (int attempt = 0; !permits.tryAcquire(); attempt++) {
            if (!closeLeastRecentlyUsed(t)) {
                // every open session is busy writing: one will release soon. Spin briefly, then give the processor
                // away: a writer holding a session may be a virtual thread waiting for a carrier, and a spinning
                // thread that never yields would keep it from ever finishing (a livelock seen with 10,000 of them)
                if (attempt < 16) {
                    Thread.onSpinWait();
                } else if (attempt < 64) {
                    Thread.yield();
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(1_000_000L, 10_000L * (attempt - 63)));
                }
            }
        }
        try {
            names.prepareParent(settings.modes(), t.path);
        } catch (IOException | RuntimeException e) {
            permits.release();
            status.error("cannot write the transcript of session '" + t.sessionId + "' to " + t.path + ": " + e, e);
            return false;
        }
        byte[] header = format.header(shownId(t.sessionId), t.startMillis).getBytes(StandardCharsets.UTF_8);
        RollingFileSink sink = new RollingFileSink(t.path, settings, new IndexedArchiveNaming(t.path, compression),
                null, compressor, (size, archive, when) -> header, status, clock);
        sink.coordinateIn(lockDirectory);
        if (header.length > 0) {
            sink.startNewFilesWithHeader(); // written by the sink under the lock, once, whoever creates the file
        }
        try {
            sink.open();
        } catch (IOException | RuntimeException e) {
            status.error("cannot open the transcript of session '" + t.sessionId + "' at " + t.path + ": " + e
                    + "; holding its entries and retrying", e);
        }
        t.sink = sink;
        t.referenced = true;
        open.add(t);
        enqueue(t);
        int now = openNow.incrementAndGet();
        openPeak.accumulateAndGet(now, Math::max);
        return true;
    }

    private void closeFile(SessionTranscript t) {
        if (t.sink != null) {
            t.sink.close();
            t.sink = null;
            open.remove(t);
            openNow.decrementAndGet();
            permits.release();
        }
    }

    private void enqueue(SessionTranscript t) {
        clockQueue.offer(t);
        if (clockSize.incrementAndGet() > 2 * maxOpenFiles + 64) {
            // sessions ended or reaped leave their place behind: sweep those out now and then
            for (Iterator<SessionTranscript> it = clockQueue.iterator(); it.hasNext(); ) {
                if (it.next().sink == null) {
                    it.remove();
                    clockSize.decrementAndGet();
                }
            }
        }
    }

    /** Closes an open session other than {@code except} that was not written to lately; false when none could be. */
    private boolean closeLeastRecentlyUsed(SessionTranscript except) {
        for (int turn = 0, limit = 2 * clockSize.get() + 2; turn < limit; turn++) {
            SessionTranscript t = clockQueue.poll();
            if (t == null) {
                return false;
            }
            clockSize.decrementAndGet();
            if (t.sink == null) {
                continue; // closed meanwhile: its place is dropped
            }
            if (t == except || t.referenced) {
                t.referenced = false; // spared this time round
                clockQueue.offer(t);
                clockSize.incrementAndGet();
                continue;
            }
            if (!t.lock.tryLock()) {
                clockQueue.offer(t); // its writer is busy with it: not a good one to close
                clockSize.incrementAndGet();
                continue;
            }
            try {
                if (t.sink != null) {
                    closeFile(t);
                    return true;
                }
            } finally {
                t.lock.unlock();
            }
        }
        return false;
    }
}
