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
 * Stores what the master log holds ({@code events}, with {@code raw_line} equal to the master-log line) and the
 * conversations in {@code sessions} and {@code messages} (full-text searchable), in SQLite (the default, a file in
 * {@code CHATLOG_DIR}) or in PostgreSQL, where many application instances write into one database and every row says
 * which instance wrote it. The logging thread only enqueues; one writer thread per appender commits batches, and waits
 * and reconnects while the database is away. Needs the database's JDBC driver on the classpath
 * ({@code org.xerial:sqlite-jdbc} or {@code org.postgresql:postgresql}); without it the appender reports a status error
 * and does not start, and the rest of the logging goes on.
 *
 * <pre>{@code
 * <appender name="STORE" class="io.github.chatlog.logback.EventStoreAppender">
 *   <!-- none (off), sqlite (the url below), or a JDBC URL: jdbc:postgresql://db:5432/chatlog?user=app&password=… -->
 *   <storage>${LOG_STORAGE:-none}</storage>
 *   <url>jdbc:sqlite:${CHATLOG_DIR}/chatlog.db</url>
 * </appender>
 * }</pre>
 */
public class EventStoreAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** {@value}: the database's name inside {@code CHATLOG_DIR}. */
    public static final String DEFAULT_DB_NAME = LogLayout.DATABASE;
    /** {@value}: the value of {@code storage} (or {@code LOG_STORAGE}) that turns the store on at {@code url}. */
    public static final String SQLITE = "sqlite";

    private String url;
    private String storage = SQLITE;
    private String instance;
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
        String mode = storage == null ? "" : storage.trim();
        boolean storageUrl = mode.startsWith("jdbc:");
        if (!storageUrl && !mode.equalsIgnoreCase(SQLITE)) {
            String lower = mode.toLowerCase(Locale.ROOT);
            if (!lower.isEmpty() && !lower.equals("none") && !lower.equals("off") && !lower.equals("file")) {
                addWarn("[" + getName() + "] property 'storage': '" + StoreConnections.display(storage)
                        + "' is neither sqlite nor a JDBC URL; the store is off");
            } else {
                addInfo("[" + getName() + "] storage is '" + storage + "': the store is off (LOG_STORAGE=sqlite or "
                        + "LOG_STORAGE=jdbc:postgresql://… turns it on)");
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
        String property = storageUrl ? "storage" : "url";
        String jdbc = storageUrl ? mode : url != null && !url.isBlank() ? url.trim()
                : StoreConnections.PREFIX + MasterLogAppender.chatlogDirectory(getContext()) + "/" + DEFAULT_DB_NAME;
        check.require(StoreConnections.supported(jdbc), property, "'" + StoreConnections.display(jdbc)
                + "' is not a jdbc:sqlite: or jdbc:postgresql: URL");
        FileModes modes = check.modes(fileMode, directoryMode);
        if (!check.passed()) {
            return;
        }
        String missing = StoreConnections.unusable(jdbc);
        if (missing != null) {
            addError("[" + getName() + "] " + missing + ", or unset LOG_STORAGE; the store is off, file logging goes on");
            return;
        }
        try {
            prepareDatabaseFile(jdbc, modes);
        } catch (java.io.IOException | RuntimeException e) {
            addError("[" + getName() + "] property '" + property + "': cannot create '" + jdbc + "': " + e, e);
            return;
        }
        String shown = StoreConnections.display(jdbc);
        String writtenBy = instance != null && !instance.isBlank() ? instance.trim() : StoreConnections.defaultInstance();
        status = new RateLimitedStatus(this, getName());
        writer = new StoreWriter(jdbc, writtenBy, queueSize, batchSize, (int) Math.min(Integer.MAX_VALUE, busyMs),
                blockMs, status);
        try {
            writer.start("chatlog-store-" + getName());
        } catch (SQLException | RuntimeException e) {
            addError("[" + getName() + "] property '" + property + "': cannot open '" + shown + "': " + e.getMessage(), e);
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
            writer.close(); // kept: what it wrote and dropped stays readable after the stop
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

    /** Records written so far (after {@link #stop()}: in all); for tests and monitoring. */
    public long written() {
        return writer == null ? 0 : writer.written();
    }

    /** Records dropped so far (queue full or database failing). */
    public long dropped() {
        return writer == null ? 0 : writer.dropped();
    }

    // --- settings ---

    /**
     * The database when {@code storage} is {@code sqlite}: a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL;
     * default {@code jdbc:sqlite:${CHATLOG_DIR}/chatlog.db}.
     */
    public void setUrl(String url) {
        this.url = url;
    }

    /**
     * {@code sqlite} (default) stores at {@code url}; a JDBC URL ({@code jdbc:postgresql://host:5432/db?user=u&password=p}
     * or {@code jdbc:sqlite:FILE}) stores there instead; {@code none} leaves the appender idle. The example sets it from
     * {@code LOG_STORAGE}.
     */
    public void setStorage(String storage) {
        this.storage = storage;
    }

    /**
     * What the {@code instance} column of the rows this appender writes says (PostgreSQL): a replica's name, say;
     * default {@code host:pid}.
     */
    public void setInstance(String instance) {
        this.instance = instance;
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
