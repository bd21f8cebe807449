package io.github.chatlog.store;

import io.github.chatlog.file.StatusReporter;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread of a process that writes to the store (SQLite or PostgreSQL). Logging threads only enqueue; the
 * writer takes what is queued, up to {@code batchSize} records per transaction. The queue is bounded: a record that
 * must be kept (a conversation entry, an error) waits for room up to {@code blockTimeoutMs}, so a slow, locked or
 * restarting database slows the logging caller rather than losing it; other events are dropped when the queue is full,
 * counted, and reported at most every {@value #REPORT_EVERY_MS} ms and when writing resumes. A failed transaction is
 * retried with growing pauses (up to {@value #MAX_PAUSE_MS} ms), on a new connection when the old one is gone; the
 * same records with the same keys, so a batch that did reach the database before its connection was lost is not
 * stored twice. Rows the database refuses as such (a value it cannot hold) are written one by one, and only those it
 * still refuses are dropped, each reported. {@link #close} drains the queue.
 *
 * <p>A database file deleted or replaced while logging (SQLite would go on writing into the deleted file, and every
 * record would be gone) is noticed by one {@code stat} around each transaction: a status warning, then the store is
 * opened again at its path (recreated with its schema) and the batch that may have gone into the old file is written
 * again into the new one.
 */
public final class StoreWriter implements AutoCloseable {

    public static final int DEFAULT_QUEUE_SIZE = 8192;
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** {@value} ms a conversation entry may wait for room before it is dropped (and counted). */
    public static final long DEFAULT_BLOCK_TIMEOUT_MS = 30_000;
    static final long REPORT_EVERY_MS = 10_000;
    /** How long {@link #close()} keeps retrying a failing database before it gives up on what is queued. */
    static final long CLOSE_RETRY_MS = 10_000;
    /** The longest pause between two attempts at a failing database. */
    static final long MAX_PAUSE_MS = 2_000;

    private final String url;
    private final String shownUrl;
    private final String instance;
    private final int batchSize;
    private final int busyTimeoutMs;
    private final long blockTimeoutMs;
    private final StatusReporter status;
    private final BlockingQueue<StoreRecord> queue;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long droppedReported;
    private long lastDropReport;
    private volatile boolean stopping;
    private Thread thread;
    private EventStore store;
    private final java.nio.file.Path databaseFile;
    private Object databaseKey; // the identity of the file the store has open

    public StoreWriter(String url, int queueSize, int batchSize, int busyTimeoutMs, long blockTimeoutMs,
                       StatusReporter status) {
        this(url, null, queueSize, batchSize, busyTimeoutMs, blockTimeoutMs, status);
    }

    /**
     * @param instance what rows written here say in their {@code instance} column (PostgreSQL); null for nothing
     */
    public StoreWriter(String url, String instance, int queueSize, int batchSize, int busyTimeoutMs,
                       long blockTimeoutMs, StatusReporter status) {
        this.url = url;
        this.shownUrl = StoreConnections.display(url);
        this.instance = instance;
        this.batchSize = batchSize;
        this.busyTimeoutMs = busyTimeoutMs;
        this.blockTimeoutMs = blockTimeoutMs;
        this.status = status;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.databaseFile = StoreConnections.databaseFile(url);
    }

    /** Opens the database (so a bad URL or a missing driver fails here) and starts the writer thread. */
    public void start(String threadName) throws SQLException {
        store = EventStore.open(url, busyTimeoutMs, instance);
        databaseKey = identity();
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a record. Never throws; may wait (records that must be kept) while the queue is full. */
    public void submit(StoreRecord record) {
        if (stopping) {
            dropped.incrementAndGet();
            return;
        }
        boolean queued;
        if (record.mustKeep()) {
            try {
                queued = queue.offer(record, blockTimeoutMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                queued = queue.offer(record);
            }
        } else {
            queued = queue.offer(record);
        }
        if (!queued) {
            dropped.incrementAndGet();
            reportDrops(false);
        }
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Writes what is queued (retrying a failing database up to {@value #CLOSE_RETRY_MS} ms), then closes. */
    @Override
    public void close() {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(CLOSE_RETRY_MS + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reportDrops(true);
        if (store != null) {
            try {
                store.close();
            } catch (SQLException e) {
                status.error("could not close " + shownUrl + ": " + e.getMessage(), e);
            }
        }
    }

    private void run() {
        List<StoreRecord> batch = new ArrayList<>(batchSize);
        while (!stopping || !queue.isEmpty()) {
            try {
                StoreRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                writeWithRetry(batch);
                batch.clear();
            } catch (InterruptedException e) {
                stopping = true;
            }
        }
    }

    private void writeWithRetry(List<StoreRecord> batch) throws InterruptedException {
        long failingSince = -1;
        long droppedBefore = dropped.get();
        for (int attempt = 0; ; attempt++) {
            try {
                if (replaced()) {
                    reopen();
                }
                store.write(batch);
                if (replaced()) {
                    reopen();
                    store.write(batch); // it went into the deleted file: write it where it will be read
                }
                written.addAndGet(batch.size());
                if (failingSince >= 0) {
                    reportResumed(System.currentTimeMillis() - failingSince, droppedBefore);
                }
                return;
            } catch (SQLException e) {
                if (store.dataError(e) && batch.size() > 1) {
                    writeOneByOne(batch);
                    return;
                }
                if (store.dataError(e)) {
                    dropped.addAndGet(batch.size());
                    status.error("the database refused a record, which is dropped: " + e.getMessage(), e);
                    return;
                }
                failingSince = failed(e, batch, failingSince, attempt);
                if (failingSince < 0) {
                    return;
                }
            } catch (RuntimeException e) {
                failingSince = failed(e, batch, failingSince, attempt);
                if (failingSince < 0) {
                    return;
                }
            }
        }
    }

    /** Reports a failure, pauses and reconnects as needed; returns when the failure began, or -1 after giving up. */
    private long failed(Exception e, List<StoreRecord> batch, long failingSince, int attempt) throws InterruptedException {
        long now = System.currentTimeMillis();
        if (failingSince < 0) {
            failingSince = now;
            status.error("cannot write to " + shownUrl + ": " + e.getMessage() + "; retrying, the queue waits", e);
        }
        if (stopping && now - failingSince > CLOSE_RETRY_MS) {
            dropped.addAndGet(batch.size());
            status.error("gave up on " + batch.size() + " records at stop: " + shownUrl + " still fails", e);
            return -1;
        }
        Thread.sleep(Math.min(MAX_PAUSE_MS, 20L << Math.min(attempt, 7)));
        if (attempt % 5 == 4 || !store.connected()) {
            reopen();
        }
        return failingSince;
    }

    /** A batch the database refused for its data: each record in its own transaction, the refused ones dropped. */
    private void writeOneByOne(List<StoreRecord> batch) throws InterruptedException {
        for (StoreRecord r : batch) {
            writeWithRetry(List.of(r));
        }
    }

    /** Whether the database file was deleted or replaced since the store opened it; reports it when so. */
    private boolean replaced() {
        if (databaseFile == null || databaseKey == null) {
            return false;
        }
        Object now = identity();
        if (databaseKey.equals(now)) {
            return false;
        }
        status.warn(databaseFile + " was " + (now == null ? "deleted" : "replaced") + " while logging; "
                + "recreating it and storing on (what was stored before is in the old file, if anyone kept it)");
        databaseKey = now; // reported once; a successful reopen records the new file
        return true;
    }

    private Object identity() {
        if (databaseFile == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readAttributes(databaseFile, java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void reopen() {
        try {
            store.close();
        } catch (SQLException ignored) {
            // replaced below
        }
        try {
            store = EventStore.open(url, busyTimeoutMs, instance);
            databaseKey = identity();
        } catch (SQLException e) {
            status.error("cannot reopen " + shownUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writing works again: says after how long, and what was dropped that no report has counted yet (drops during the
     * failure, and drops before it that the rate guard held back), which then counts as reported. Never says "nothing"
     * while drops are unreported: the close's last word only reports what this did not.
     */
    private synchronized void reportResumed(long failedMs, long droppedBefore) {
        long total = dropped.get();
        long unreported = total - droppedReported;
        String what;
        if (unreported > 0) {
            what = unreported + " events were not stored since the last report (queue full or database failing), "
                    + total + " in all";
        } else if (total > droppedBefore) {
            what = (total - droppedBefore) + " events were dropped meanwhile (reported), " + total + " in all";
        } else {
            what = total == 0 ? "nothing was dropped" : "none were dropped meanwhile, " + total + " in all";
        }
        status.warn("writing to " + shownUrl + " again after " + failedMs + " ms; " + what);
        droppedReported = total;
    }

    private synchronized void reportDrops(boolean force) {
        long now = System.currentTimeMillis();
        long total = dropped.get();
        if (total > droppedReported && (force || now - lastDropReport >= REPORT_EVERY_MS)) {
            String message = (total - droppedReported) + " events were not stored in " + shownUrl
                    + " (queue full or database failing); " + total + " in all";
            if (force) {
                // the last word, at stop: a warning, which no rate guard holds back
                status.warn(message);
            } else {
                status.error(message, null);
            }
            droppedReported = total;
            lastDropReport = now;
        }
    }
}
