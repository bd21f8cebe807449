package io.github.chatlog.cli;

import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.StoredLog;
import io.github.chatlog.store.StoreConnections;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the reading commands share: the log directory option, {@code --since} durations, time display. */
final class CliSupport {

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*([smhdw])");
    static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private CliSupport() {
    }

    /**
     * The options every reading command shares: {@code --dir}, the log directory (default {@code CHATLOG_DIR}, else
     * {@code logs}), and {@code --zone}, the zone text transcripts were written in (default the one their appender
     * recorded, else the system's).
     */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", description = "log directory (default: $CHATLOG_DIR or logs)")
        Path dir;
        @Option(names = "--zone", paramLabel = "ZONE",
                description = "zone text transcripts were written in (default: the one recorded in chats/.layout, else the system's)")
        ZoneId zone;

        /** The zone text transcripts were written in: {@code --zone}, else the recorded one, else the system's. */
        ZoneId zone() {
            return zone != null ? zone : LogLayout.of(get(), null).zone();
        }

        /** The log directory as given; it may not exist. */
        Path get() {
            return dir != null ? dir : Path.of(defaultDirectory());
        }

        /** The log directory, which must exist: a reading command never reports an empty result for a mistyped path. */
        Path existing() {
            Path d = get();
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("no log directory at " + d.toAbsolutePath()
                        + (dir == null ? " (set --dir or CHATLOG_DIR)" : ""));
            }
            return d;
        }
    }

    /**
     * {@code --db}: read the store instead of the log directory's files, the same way whichever database it is on.
     * Where many instances write into one PostgreSQL database, it is the only place that holds them all.
     */
    static final class DbOption {
        @Option(names = "--db", paramLabel = "URL", description = "read the store instead of the files: "
                + "jdbc:postgresql://host/db?user=…, jdbc:sqlite:FILE or a SQLite file")
        String db;

        /** Whether the command reads the store. */
        boolean given() {
            return db != null;
        }

        /** The store, opened to read; the caller closes it. */
        StoredLog open() throws SQLException {
            String why = StoreConnections.unusable(StoreConnections.url(db));
            if (why != null) {
                throw new UsageError("--db: " + why);
            }
            return StoredLog.open(StoreConnections.url(db));
        }
    }

    /** What a search hit read from {@code --db} says it came from, the same on every database: {@value}. */
    static final String DATABASE_HIT = "database";

    /** A wrong command line found while running a command (a value picocli could not check): exit code 2. */
    static final class UsageError extends IllegalArgumentException {
        UsageError(String message) {
            super(message);
        }
    }

    static String defaultDirectory() {
        String dir = System.getProperty(LogLayout.DIR_PROPERTY);
        if (dir == null) {
            dir = System.getenv(LogLayout.DIR_PROPERTY);
        }
        return dir == null || dir.isBlank() ? LogLayout.DEFAULT_DIR : dir;
    }

    /** {@code 30m}, {@code 1h}, {@code 7d}, {@code 2w} before now; or an ISO-8601 instant. Null for null. */
    static Instant since(String text) {
        return since("--since", text);
    }

    /** {@link #since(String)} for the option named {@code option}, which error messages name. */
    static Instant since(String option, String text) {
        if (text == null) {
            return null;
        }
        Matcher m = AGO.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return Instant.now().minus(d);
        }
        try {
            return Instant.parse(text.trim());
        } catch (RuntimeException e) {
            throw new UsageError(option + " takes 30m, 1h, 7d, 2w or an ISO-8601 time, not '" + text + "'");
        }
    }

    static String time(long epochMillis) {
        return epochMillis < 0 ? "-" : LOCAL_TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
