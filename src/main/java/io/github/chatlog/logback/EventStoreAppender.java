package io.github.chatlog.logback;

import io.github.chatlog.file.LogLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.chatlog.event.ConversationTurns;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.MasterEvents;
import io.github.chatlog.file.FileModes;
import io.github.chatlog.store.StoreConnections;
import io.github.chatlog.store.StoreRecord;
import io.github.chatlog.store.StoreWriter;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Stores what the master log holds in SQLite ({@code events}, with {@code raw_line} equal to the master-log line) and
 * the conversations in {@code sessions} and {@code messages} (full-text searchable). The logging thread only enqueues;
 * one writer thread commits batches. Needs {@code org.xerial:sqlite-jdbc} on the classpath; without it the appender
 * reports a status error and does not start, and the rest of the logging goes on.
 *
 * <pre>{@code
 * <appender name="STORE" class="io.github.chatlog.logback.EventStoreAppender">
 *   <storage>${LOG_STORAGE:-none}</storage>   <!-- on only when LOG_STORAGE=sqlite -->
 * </appender>
 * }</pre>
 */
public class EventStoreAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** {@value}: the database's name inside {@code CHATLOG_DIR}. */
    public static final String DEFAULT_DB_NAME = LogLayout.DATABASE;
    /** {@value}: the value of {@code storage} (or {@code LOG_STORAGE}) that turns the store on. */
    public static final String SQLITE = "sqlite";

    private String url;
    private String storage = SQLITE;
    private int queueSize = StoreWriter.DEFAULT_QUEUE_SIZE;
    private int batchSize = StoreWriter.DEFAULT_BATCH_SIZE;
    private String busyTimeout = StoreConnections.DEFAULT_BUSY_TIMEOUT_MS + " milliseconds";
    private String blockTimeout = StoreWriter.DEFAULT_BLOCK_TIMEOUT_MS + " milliseconds";
    private Boolean logTurns;
    private boolean captureErrors = true;
    private String sessionKey = EntryMapper.DEFAULT_SESSION_KEY;
    private String defaultSession = ChatTranscriptAppender.DEFAULT_SESSION;
    private String fileMode = FileModes.DEFAULT_FILE_MODE;
    private String directoryMode = FileModes.DEFAULT_DIRECTORY_MODE;

    private RateLimitedStatus status;
    private EntryPipeline pipeline;
    private StoreWriter writer;
    private boolean turnsOn;
    private boolean active;

    @Override
    public void start() {
        if (isStarted() || !SupportedVersions.check(this, getName())) {
            return;
        }
        String mode = storage == null ? "" : storage.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(SQLITE)) {
            if (!mode.isEmpty() && !mode.equals("none") && !mode.equals("off") && !mode.equals("file")) {
                addWarn("[" + getName() + "] property 'storage': '" + storage + "' is not sqlite; the store is off");
            } else {
                addInfo("[" + getName() + "] storage is '" + storage + "': the SQLite store is off (LOG_STORAGE=sqlite turns it on)");
            }
            active = false;
            super.start();
            return;
        }
        SettingsCheck check = new SettingsCheck(this, getName());
        check.require(queueSize >= 16, "queueSize", "must be at least 16, not " + queueSize);
        check.require(batchSize >= 1, "batchSize", "must be at least 1, not " + batchSize);
        long busyMs = check.duration("busyTimeout", busyTimeout);
        long blockMs = check.duration("blockTimeout", blockTimeout);
        String jdbc = url != null && !url.isBlank() ? url.trim()
                : StoreConnections.PREFIX + MasterLogAppender.chatlogDirectory(getContext()) + "/" + DEFAULT_DB_NAME;
        check.require(jdbc.startsWith(StoreConnections.PREFIX), "url", "'" + jdbc + "' is not a jdbc:sqlite: URL");
        FileModes modes = check.modes(fileMode, directoryMode);
        if (!check.passed()) {
            return;
        }
        if (!StoreConnections.driverPresent()) {
            addError("[" + getName() + "] the SQLite JDBC driver is not on the classpath: add the dependency "
                    + "org.xerial:sqlite-jdbc, or unset LOG_STORAGE; the store is off, file logging goes on");
            return;
        }
        try {
            prepareDatabaseFile(jdbc, modes);
        } catch (java.io.IOException | RuntimeException e) {
            addError("[" + getName() + "] property 'url': cannot create '" + jdbc + "': " + e, e);
            return;
        }
        status = new RateLimitedStatus(this, getName());
        writer = new StoreWriter(jdbc, queueSize, batchSize, (int) Math.min(Integer.MAX_VALUE, busyMs), blockMs, status);
        try {
            writer.start("chatlog-store-" + getName());
        } catch (SQLException | RuntimeException e) {
            addError("[" + getName() + "] property 'url': cannot open '" + jdbc + "': " + e.getMessage(), e);
            writer = null;
            return;
        }
        pipeline = EntryPipeline.of(getContext());
        turnsOn = logTurns != null ? logTurns : ConversationTurns.enabledByEnvironment();
        active = true;
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!active) {
            return;
        }
        try {
            LogEntry entry = pipeline.entry(event, sessionKey);
            if (entry == null) {
                return;
            }
            LogEntry line = MasterEvents.select(entry, turnsOn, captureErrors,
                    entry.kind() == LogEntry.Kind.ERROR && LoggerFamily.of(entry.loggerName()) != LoggerFamily.OTHER);
            if (line != null) {
                writer.submit(StoreRecord.Line.of(line)); // parsed on the writer thread
            }
            if (entry.kind() == LogEntry.Kind.CHAT) {
                writer.submit(StoreRecord.Message.of(entry, defaultSession));
            } else if (entry.kind() == LogEntry.Kind.ERROR && entry.sessionId() != null) {
                writer.submit(StoreRecord.Message.of(ChatTranscriptAppender.asTranscriptError(entry), defaultSession));
            }
        } catch (Throwable e) { // whatever it is, it stays here: the caller is the application's logging call
            status.error("could not store an event from logger " + event.getLoggerName() + ": " + e, e);
        }
    }

    /** Creates the database file with this appender's permissions before SQLite would create it with the umask's. */
    private static void prepareDatabaseFile(String jdbc, FileModes modes) throws java.io.IOException {
        java.nio.file.Path file = StoreConnections.databaseFile(jdbc);
        if (file != null) {
            java.nio.file.Path db = file.toAbsolutePath();
            modes.createDirectories(db.getParent());
            modes.createFile(db);
        }
    }

    /** Records written so far; for tests and monitoring. */
    public long written() {
        return writer == null ? 0 : writer.written();
    }

    /** Records dropped so far (queue full or database failing). */
    public long dropped() {
        return writer == null ? 0 : writer.dropped();
    }

    // --- settings ---

    /** {@code jdbc:sqlite:} URL; default {@code jdbc:sqlite:${CHATLOG_DIR}/chatlog.db}. */
    public void setUrl(String url) {
        this.url = url;
    }

    /** {@code sqlite} (default) stores; {@code none} leaves the appender idle. The example sets it from {@code LOG_STORAGE}. */
    public void setStorage(String storage) {
        this.storage = storage;
    }

    /** Records queued for the writer at most; default {@value StoreWriter#DEFAULT_QUEUE_SIZE}. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Records per transaction at most; default {@value StoreWriter#DEFAULT_BATCH_SIZE}. */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    /** How long a statement waits for another connection's lock; default 5 seconds. */
    public void setBusyTimeout(String busyTimeout) {
        this.busyTimeout = busyTimeout;
    }

    /** How long a conversation entry or error waits for room in a full queue; default 30 seconds. */
    public void setBlockTimeout(String blockTimeout) {
        this.blockTimeout = blockTimeout;
    }

    /** Store {@code conversation:turn} events too; default from {@code LOG_CONVERSATION_TURNS}, else false. */
    public void setLogTurns(boolean logTurns) {
        this.logTurns = logTurns;
    }

    /** Store WARN+ events with an exception from any logger; default true. */
    public void setCaptureErrors(boolean captureErrors) {
        this.captureErrors = captureErrors;
    }

    public void setSessionKey(String sessionKey) {
        this.sessionKey = sessionKey;
    }

    /** Permissions of the files this appender creates; default {@value FileModes#DEFAULT_FILE_MODE} (owner only). */
    public void setFileMode(String fileMode) {
        this.fileMode = fileMode;
    }

    /** Permissions of the directories this appender creates; default {@value FileModes#DEFAULT_DIRECTORY_MODE}. */
    public void setDirectoryMode(String directoryMode) {
        this.directoryMode = directoryMode;
    }

    public void setDefaultSession(String defaultSession) {
        this.defaultSession = defaultSession;
    }
}
