package io.github.chatlog.logback;

import io.github.chatlog.file.LogLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.chatlog.ChatlogVersion;
import io.github.chatlog.event.ConversationTurns;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.MasterEvents;
import io.github.chatlog.file.ArchiveCompressor;
import io.github.chatlog.file.ArchiveRetention;
import io.github.chatlog.file.Compression;
import io.github.chatlog.file.FileModes;
import io.github.chatlog.file.FileSettings;
import io.github.chatlog.file.RollingFileSink;
import io.github.chatlog.file.SyncMode;
import io.github.chatlog.file.TimestampArchiveNaming;
import io.github.chatlog.format.LineBytes;
import io.github.chatlog.format.MasterLineFormat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes the master event log: one pipe-delimited line per event ({@code event}, {@code event.*}), per error
 * ({@code error}, {@code error.*}, and any WARN+ event carrying an exception when attached to the root logger), and,
 * with {@code logTurns}, a {@code conversation:turn} line per chat entry. Rolls by size into gzip archives named by
 * UTC rollover time. Writes {@code app:start} first and {@code app:shutdown} last.
 *
 * <pre>{@code
 * <appender name="MASTER" class="io.github.chatlog.logback.MasterLogAppender">
 *   <file>${CHATLOG_DIR}/master.log</file>
 *   <maxFileSize>10MB</maxFileSize>
 * </appender>
 * }</pre>
 *
 * Every setting has a default (see the {@code DEFAULT_*} constants); a bad setting is reported as a status error naming
 * this appender and the property, and the appender does not start. It never throws into the logging caller.
 */
public class MasterLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** Context property, system property or environment variable naming the log directory. */
    public static final String DIR_PROPERTY = LogLayout.DIR_PROPERTY;
    /** {@value}: the log directory when {@link #DIR_PROPERTY} is not set. */
    public static final String DEFAULT_DIR = LogLayout.DEFAULT_DIR;
    /** {@value}: the live file's name inside the log directory. */
    public static final String DEFAULT_FILE_NAME = LogLayout.MASTER_LOG;
    /** {@value}: the archive directory's name beside the live file. */
    public static final String DEFAULT_ARCHIVE_DIRECTORY_NAME = LogLayout.ARCHIVE;
    /** {@value}. */
    public static final String DEFAULT_MAX_FILE_SIZE = "10MB";
    /** {@value}: keep every archive. */
    public static final int DEFAULT_MAX_ARCHIVES = 0;
    /** {@value}: with {@code immediateFlush=false}, the longest a line waits in memory. */
    public static final String DEFAULT_FLUSH_INTERVAL = "1 second";
    /** {@value}: with {@code sync=interval}, how often the file is forced to disk. */
    public static final String DEFAULT_SYNC_INTERVAL = "1 second";
    /** {@value}: the source field of the lines the appender writes itself. */
    public static final String SOURCE = "chatlog";

    /** How often the background task flushes or retries a failing file. */
    private static final long TICK_MS = 200;

    private String file;
    private String archiveDirectory;
    private String maxFileSize = DEFAULT_MAX_FILE_SIZE;
    private String totalSizeCap;
    private int maxArchives = DEFAULT_MAX_ARCHIVES;
    private String compression = "gzip";
    private boolean immediateFlush = true;
    private String sync = "none";
    private String syncInterval = DEFAULT_SYNC_INTERVAL;
    private String flushInterval = DEFAULT_FLUSH_INTERVAL;
    private Boolean logTurns;
    private boolean captureErrors = true;
    private String sessionKey = EntryMapper.DEFAULT_SESSION_KEY;
    private Clock clock = Clock.systemUTC();
    private String fileMode = FileModes.DEFAULT_FILE_MODE;
    private String directoryMode = FileModes.DEFAULT_DIRECTORY_MODE;

    private RateLimitedStatus status;
    private EntryPipeline pipeline;
    private RollingFileSink sink;
    private ArchiveCompressor compressor;
    private ScheduledExecutorService ticker;
    private boolean turnsOn;
    private MasterLogRuns.Run run;
    private Runnable lastWords;

    @Override
    public void start() {
        if (isStarted() || !SupportedVersions.check(this, getName())) {
            return;
        }
        status = new RateLimitedStatus(this, getName());
        SettingsCheck check = new SettingsCheck(this, getName());

        Path live = null;
        try {
            live = Paths.get(file != null && !file.isBlank() ? file : chatlogDirectory(getContext()) + "/" + DEFAULT_FILE_NAME);
        } catch (InvalidPathException e) {
            check.error("file", "'" + file + "' is not a valid path: " + e.getReason());
        }
        Path archives = null;
        if (live != null) {
            try {
                archives = archiveDirectory != null && !archiveDirectory.isBlank() ? Paths.get(archiveDirectory)
                        : live.toAbsolutePath().getParent().resolve(DEFAULT_ARCHIVE_DIRECTORY_NAME);
            } catch (InvalidPathException e) {
                check.error("archiveDirectory", "'" + archiveDirectory + "' is not a valid path: " + e.getReason());
            }
        }
        long maxBytes = check.size("maxFileSize", maxFileSize);
        long capBytes = check.size("totalSizeCap", totalSizeCap);
        check.require(maxArchives >= 0, "maxArchives", "must be 0 (keep all) or more, not " + maxArchives);
        Compression comp = null;
        String c = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
        if (c.equals("gzip") || c.equals("gz")) {
            comp = Compression.GZIP;
        } else if (c.equals("none")) {
            comp = Compression.NONE;
        } else {
            check.error("compression", "'" + compression + "' is not one of gzip, none");
        }
        long flushMs = check.duration("flushInterval", flushInterval);
        check.require(sessionKey != null && !sessionKey.isBlank(), "sessionKey", "must not be empty");
        SyncMode syncMode = SyncMode.named(sync);
        check.require(syncMode != null, "sync", "'" + sync + "' is not one of none, interval, every");
        long syncMs = check.duration("syncInterval", syncInterval);
        FileModes modes = check.modes(fileMode, directoryMode);
        if (!check.passed()) {
            return;
        }

        FileSettings settings = FileSettings.DEFAULTS.withMaxFileSize(maxBytes).withImmediateFlush(immediateFlush)
                .withSync(syncMode).withModes(modes);
        String liveName = live.getFileName().toString();
        String prefix = liveName.endsWith(".log") ? liveName.substring(0, liveName.length() - 4) : liveName;
        TimestampArchiveNaming naming = new TimestampArchiveNaming(archives, prefix, comp);
        ArchiveRetention retention = new ArchiveRetention(naming, maxArchives, capBytes);
        compressor = new ArchiveCompressor(status);
        sink = new RollingFileSink(live, settings, naming, retention, compressor, this::rotatedLine, status, clock);
        try {
            sink.open();
        } catch (IOException | RuntimeException e) {
            addError("[" + getName() + "] property 'file': cannot open '" + live + "': " + e, e);
            compressor.close(0);
            compressor = null;
            sink = null;
            return;
        }
        try {
            modes.createDirectories(archives);
        } catch (IOException | RuntimeException e) {
            addError("[" + getName() + "] property 'archiveDirectory': cannot create '" + archives + "': " + e, e);
            sink.close();
            compressor.close(0);
            compressor = null;
            sink = null;
            return;
        }
        compressor.recover(naming, retention);
        pipeline = EntryPipeline.of(getContext());
        turnsOn = logTurns != null ? logTurns : ConversationTurns.enabledByEnvironment();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chatlog-flush-" + getName());
            t.setDaemon(true);
            return t;
        });
        long flushEveryNanos = TimeUnit.MILLISECONDS.toNanos(flushMs);
        long syncEveryNanos = TimeUnit.MILLISECONDS.toNanos(syncMs);
        long[] last = {System.nanoTime(), System.nanoTime()}; // last flush, last sync
        long tick = Math.min(TICK_MS, Math.min(flushMs, syncMs));
        ticker.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            sink.reopenIfReplaced(); // one stat: an outside tool may have moved or deleted the file
            if (syncMode == SyncMode.INTERVAL && now - last[1] >= syncEveryNanos) {
                last[1] = now;
                last[0] = now;
                sink.sync(); // flushes too
            } else if (now - last[0] >= flushEveryNanos) {
                last[0] = now;
                sink.flush();
            } else {
                sink.retryIfFailing(); // so writing resumes soon after the disk comes back, even with no new events
            }
        }, tick, tick, TimeUnit.MILLISECONDS);

        boolean[] isNew = new boolean[1];
        run = MasterLogRuns.attach(live, clock.millis(), isNew);
        if (isNew[0]) {
            write(ownLine(EventTypes.APP_START, "version", ChatlogVersion.VERSION, "pid", String.valueOf(pid())));
        }
        Path liveFile = live;
        lastWords = () -> writeAfterStop(liveFile, settings, naming, retention);
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        ticker.shutdownNow();
        if (MasterLogRuns.detach(run, MasterLogRuns.reconfiguring(), lastWords)) {
            write(shutdownLine());
        }
        sink.close();
        compressor.close();
    }

    private LogEntry shutdownLine() {
        return ownLine(EventTypes.APP_SHUTDOWN, "uptime_ms", Long.toString(clock.millis() - run.startMillis));
    }

    /** The {@code app:shutdown} of a run a reconfiguration suspended and nothing resumed, written at exit. */
    private void writeAfterStop(Path live, FileSettings settings, TimestampArchiveNaming naming, ArchiveRetention retention) {
        ArchiveCompressor lastCompressor = new ArchiveCompressor(status);
        RollingFileSink lastSink = new RollingFileSink(live, settings, naming, retention, lastCompressor, this::rotatedLine,
                status, clock);
        try {
            lastSink.open();
            byte[] bytes = MasterLineFormat.format(shutdownLine()).getBytes(StandardCharsets.UTF_8);
            lastSink.write(bytes, 0, bytes.length);
        } catch (IOException | RuntimeException e) {
            status.error("could not write app:shutdown to " + live + ": " + e, e);
        } finally {
            lastSink.close();
            lastCompressor.close();
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            LogEntry entry = pipeline.entry(event, sessionKey);
            if (entry == null) {
                return;
            }
            LogEntry line = MasterEvents.select(entry, turnsOn, captureErrors,
                    entry.kind() == LogEntry.Kind.ERROR && LoggerFamily.of(entry.loggerName()) != LoggerFamily.OTHER);
            if (line != null) {
                write(line);
            }
        } catch (Throwable e) { // whatever it is, it stays here: the caller is the application's logging call
            status.error("could not write an event from logger " + event.getLoggerName() + ": " + e, e);
        }
    }

    /** Writes one entry; the single place where entries become bytes. */
    protected void write(LogEntry entry) {
        LineBytes line = LINES.get();
        line.clear();
        MasterLineFormat.appendLine(line, entry); // encoded once, straight into the reused buffer
        sink.write(line.array(), 0, line.length());
        if (line.capacity() > 64 * 1024) {
            LINES.remove(); // do not pin a huge buffer to the thread
        }
    }

    /** Per thread: the line's bytes, reused from call to call. */
    private static final ThreadLocal<LineBytes> LINES = ThreadLocal.withInitial(LineBytes::new);

    /** A line of the appender's own, its figures as key-values (text that looks like them would be escaped). */
    private LogEntry ownLine(String type, String... keysAndValues) {
        LogEntry.Builder b = LogEntry.builder().timestamp(clock.millis()).eventType(type).source(SOURCE);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.keyValue(keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    private byte[] rotatedLine(long oldSize, String archivePath, long rolloverMillis) {
        LogEntry entry = LogEntry.builder().timestamp(rolloverMillis).eventType(EventTypes.SYSTEM_LOG_ROTATED)
                .source("rotation")
                .keyValue("old_size_mb", String.format(Locale.ROOT, "%.2f", oldSize / (1024.0 * 1024.0)))
                .keyValue("archive", archivePath)
                .build();
        return MasterLineFormat.format(entry).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code CHATLOG_DIR} from the Logback context, system properties or environment; else {@value #DEFAULT_DIR}. */
    static String chatlogDirectory(ch.qos.logback.core.Context context) {
        String dir = EntryPipeline.setting(context, DIR_PROPERTY);
        return dir == null || dir.isBlank() ? DEFAULT_DIR : dir;
    }

    private static long pid() {
        try {
            return ProcessHandle.current().pid();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    // --- settings (JavaBean setters read by Joran) ---

    /** The live file; default {@code ${CHATLOG_DIR}/master.log} ({@code logs/master.log}). */
    public void setFile(String file) {
        this.file = file;
    }

    public String getFile() {
        return file;
    }

    /** Where archives go; default {@code archive/} beside the live file. */
    public void setArchiveDirectory(String archiveDirectory) {
        this.archiveDirectory = archiveDirectory;
    }

    /** Roll when the live file would pass this size; default {@value #DEFAULT_MAX_FILE_SIZE}; {@code 0} never rolls. */
    public void setMaxFileSize(String maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /** Delete the oldest archives while they take more than this; default none. */
    public void setTotalSizeCap(String totalSizeCap) {
        this.totalSizeCap = totalSizeCap;
    }

    /** Keep at most this many archives; default {@value #DEFAULT_MAX_ARCHIVES} (all). */
    public void setMaxArchives(int maxArchives) {
        this.maxArchives = maxArchives;
    }

    /** {@code gzip} (default) or {@code none}. */
    public void setCompression(String compression) {
        this.compression = compression;
    }

    /** Hand every line to the operating system before the logging call returns; default true. */
    public void setImmediateFlush(boolean immediateFlush) {
        this.immediateFlush = immediateFlush;
    }

    /** With {@code immediateFlush=false}, flush at least this often; default {@value #DEFAULT_FLUSH_INTERVAL}. */
    public void setFlushInterval(String flushInterval) {
        this.flushInterval = flushInterval;
    }

    /** {@code none} (default), {@code interval} or {@code every}: see {@link SyncMode}. */
    public void setSync(String sync) {
        this.sync = sync;
    }

    /** With {@code sync=interval}, how often the file is forced to disk; default {@value #DEFAULT_SYNC_INTERVAL}. */
    public void setSyncInterval(String syncInterval) {
        this.syncInterval = syncInterval;
    }

    /** Add a {@code conversation:turn} line per chat entry; default from {@code LOG_CONVERSATION_TURNS}, else false. */
    public void setLogTurns(boolean logTurns) {
        this.logTurns = logTurns;
    }

    /** Record WARN+ events with an exception from any logger; default true. */
    public void setCaptureErrors(boolean captureErrors) {
        this.captureErrors = captureErrors;
    }

    /** The MDC key holding the session id; default {@value EntryMapper#DEFAULT_SESSION_KEY}. */
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

    /** For tests: the clock that stamps rollovers and the appender's own lines. */
    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
