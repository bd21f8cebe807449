package io.github.chatlog.logback;

import io.github.chatlog.file.LogLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.file.Compression;
import io.github.chatlog.file.DescriptorBudget;
import io.github.chatlog.file.FileModes;
import io.github.chatlog.file.FileSettings;
import io.github.chatlog.file.SessionFileNames;
import io.github.chatlog.file.SessionRetention;
import io.github.chatlog.file.SyncMode;
import io.github.chatlog.file.TranscriptRouter;
import io.github.chatlog.format.TranscriptFormat;
import org.slf4j.Marker;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes one transcript file per conversation: chat entries ({@code chat}, {@code chat.*}) go to the file of the MDC
 * {@code session_id}; errors ({@code error.*}, or any WARN+ event with an exception) are added to the transcript of
 * the session in scope. A {@code conversation:end} event or the {@code FINALIZE_SESSION} marker ends a session with a
 * footer; idle sessions are ended after {@code idleTimeout}. Attach it to the root logger so it sees all three.
 *
 * <pre>{@code
 * <appender name="CHAT" class="io.github.chatlog.logback.ChatTranscriptAppender">
 *   <directory>${CHATLOG_DIR}/chats</directory>
 *   <format>text</format>
 * </appender>
 * }</pre>
 */
public class ChatTranscriptAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** {@value}: the chats directory's name inside {@code CHATLOG_DIR}. */
    public static final String DEFAULT_DIRECTORY_NAME = LogLayout.CHATS;
    /** {@value}. */
    public static final String DEFAULT_FORMAT = "text";
    /**
     * {@value}: derived from the process's descriptor limit ({@link DescriptorBudget}: half of it, between
     * {@value DescriptorBudget#MIN_FILES} and {@value DescriptorBudget#MAX_FILES}).
     */
    public static final int DEFAULT_MAX_OPEN_FILES = 0;
    /** {@value}. */
    public static final String DEFAULT_IDLE_TIMEOUT = "30 minutes";
    /** {@value}: the session of chat entries logged with no session id. */
    public static final String DEFAULT_SESSION = "default";
    /** {@value}: the SLF4J marker that ends the session of the event carrying it. */
    public static final String FINALIZE_SESSION_MARKER = "FINALIZE_SESSION";
    /** How often retention runs, at most. */
    private static final long RETENTION_EVERY_MS = 60_000;

    private String directory;
    private String fileNamePattern = SessionFileNames.DEFAULT_PATTERN;
    private String format = DEFAULT_FORMAT;
    private String timeZone;
    private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
    private String idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private String maxFileSize;
    private int maxHistory;
    private String totalSizeCap;
    private boolean immediateFlush = true;
    private String sync = "none";
    private String syncInterval = MasterLogAppender.DEFAULT_SYNC_INTERVAL;
    private String sessionKey = EntryMapper.DEFAULT_SESSION_KEY;
    private String defaultSession = DEFAULT_SESSION;
    private Clock clock = Clock.systemDefaultZone();
    private String fileMode = FileModes.DEFAULT_FILE_MODE;
    private String directoryMode = FileModes.DEFAULT_DIRECTORY_MODE;

    private RateLimitedStatus status;
    private EntryPipeline pipeline;
    private TranscriptRouter router;
    private ScheduledExecutorService reaper;

    @Override
    public void start() {
        if (isStarted() || !SupportedVersions.check(this, getName())) {
            return;
        }
        status = new RateLimitedStatus(this, getName());
        SettingsCheck check = new SettingsCheck(this, getName());
        ZoneId zone = ZoneId.systemDefault();
        if (timeZone != null && !timeZone.isBlank()) {
            try {
                zone = ZoneId.of(timeZone.trim());
            } catch (DateTimeException e) {
                check.error("timeZone", "'" + timeZone + "' is not a time zone (e.g. UTC, Europe/Lisbon)");
            }
        }
        TranscriptFormat transcriptFormat = TranscriptFormat.named(format, zone);
        check.require(transcriptFormat != null, "format", "'" + format + "' is not one of text, jsonl, plain");
        Path dir = null;
        try {
            dir = Paths.get(directory != null && !directory.isBlank() ? directory
                    : MasterLogAppender.chatlogDirectory(getContext()) + "/" + DEFAULT_DIRECTORY_NAME);
        } catch (InvalidPathException e) {
            check.error("directory", "'" + directory + "' is not a valid path: " + e.getReason());
        }
        SessionFileNames names = null;
        if (dir != null) {
            try {
                names = new SessionFileNames(dir, fileNamePattern, zone);
            } catch (IllegalArgumentException e) {
                check.error("fileNamePattern", e.getMessage());
            }
        }
        check.require(maxOpenFiles >= 0, "maxOpenFiles", "must be 0 (from the descriptor limit) or more, not " + maxOpenFiles);
        int openFiles = maxOpenFiles > 0 ? maxOpenFiles : DescriptorBudget.defaultMaxOpenFiles();
        long idleMs = check.duration("idleTimeout", idleTimeout);
        long maxBytes = check.size("maxFileSize", maxFileSize);
        long capBytes = check.size("totalSizeCap", totalSizeCap);
        check.require(maxHistory >= 0, "maxHistory", "must be 0 (keep all) or a number of days, not " + maxHistory);
        check.require(sessionKey != null && !sessionKey.isBlank(), "sessionKey", "must not be empty");
        check.require(defaultSession != null && !defaultSession.isBlank(), "defaultSession", "must not be empty");
        SyncMode syncMode = SyncMode.named(sync);
        check.require(syncMode != null, "sync", "'" + sync + "' is not one of none, interval, every");
        long syncMs = check.duration("syncInterval", syncInterval);
        FileModes modes = check.modes(fileMode, directoryMode);
        if (!check.passed()) {
            return;
        }
        FileSettings settings = FileSettings.DEFAULTS.withMaxFileSize(maxBytes).withImmediateFlush(immediateFlush)
                .withSync(syncMode).withModes(modes);
        router = new TranscriptRouter(names, transcriptFormat, settings, Compression.GZIP, openFiles, idleMs,
                new SessionRetention(names, maxHistory, capBytes, idleMs), defaultSession, status, clock);
        try {
            router.start();
            names.describe(modes, timeZone != null && !timeZone.isBlank()); // how readers learn a custom pattern
        } catch (IOException | RuntimeException e) {
            addError("[" + getName() + "] property 'directory': cannot use '" + dir + "': " + e, e);
            router = null;
            return;
        }
        pipeline = EntryPipeline.of(getContext());
        reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chatlog-sessions-" + getName());
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, Math.min(Math.min(1000, syncMs), idleMs / 2));
        long[] lastRetention = {clock.millis()}; // first run one period after start
        long[] lastSync = {System.currentTimeMillis()};
        reaper.scheduleWithFixedDelay(() -> {
            try {
                router.reapIdle();
                boolean syncDue = syncMode == SyncMode.INTERVAL && System.currentTimeMillis() - lastSync[0] >= syncMs;
                if (syncDue) {
                    lastSync[0] = System.currentTimeMillis();
                }
                router.maintain(syncDue);
                long now = clock.millis(); // the injected clock: a test moves it to make retention run
                if (now - lastRetention[0] >= RETENTION_EVERY_MS || now < lastRetention[0]) {
                    lastRetention[0] = now;
                    router.applyRetention();
                }
            } catch (RuntimeException e) {
                status.error("session reaper failed: " + e, e);
            }
        }, 0, tick, TimeUnit.MILLISECONDS);
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        reaper.shutdown();
        try {
            if (!reaper.awaitTermination(10, TimeUnit.SECONDS)) {
                reaper.shutdownNow();
            }
        } catch (InterruptedException e) {
            reaper.shutdownNow();
            Thread.currentThread().interrupt();
        }
        router.close();
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            LogEntry entry = pipeline.entry(event, sessionKey);
            if (entry == null) {
                return;
            }
            boolean finalize = hasFinalizeMarker(event.getMarkerList());
            switch (entry.kind()) {
                case CHAT -> router.write(entry);
                case ERROR -> {
                    if (entry.sessionId() != null) {
                        router.write(asTranscriptError(entry));
                    }
                }
                case EVENT -> {
                    if (EventTypes.CONVERSATION_END.equals(entry.eventType()) && !finalize) {
                        router.end(entry.sessionId(), entry.timestamp());
                    }
                }
            }
            if (finalize) {
                router.end(entry.sessionId(), entry.timestamp());
            }
        } catch (Throwable e) { // whatever it is, it stays here: the caller is the application's logging call
            status.error("could not write a chat entry from logger " + event.getLoggerName() + ": " + e, e);
        }
    }

    /** An error from outside the chat loggers, as an entry of its session's transcript. */
    static LogEntry asTranscriptError(LogEntry error) {
        return error.toBuilder().kind(LogEntry.Kind.CHAT).role(LogEntry.DEFAULT_ROLE).entryType(ChatKeys.TYPE_ERROR).build();
    }

    private static boolean hasFinalizeMarker(List<Marker> markers) {
        if (markers == null) {
            return false;
        }
        for (Marker m : markers) {
            if (m != null && (FINALIZE_SESSION_MARKER.equals(m.getName()) || referencesFinalize(m, 0))) {
                return true;
            }
        }
        return false;
    }

    private static boolean referencesFinalize(Marker m, int depth) {
        if (depth > 8 || !m.hasReferences()) {
            return false;
        }
        for (Iterator<Marker> it = m.iterator(); it.hasNext(); ) {
            Marker child = it.next();
            if (FINALIZE_SESSION_MARKER.equals(child.getName()) || referencesFinalize(child, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Descriptors open now; for tests and monitoring. */
    public int openFiles() {
        return router == null ? 0 : router.openFiles();
    }

    /** The most descriptors open at once since start. */
    public int peakOpenFiles() {
        return router == null ? 0 : router.peakOpenFiles();
    }

    // --- settings (JavaBean setters read by Joran) ---

    /** Where transcripts go; default {@code ${CHATLOG_DIR}/chats} ({@code logs/chats}). */
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    /** File names inside the directory; default {@value SessionFileNames#DEFAULT_PATTERN}. */
    public void setFileNamePattern(String fileNamePattern) {
        this.fileNamePattern = fileNamePattern;
    }

    /** {@code text} (default), {@code jsonl} or {@code plain}. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** Zone of the times in text transcripts and file names; default the system's. */
    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    /**
     * Most transcript files open at once; default {@value #DEFAULT_MAX_OPEN_FILES}: half the process's descriptor limit,
     * between {@value DescriptorBudget#MIN_FILES} and {@value DescriptorBudget#MAX_FILES}.
     */
    public void setMaxOpenFiles(int maxOpenFiles) {
        this.maxOpenFiles = maxOpenFiles;
    }

    /** End a session with no entry for this long; default {@value #DEFAULT_IDLE_TIMEOUT}. */
    public void setIdleTimeout(String idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** Roll one session's file past this size into {@code ….1.log.gz}; default none. */
    public void setMaxFileSize(String maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /** Delete session files not written for this many days; default 0 (keep). */
    public void setMaxHistory(int maxHistory) {
        this.maxHistory = maxHistory;
    }

    /** Delete the oldest session files while all of them take more than this; default none. */
    public void setTotalSizeCap(String totalSizeCap) {
        this.totalSizeCap = totalSizeCap;
    }

    /** Every entry reaches the operating system before the logging call returns; default true. */
    public void setImmediateFlush(boolean immediateFlush) {
        this.immediateFlush = immediateFlush;
    }

    /** {@code none} (default), {@code interval} or {@code every}: see {@link SyncMode}. */
    public void setSync(String sync) {
        this.sync = sync;
    }

    /** With {@code sync=interval}, how often files are forced to disk; default 1 second. */
    public void setSyncInterval(String syncInterval) {
        this.syncInterval = syncInterval;
    }

    /** The MDC key holding the session id; default {@value EntryMapper#DEFAULT_SESSION_KEY}. */
    public void setSessionKey(String sessionKey) {
        this.sessionKey = sessionKey;
    }

    /** The session of chat entries logged without one; default {@value #DEFAULT_SESSION}. */
    public void setDefaultSession(String defaultSession) {
        this.defaultSession = defaultSession;
    }

    /** Permissions of the files this appender creates; default {@value FileModes#DEFAULT_FILE_MODE} (owner only). */
    public void setFileMode(String fileMode) {
        this.fileMode = fileMode;
    }

    /** Permissions of the directories this appender creates; default {@value FileModes#DEFAULT_DIRECTORY_MODE}. */
    public void setDirectoryMode(String directoryMode) {
        this.directoryMode = directoryMode;
    }

    /** For tests: the clock of the idle reaper and of retention. */
    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
