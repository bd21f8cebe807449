package io.github.chatlog.file;

/**
 * How a {@link RollingFileSink} writes: size limit, flushing, and what it does while the disk fails. Immutable; the
 * {@code with*} methods return changed copies.
 *
 * @param maxFileSize     roll when the live file would pass this many bytes; 0 never rolls
 * @param immediateFlush  hand every record to the operating system before {@code write} returns
 * @param bufferSize      bytes buffered when {@code immediateFlush} is off
 * @param retryIntervalMs after a failed write, how long to wait before reopening the file
 * @param backlogLimit    bytes of records held in memory while the file cannot be written; past it records are dropped
 *                        and counted
 * @param followLinks     whether a symbolic link at the file's path may be followed
 * @param sync            how far a record is pushed: to the OS, or also to the disk (see {@link SyncMode})
 * @param modes           permissions of the files and directories the sink creates
 */
public record FileSettings(long maxFileSize, boolean immediateFlush, int bufferSize, long retryIntervalMs,
                           long backlogLimit, boolean followLinks, SyncMode sync, FileModes modes) {

    /** {@value} bytes: 10 MB, as Logback's {@code FileSize} reads "10MB". */
    public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** {@value} ms: short, so writing resumes soon after the disk comes back. */
    public static final long DEFAULT_RETRY_INTERVAL_MS = 250;
    /** {@value} bytes held in memory while the disk fails. */
    public static final long DEFAULT_BACKLOG_LIMIT = 8L * 1024 * 1024;

    public static final FileSettings DEFAULTS = new FileSettings(DEFAULT_MAX_FILE_SIZE, true, DEFAULT_BUFFER_SIZE,
            DEFAULT_RETRY_INTERVAL_MS, DEFAULT_BACKLOG_LIMIT, true, SyncMode.NONE, FileModes.OWNER_ONLY);

    public FileSettings {
        if (maxFileSize < 0 || bufferSize <= 0 || retryIntervalMs < 0 || backlogLimit < 0 || sync == null || modes == null) {
            throw new IllegalArgumentException("negative or zero setting in " + this);
        }
    }

    public FileSettings withMaxFileSize(long bytes) {
        return new FileSettings(bytes, immediateFlush, bufferSize, retryIntervalMs, backlogLimit, followLinks, sync, modes);
    }

    public FileSettings withImmediateFlush(boolean flag) {
        return new FileSettings(maxFileSize, flag, bufferSize, retryIntervalMs, backlogLimit, followLinks, sync, modes);
    }

    public FileSettings withBufferSize(int bytes) {
        return new FileSettings(maxFileSize, immediateFlush, bytes, retryIntervalMs, backlogLimit, followLinks, sync, modes);
    }

    public FileSettings withRetryIntervalMs(long ms) {
        return new FileSettings(maxFileSize, immediateFlush, bufferSize, ms, backlogLimit, followLinks, sync, modes);
    }

    public FileSettings withBacklogLimit(long bytes) {
        return new FileSettings(maxFileSize, immediateFlush, bufferSize, retryIntervalMs, bytes, followLinks, sync, modes);
    }

    public FileSettings withSync(SyncMode mode) {
        return new FileSettings(maxFileSize, immediateFlush, bufferSize, retryIntervalMs, backlogLimit, followLinks, mode, modes);
    }

    public FileSettings withFollowLinks(boolean flag) {
        return new FileSettings(maxFileSize, immediateFlush, bufferSize, retryIntervalMs, backlogLimit, flag, sync, modes);
    }

    public FileSettings withModes(FileModes fileModes) {
        return new FileSettings(maxFileSize, immediateFlush, bufferSize, retryIntervalMs, backlogLimit, followLinks, sync,
                fileModes);
    }
}
