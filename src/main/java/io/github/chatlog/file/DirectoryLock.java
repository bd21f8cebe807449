package io.github.chatlog.file;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coordinates the processes that write into one log directory: the lock file {@value #FILE_NAME} there (the log
 * directory itself, not the chats or archive folder, so those hold only logs) has {@value #SLOTS} slots, each an OS
 * byte-range lock ({@link FileChannel#tryLock}) with a few shared counters beside it, mapped into memory so reading them
 * costs no system call.
 *
 * <p>A live file hashes to a slot by its path (two files may share one: they then only wait for each other). A writer
 * holds its slot's lock for each write; a rollover holds it while it renames the file and bumps the slot's
 * <em>generation</em>, so every writer sees the change under the lock before its next write and moves to the new file.
 * An archive directory hashes to one of the first {@value #ARCHIVE_SLOTS} slots, which guard archive work (compression,
 * recovery, retention) and are never a live file's, so a long compression never holds up a write.
 *
 * <p>Java file locks belong to the process, and a second lock on the same range from the same JVM throws; so one
 * instance serves the whole JVM per directory ({@link #open}), and each slot also has an in-process lock taken first.
 * The kernel releases a killed process's locks, so a crash never leaves a slot locked.
 */
public final class DirectoryLock {

    /** The lock file's name; it starts with a dot and ends in {@code .lock}, so no log reader takes it for a log. */
    public static final String FILE_NAME = ".chatlog.lock";
    static final int SLOTS = 1024;
    static final int ARCHIVE_SLOTS = 64;
    private static final int SLOT_BYTES = 32;
    private static final int GENERATION = 0;   // bumped by each rollover of the slot's file
    private static final int KEY = 8;          // which session the next word belongs to (a hash; 0 = none)
    private static final int VALUE = 16;       // that session's first-entry time
    private static final int WANTED = 24;      // how many processes are waiting for the slot
    /** How long a slot's lock is kept after a write with no other write following: {@value} ms. */
    static final long LINGER_MS = 250;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final Map<Path, DirectoryLock> OPEN = new HashMap<>(); // guarded by itself

    private final Path directory;
    private final Path file;
    private final ReentrantLock[] inProcess = new ReentrantLock[SLOTS];
    private final FileLock[] lingering = new FileLock[SLOTS]; // kept past unlock while no process wants it; by inProcess
    private final long[] lingeringSince = new long[SLOTS];      // System.nanoTime() of that unlock; by inProcess
    private final java.util.concurrent.atomic.AtomicInteger lingeringSlots = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread releaser;
    private volatile boolean releaserAsleep; // parked until some slot is kept: only then does an unlock wake it
    private volatile boolean closed;
    private final Object channelGuard = new Object();
    private FileChannel channel; // guarded by channelGuard; reopened when an interrupt closed it
    private final MappedByteBuffer counters;
    private int users; // guarded by OPEN

    private DirectoryLock(Path directory) throws IOException {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
        for (int i = 0; i < SLOTS; i++) {
            inProcess[i] = new ReentrantLock();
        }
        this.channel = openChannel();
        long size = (long) SLOTS * SLOT_BYTES;
        // the blocks are written, not left sparse: a store into a mapped hole on a full disk would crash the JVM; and the
        // growing happens under a lock past the slots, so no process zeroes counters another one has set
        try (FileLock init = channel.lock(size, 1, false)) {
            long have = channel.size();
            if (have < size) {
                channel.write(java.nio.ByteBuffer.allocate((int) (size - have)), have);
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.counters = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        this.releaser = new Thread(this::releaseWanted, "chatlog-lock-" + directory.getFileName());
        releaser.setDaemon(true);
        releaser.start();
    }

    /** The lock of {@code directory} (created if missing), shared by every user in this JVM; {@link #release} it. */
    public static DirectoryLock open(Path directory) throws IOException {
        FileModes.OWNER_ONLY.createDirectories(directory);
        Path real = directory.toRealPath();
        synchronized (OPEN) {
            DirectoryLock lock = OPEN.get(real);
            if (lock == null) {
                lock = new DirectoryLock(real);
                OPEN.put(real, lock);
            }
            lock.users++;
            return lock;
        }
    }

    /** Gives up one {@link #open}; the last one closes the lock file. */
    public void release() {
        synchronized (OPEN) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(directory, this);
        }
        closed = true;
        LockSupport.unpark(releaser);
        synchronized (channelGuard) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // holds no data
            }
        }
    }

    /** The slot of a live file (or of a session's shared record), by its path or another stable name. */
    public static int slotOf(String name) {
        return ARCHIVE_SLOTS + Math.floorMod(mix(name.hashCode()), SLOTS - ARCHIVE_SLOTS);
    }

    /** The slot that guards the work on the archives in {@code archiveDirectory}. */
    public static int archiveSlotOf(Path archiveDirectory) {
        return Math.floorMod(mix(archiveDirectory.toAbsolutePath().normalize().toString().hashCode()), ARCHIVE_SLOTS);
    }

    /**
     * Takes the slot exclusively, against this JVM's other threads and other processes; waits until it is free.
     * The caller's interrupt flag is kept but does not abort the wait. Pair with {@link #unlock}.
     *
     * <p>The wait polls with {@code tryLock} rather than blocking in the kernel: an interrupt during a blocking
     * {@code lock} would close the channel, and closing any descriptor of a file drops all of the process's locks on
     * it, those of other threads included.
     */
    public FileLock lock(int slot) throws IOException {
        inProcess[slot].lock();
        FileLock kept = lingering[slot];
        if (kept != null) {
            lingering[slot] = null;
            lingeringSlots.decrementAndGet();
            if (kept.isValid()) {
                return kept; // no other process asked for it since this one's last write: no system call
            }
        }
        boolean interrupted = Thread.interrupted();
        boolean waiting = false;
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel();
                try {
                    FileLock held = ch.tryLock((long) slot * SLOT_BYTES, SLOT_BYTES, false);
                    if (held != null) {
                        return held;
                    }
                } catch (ClosedChannelException e) {
                    reopenIfClosed(ch);
                    continue;
                }
                if (!waiting) {
                    waiting = true;
                    LONGS.getAndAdd(counters, slot * SLOT_BYTES + WANTED, 1L); // the holder gives it up at its next unlock
                }
                if (attempt < 32) {
                    Thread.onSpinWait(); // another process holds it for one write: microseconds
                } else if (attempt < 64) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(Math.min(2_000_000L, 20_000L * (attempt - 63))); // a rollover or a compression
                }
                interrupted |= Thread.interrupted();
            }
        } catch (IOException | RuntimeException e) {
            inProcess[slot].unlock();
            throw e;
        } finally {
            if (waiting) {
                LONGS.getAndAdd(counters, slot * SLOT_BYTES + WANTED, -1L);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Releases what {@link #lock} took. Never throws. A live file's slot stays locked at the OS level while no other
     * process waits for it, so a process writing alone pays no lock system calls; a waiting process gets it at the
     * holder's next unlock, or at its next {@link #releaseIdle} when the holder has stopped writing.
     */
    public void unlock(int slot, FileLock held) {
        try {
            if (held != null && held.isValid()) {
                if (slot >= ARCHIVE_SLOTS && !closed
                        && (long) LONGS.getVolatile(counters, slot * SLOT_BYTES + WANTED) <= 0) {
                    lingering[slot] = held;
                    lingeringSince[slot] = System.nanoTime();
                    // a write after a write finds the releaser polling already: no wake-up (a system call) per write
                    if (lingeringSlots.getAndIncrement() == 0 && releaserAsleep) {
                        LockSupport.unpark(releaser);
                    }
                } else {
                    held.release();
                }
            }
        } catch (IOException ignored) {
            // a closed channel has released its locks already
        } finally {
            inProcess[slot].unlock();
        }
    }

    /** Gives up the slot's OS lock if it is kept past an unlock and no thread of this JVM holds the slot. */
    public void releaseIdle(int slot) {
        if (lingering[slot] == null || !inProcess[slot].tryLock()) {
            return;
        }
        try {
            FileLock kept = lingering[slot];
            if (kept != null) {
                lingering[slot] = null;
                lingeringSlots.decrementAndGet();
                if (kept.isValid()) {
                    kept.release();
                }
            }
        } catch (IOException ignored) {
            // a closed channel has released its locks already
        } finally {
            inProcess[slot].unlock();
        }
    }

    /**
     * The releaser thread: while some slot is kept past its unlock, looks every millisecond whether another process
     * waits for it (then gives it up) or it has gone unused for {@value #LINGER_MS} ms; sleeps while none is kept.
     */
    private void releaseWanted() {
        while (!closed) {
            if (lingeringSlots.get() <= 0) {
                releaserAsleep = true;
                // looked at again after saying so: an unlock either sees it asleep or is seen here
                if (lingeringSlots.get() <= 0 && !closed) {
                    LockSupport.park(this);
                }
                releaserAsleep = false;
                continue;
            }
            LockSupport.parkNanos(1_000_000L);
            long now = System.nanoTime();
            for (int slot = ARCHIVE_SLOTS; slot < SLOTS && !closed; slot++) {
                if (lingering[slot] != null && ((long) LONGS.getVolatile(counters, slot * SLOT_BYTES + WANTED) > 0
                        || now - lingeringSince[slot] > LINGER_MS * 1_000_000L)) {
                    releaseIdle(slot);
                }
            }
        }
    }

    /** How many rollovers the slot's file has had; read under the slot's lock. */
    public long generation(int slot) {
        return (long) LONGS.getVolatile(counters, slot * SLOT_BYTES + GENERATION);
    }

    /** Records a rollover of the slot's file; call under the slot's lock. Returns the new generation. */
    public long bumpGeneration(int slot) {
        long next = generation(slot) + 1;
        LONGS.setVolatile(counters, slot * SLOT_BYTES + GENERATION, next);
        return next;
    }

    /**
     * The value remembered under {@code key} in the slot, or {@code absent} when the slot holds another key or none;
     * call under the slot's lock.
     */
    public long remembered(int slot, String key, long absent) {
        long k = (long) LONGS.getVolatile(counters, slot * SLOT_BYTES + KEY);
        return k == keyHash(key) ? (long) LONGS.getVolatile(counters, slot * SLOT_BYTES + VALUE) : absent;
    }

    /** Remembers {@code value} under {@code key} in the slot (replacing what it held); call under the slot's lock. */
    public void remember(int slot, String key, long value) {
        LONGS.setVolatile(counters, slot * SLOT_BYTES + VALUE, value);
        LONGS.setVolatile(counters, slot * SLOT_BYTES + KEY, keyHash(key));
    }

    public Path directory() {
        return directory;
    }

    private static long keyHash(String key) {
        long h = 1125899906842597L;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + key.charAt(i);
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    private FileChannel channel() {
        synchronized (channelGuard) {
            return channel;
        }
    }

    private void reopenIfClosed(FileChannel closed) throws IOException {
        synchronized (channelGuard) {
            if (channel == closed && !channel.isOpen()) {
                channel = openChannel();
            }
        }
    }

    private FileChannel openChannel() throws IOException {
        // created here, beside the logs, once per directory
        boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FileModes.OWNER_ONLY.fileAttributes());
        if (!existed) {
            FileModes.OWNER_ONLY.created(file);
        }
        return channel;
    }
}
