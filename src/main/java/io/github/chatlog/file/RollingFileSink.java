package io.github.chatlog.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One live append-only file of whole records (lines), rolled by size into archives.
 *
 * <p>Records are never split: a record goes whole into the live file or, when it would pass {@code maxFileSize}, the
 * file is first rolled: renamed to its archive's staged name, reopened empty, given the header line the owner supplies
 * (the master log's {@code system:log_rotated}), and the staged file is handed to the {@link ArchiveCompressor}.
 *
 * <p>Failures never reach the caller. A failed write is cut back to the last whole record, the file is closed, and
 * records are held in memory (up to {@code backlogLimit} bytes, past that dropped and counted) until a reopen, tried
 * every {@code retryIntervalMs}, succeeds; then they are written first, in order.
 *
 * <p>A caller whose interrupt flag is set still gets its record written: the flag is cleared around the file I/O (an
 * interrupted {@link FileChannel} would close itself) and set again afterwards.
 *
 * <p>Several processes may write the same file (SPEC §11): every access to the file happens under its slot of the
 * directory's {@link DirectoryLock}, the file is opened with {@code O_APPEND}, and a rollover renames it only under that
 * lock and bumps the slot's generation; a writer that finds the generation changed reopens the path before it writes,
 * quietly (a move by an outside program is still reported). Buffered records ({@code immediateFlush=false}) take the
 * lock only when they are handed to the file.
 *
 * <p>Thread-safe: one lock per file, held for the write of one record; the owner of the sink owns its lifecycle.
 */
public final class RollingFileSink implements AutoCloseable {

    /** Supplies the first line of a new live file after a rollover. */
    @FunctionalInterface
    public interface RolloverHeader {
        /**
         * @param oldSize         bytes the rolled file held
         * @param archivePath     the archive's final path, relative to the live file's directory where possible
         * @param rolloverMillis  the UTC time of the rollover
         */
        byte[] firstLine(long oldSize, String archivePath, long rolloverMillis);
    }

    private final Path path;
    private final FileSettings settings;
    private final ArchiveNaming naming;
    private final ArchiveRetention retention;
    private final ArchiveCompressor compressor;
    private static final String NEXT_SUFFIX = ".next";
    private final RolloverHeader header;
    private final StatusReporter status;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    // all below guarded by lock
    private FileChannel channel;
    private final ByteBuffer buffer;
    private long written;       // bytes in the file on disk
    private long committed;     // bytes on disk that end on a record boundary: where a failed write is cut back to
    private long contentBytes;  // bytes after the rollover header: 0 means rolling again would gain nothing
    private byte[] pendingHeader; // a rollover header still to be written when the new file opens
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private long backlogBytes;
    private long dropped;
    private long failingSinceMillis = -1;
    private long heldInFailure;    // records that could not be written when logged, this failure
    private Object fileKey;        // identity of the file we opened, to notice it was moved or deleted
    private long nextRetryMillis;
    private long nextRollMillis;
    private boolean closed;
    private boolean headerOnCreate;
    private Path lockDirectory;
    private DirectoryLock directoryLock; // null: uncoordinated (the lock file could not be used)
    private int slot;
    private FileLock held;
    private FileLock lastHeld; // the lock of the last write: the same one again means no other process wrote since
    private int holdDepth;
    private long generation;
    private volatile long forced; // written under lock

    public RollingFileSink(Path path, FileSettings settings, ArchiveNaming naming, ArchiveRetention retention,
                           ArchiveCompressor compressor, RolloverHeader header, StatusReporter status, Clock clock) {
        this.path = path;
        this.settings = settings;
        this.naming = naming;
        this.retention = retention;
        this.compressor = compressor;
        this.header = header;
        this.status = status;
        this.clock = clock;
        this.buffer = settings.immediateFlush() ? null : ByteBuffer.allocate(settings.bufferSize());
    }

    /** Opens the live file, creating its directory; throws when that is impossible, so an owner can refuse to start. */
    public void open() throws IOException {
        lock.lock();
        try {
            Path dir = lockDirectory != null ? lockDirectory : path.toAbsolutePath().getParent();
            settings.modes().createDirectories(path.toAbsolutePath().getParent());
            if (directoryLock == null) {
                try {
                    directoryLock = DirectoryLock.open(dir);
                    slot = DirectoryLock.slotOf(path.toAbsolutePath().normalize().toString());
                } catch (IOException | RuntimeException e) {
                    status.warn("cannot use the lock file in " + dir + " (" + e + "); writing " + path
                            + " without coordinating with other processes");
                }
            }
            enter();
            try {
                openChannel();
            } finally {
                exit();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Coordinates with other processes through the lock file in {@code directory} (by default the live file's own
     * directory); every process writing this file must name the same one. Call before {@link #open}.
     */
    public void coordinateIn(Path directory) {
        this.lockDirectory = directory;
    }

    /** Makes every new, empty file start with the header line (a transcript's header); call before {@link #open}. */
    public void startNewFilesWithHeader() {
        headerOnCreate = true;
    }

    public Path path() {
        return path;
    }

    /** Writes one whole record (normally a line ending in {@code \n}). Never throws. */
    public void write(byte[] record) {
        write(record, 0, record.length);
    }

    /**
     * Writes {@code bytes[offset, offset + length)} as one whole record. The sink does not keep a reference to
     * {@code bytes} (it copies what it must hold), so the caller may reuse the array. Never throws.
     */
    public void write(byte[] bytes, int offset, int length) {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (closed) {
                dropped++;
                return;
            }
            if (fitsInBuffer(length)) {
                buffer.put(bytes, offset, length); // no file access: no lock
                contentBytes += length;
                return;
            }
            try {
                enter();
            } catch (IOException e) {
                exit();
                failed(e);
                hold(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
                return;
            }
            try {
                if (!ready()) {
                    hold(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
                    return;
                }
                writeRecord(bytes, offset, length);
            } catch (IOException e) {
                failed(e);
                hold(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
            } finally {
                exit();
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    /** Hands buffered records to the operating system; also retries a failing file. Never throws. */
    public void flush() {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (!closed && (buffer == null || buffer.position() > 0 || channel == null || !backlog.isEmpty())
                    && enterOrFail()) {
                try {
                    if (ready()) {
                        flushBuffer();
                    }
                } catch (IOException e) {
                    failed(e);
                } finally {
                    exit();
                }
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    /** Reopens a failing file and writes the records held for it, once its retry interval has passed. Never throws. */
    public void retryIfFailing() {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (!closed && channel == null && clock.millis() >= nextRetryMillis && enterOrFail()) {
                try {
                    ready();
                } finally {
                    exit();
                }
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    /** Flushes, makes a last attempt to write held records, and closes. Idempotent. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            nextRetryMillis = 0;
            if (enterOrFail()) {
                try {
                    if (ready()) {
                        flushBuffer();
                    }
                } catch (IOException e) {
                    failed(e);
                } finally {
                    exit();
                }
            }
            if (!backlog.isEmpty() || dropped > 0) {
                status.error("closing " + path + " with " + (backlog.size() + dropped)
                        + " records that could not be written", null);
            }
            closeChannel();
            closed = true;
            if (directoryLock != null) {
                directoryLock.releaseIdle(slot);
                directoryLock.release();
                directoryLock = null;
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many times this sink has forced its file to the disk ({@code sync}): a figure for monitoring and tests. */
    public long forced() {
        return forced;
    }

    /**
     * Forces what was written to the disk (for {@code sync=interval}); flushes first. Never throws: a failure is
     * reported and the records stay where they are.
     */
    public void sync() {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (!closed && channel != null && enterOrFail()) {
                try {
                    if (channel != null) {
                        flushBuffer();
                        channel.force(false);
                        forced++;
                    }
                } catch (IOException e) {
                    failed(e);
                } finally {
                    exit();
                }
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    /**
     * Notices that another program moved or deleted the live file (log rotation by an outside tool, a cleanup) and
     * continues in a new file at the configured path, with a status warning. A rollover by another chatlog process is
     * followed quietly. Costs one {@code stat}. Returns whether it switched.
     */
    public boolean reopenIfReplaced() {
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            if (closed || channel == null || fileKey == null || !enterOrFail()) {
                return false;
            }
            try {
                return replacedByAnotherProgram();
            } finally {
                exit();
            }
        } finally {
            lock.unlock();
            restore(interrupted);
        }
    }

    private boolean replacedByAnotherProgram() {
        if (channel == null || fileKey == null) {
            return false; // a cooperating rollover was followed, and its reopen failed: reported there
        }
        Object now = identity();
        if (fileKey.equals(now)) {
            return false;
        }
        // records still buffered belong in the file the application now sees
        byte[] pending = null;
        if (buffer != null && buffer.position() > 0) {
            buffer.flip();
            pending = new byte[buffer.remaining()];
            buffer.get(pending);
            buffer.clear();
        }
        closeChannel();
        status.warn(path + " was " + (now == null ? "moved away or deleted" : "replaced") + " by another program; "
                + "continuing in a new file at that path");
        try {
            openChannel();
            if (pending != null) {
                writeFully(ByteBuffer.wrap(pending));
            }
        } catch (IOException e) {
            if (pending != null) {
                backlog.addFirst(pending);
                backlogBytes += pending.length;
            }
            failed(e);
        }
        return true;
    }

    /**
     * Takes this file's slot of the directory lock (re-entrantly) and, when another process rolled the file since this
     * sink last looked, moves to the new file before anything is written. Under the lock the size is the file's real
     * size, whoever wrote it.
     */
    private void enter() throws IOException {
        if (directoryLock == null || holdDepth++ > 0) {
            return;
        }
        try {
            held = directoryLock.lock(slot);
        } catch (IOException | RuntimeException e) {
            holdDepth = 0;
            status.warn("cannot lock " + directoryLock.directory().resolve(DirectoryLock.FILE_NAME) + " (" + e
                    + "); writing " + path + " without coordinating with other processes");
            directoryLock.release();
            directoryLock = null;
            return;
        }
        long now = directoryLock.generation(slot);
        if (now != generation) {
            generation = now;
            if (channel != null && !Objects.equals(fileKey, identity())) {
                closeChannel(); // buffered records stay buffered: they go to the new file
                openChannel();
            }
        }
        if (channel != null && settings.maxFileSize() > 0 && held != lastHeld) {
            written = channel.size(); // other processes append too (not while this process kept the lock)
            committed = written;
        }
        lastHeld = held;
    }


    private boolean enterOrFail() {
        try {
            enter();
            return true;
        } catch (IOException e) {
            exit();
            failed(e);
            return false;
        }
    }

    private void exit() {
        if (directoryLock == null || --holdDepth > 0) {
            return;
        }
        directoryLock.unlock(slot, held);
        held = null;
    }

    /** Whether a record can go into the buffer without touching the file (no flush, no rollover due). */
    private boolean fitsInBuffer(int length) {
        return buffer != null && channel != null && backlog.isEmpty() && pendingHeader == null
                && settings.sync() != SyncMode.EVERY && buffer.remaining() >= length
                && (settings.maxFileSize() == 0 || written + buffer.position() + length <= settings.maxFileSize());
    }

    /** The identity (device and inode) of the file at the path now, or null when there is none. */
    private Object identity() {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Bytes in the live file, buffered ones included. */
    public long size() {
        lock.lock();
        try {
            return written + (buffer == null ? 0 : buffer.position());
        } finally {
            lock.unlock();
        }
    }

    private boolean ready() {
        if (channel != null && backlog.isEmpty()) {
            return true;
        }
        long now = clock.millis();
        if (channel == null && now < nextRetryMillis) {
            return false;
        }
        try {
            if (channel == null) {
                openChannel();
            }
            writePendingHeader();
            while (!backlog.isEmpty()) {
                byte[] held = backlog.peekFirst();
                writeRecord(held, 0, held.length);
                backlog.removeFirst();
                backlogBytes -= held.length;
            }
        } catch (IOException e) {
            failed(e);
            return false;
        }
        if (failingSinceMillis >= 0) {
            status.warn("resumed writing " + path + " after " + (now - failingSinceMillis) + " ms; " + heldInFailure
                    + " records could not be written when logged: " + (heldInFailure - dropped) + " were held and written now"
                    + (dropped > 0 ? ", " + dropped + " were dropped (backlog full)" : ""));
            failingSinceMillis = -1;
            dropped = 0;
            heldInFailure = 0;
        }
        return true;
    }

    private void writeRecord(byte[] bytes, int offset, int length) throws IOException {
        long size = written + (buffer == null ? 0 : buffer.position());
        if (settings.maxFileSize() > 0 && contentBytes > 0 && size + length > settings.maxFileSize()) {
            roll();
        }
        if (buffer == null) {
            writeFully(ByteBuffer.wrap(bytes, offset, length));
        } else {
            if (buffer.remaining() < length) {
                flushBuffer();
            }
            if (length > buffer.capacity()) {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
            } else {
                buffer.put(bytes, offset, length);
            }
        }
        contentBytes += length;
        if (settings.sync() == SyncMode.EVERY) {
            flushBuffer();
            channel.force(false);
            forced++;
        }
    }

    private void writePendingHeader() throws IOException {
        if (pendingHeader != null) {
            writeFully(ByteBuffer.wrap(pendingHeader));
            pendingHeader = null;
            contentBytes = 0;
        }
    }

    private void flushBuffer() throws IOException {
        if (buffer != null && buffer.position() > 0) {
            int end = buffer.position();
            buffer.flip();
            try {
                writeFully(buffer);
                buffer.clear();
            } catch (IOException e) {
                // keep all of it: the file is cut back to before this write, so every record is written again
                buffer.limit(buffer.capacity()).position(end);
                throw e;
            }
        }
    }

    /** Writes whole records; only once all of them are on disk does the cut-back point move past them. */
    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            written += channel.write(bytes);
        }
        committed = written;
    }

    private void roll() throws IOException {
        flushBuffer();
        long now = clock.millis();
        if (now < nextRollMillis) {
            return;
        }
        long oldSize = written;
        Path archive;
        Path staged;
        try {
            archive = naming.next(now);
            staged = naming.stagedName(archive);
        } catch (IOException | RuntimeException e) {
            status.error("cannot roll " + path + ": no archive name in its archive directory: " + e
                    + "; writing on into the live file", e);
            nextRollMillis = now + Math.max(1000, settings.retryIntervalMs());
            return;
        }
        if (!Objects.equals(fileKey, identity())) {
            return; // moved by another program: reopenIfReplaced reports it; this is no time to roll
        }
        closeChannel();
        if (directoryLock != null) {
            // before the rename: a process killed between the two still leaves the others looking (a bump without a
            // rename costs them one stat)
            generation = directoryLock.bumpGeneration(slot); // other writers move to the new file before they write
        }
        byte[] first = header.firstLine(oldSize, relativeToLive(archive), now);
        Path next = nextFile();
        boolean prepared = prepareNext(next, first);
        try {
            move(path, staged);
        } catch (IOException e) {
            status.error("could not roll " + path + " to " + staged + ": " + e + "; writing on into the live file", e);
            nextRollMillis = now + Math.max(1000, settings.retryIntervalMs());
            Files.deleteIfExists(next);
            openChannel();
            return;
        }
        if (prepared) {
            try {
                move(next, path); // the new file appears with its header: a crash cannot leave an archive unannounced
            } catch (IOException e) {
                prepared = false;
                Files.deleteIfExists(next);
            }
        }
        compressor.submit(staged, archive, retention);
        if (!prepared) {
            pendingHeader = first; // written when the new file opens, now or at a retry
        }
        openChannel();
        writePendingHeader();
        contentBytes = 0;
    }

    /** Where the next live file is made, header first, before it takes the live name: {@code <live>.next}. */
    private Path nextFile() {
        return path.resolveSibling(path.getFileName() + NEXT_SUFFIX);
    }

    /** Writes {@code first} into a new {@code next}; false when it cannot (the header is then written after the roll). */
    private boolean prepareNext(Path next, byte[] first) {
        try {
            Files.deleteIfExists(next); // a leftover of a crash before a rename, or something planted: never written through
            try (FileChannel ch = FileChannel.open(next, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), settings.modes().fileAttributes())) {
                settings.modes().created(next);
                ByteBuffer b = ByteBuffer.wrap(first);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(next);
            } catch (IOException ignored) {
                // the next roll deletes it
            }
            return false;
        }
    }

    private void openChannel() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            settings.modes().createDirectories(dir);
        }
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory, not a file");
        }
        OpenOption[] options = settings.followLinks()
                ? new OpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND}
                : new OpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS};
        Path next = nextFile();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(next, LinkOption.NOFOLLOW_LINKS)) {
            // a process died between moving the live file to its archive and moving the new one in: finish its roll
            try {
                move(next, path);
            } catch (IOException e) {
                // another process finished it first
            }
        }
        // look at the last byte before opening for writing, so a file never holds two descriptors of ours at once
        boolean cutLine = Files.isRegularFile(path) && Files.size(path) > 0 && !endsWithNewline(Files.size(path));
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        FileChannel ch = FileChannel.open(path, java.util.Set.of(options), settings.modes().fileAttributes());
        if (!existed) {
            settings.modes().created(path);
        }
        try {
            long size = ch.size();
            if (cutLine && size > 0) {
                // a line cut by a crash: the next record starts on a line of its own
                ch.write(ByteBuffer.wrap(new byte[]{'\n'}));
                size++;
            }
            channel = ch;
            fileKey = identity();
            written = size;
            committed = size;
            contentBytes = size;
            if (size == 0 && headerOnCreate && pendingHeader == null) {
                // under the directory lock: of several processes opening a new file, one writes the header
                writeFully(ByteBuffer.wrap(header.firstLine(0, null, clock.millis())));
                contentBytes = 0;
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private boolean endsWithNewline(long size) throws IOException {
        try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    private void failed(IOException e) {
        long now = clock.millis();
        if (channel != null && written > committed) {
            try {
                // drop a partly written record (the retry writes it whole); the file may hold other processes' records,
                // but none after ours: we hold the lock
                channel.truncate(channel.size() - (written - committed));
                written = committed;
            } catch (IOException ignored) {
                // the file is already failing; the reopen starts a fresh line after any fragment
            }
        }
        if (buffer != null && buffer.position() > 0) {
            buffer.flip();
            byte[] pending = new byte[buffer.remaining()];
            buffer.get(pending);
            buffer.clear();
            backlog.addFirst(pending);
            backlogBytes += pending.length;
        }
        closeChannel();
        nextRetryMillis = now + settings.retryIntervalMs();
        if (failingSinceMillis < 0) {
            failingSinceMillis = now;
            status.error("cannot write " + path + ": " + describe(e) + "; holding up to " + settings.backlogLimit()
                    + " bytes of records in memory and retrying every " + settings.retryIntervalMs() + " ms", e);
        }
    }

    /** The failure in words, with the errno name where Java only gives the text. */
    static String describe(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left on device")) {
            return "ENOSPC (" + m + ")";
        }
        if (m.contains("Disk quota exceeded")) {
            return "EDQUOT (" + m + ")";
        }
        if (m.contains("Read-only file system")) {
            return "EROFS (" + m + ")";
        }
        return e.getClass().getSimpleName() + ": " + m;
    }

    private void hold(byte[] record) {
        heldInFailure++;
        if (backlogBytes + record.length > settings.backlogLimit()) {
            dropped++;
            return;
        }
        backlog.addLast(record);
        backlogBytes += record.length;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing buffered remains in a FileChannel; closing cannot lose data
            }
            channel = null;
        }
    }

    private String relativeToLive(Path archive) {
        Path dir = path.toAbsolutePath().getParent();
        Path abs = archive.toAbsolutePath();
        String rel = dir != null && abs.startsWith(dir) ? dir.relativize(abs).toString() : abs.toString();
        return rel.replace('\\', '/');
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
