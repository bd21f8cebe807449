package io.github.chatlog.store;

import io.github.chatlog.file.FileModes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens store connections through plain JDBC, so each driver stays an optional dependency: SQLite
 * ({@code jdbc:sqlite:FILE}, the embedded default: WAL, {@code synchronous=NORMAL}, a busy timeout) or PostgreSQL
 * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}, many instances into one database). What differs between
 * them is their dialect's business; this class names the URLs and opens them.
 */
public final class StoreConnections {

    /** The JDBC URL prefix of SQLite. */
    public static final String PREFIX = "jdbc:sqlite:";
    /** The JDBC URL prefix of PostgreSQL. */
    public static final String POSTGRES_PREFIX = "jdbc:postgresql:";
    /** {@value} ms: how long a statement waits for another connection's lock. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 5_000;

    private StoreConnections() {
    }

    /** Whether the SQLite JDBC driver is on the classpath. */
    public static boolean driverPresent() {
        return StoreDialect.SQLITE.driverPresent();
    }

    /** Whether {@code url} names a database the store runs on: {@code jdbc:sqlite:} or {@code jdbc:postgresql:}. */
    public static boolean supported(String url) {
        return StoreDialect.of(url) != null;
    }

    /**
     * Why {@code url} cannot be opened before trying: not a supported URL, or its driver is not on the classpath (the
     * message names the dependency to add); null when it can be tried.
     */
    public static String unusable(String url) {
        StoreDialect d = StoreDialect.of(url);
        if (d == null) {
            return "'" + display(url) + "' is not a jdbc:sqlite: or jdbc:postgresql: URL";
        }
        return d.driverPresent() ? null : "the " + d.displayName + " JDBC driver is not on the classpath: add the "
                + "dependency " + d.driverArtifact();
    }

    /**
     * The store named on a command line: a JDBC URL as it is, anything else a SQLite database file (so
     * {@code --db logs/chatlog.db} still works).
     */
    public static String url(String urlOrFile) {
        return urlOrFile.startsWith("jdbc:") ? urlOrFile : PREFIX + urlOrFile;
    }

    /** {@code url} fit for messages and status: a password in it is masked. */
    public static String display(String url) {
        return StoreDialect.display(url);
    }

    /** The database file a plain {@code jdbc:sqlite:} URL names; null for memory, {@code file:} URIs and other URLs. */
    public static Path databaseFile(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return null;
        }
        String file = url.substring(PREFIX.length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(file);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Opens {@code url} (creating a SQLite database's folder) and applies the schema; what it creates is owner-only. */
    public static Connection open(String url, int busyTimeoutMs) throws SQLException {
        return open(url, busyTimeoutMs, FileModes.OWNER_ONLY);
    }

    /**
     * Opens {@code url} and applies the schema. A SQLite database file it creates, with its folder, gets {@code modes};
     * SQLite gives its {@code -wal} and {@code -shm} files the database file's permissions.
     */
    public static Connection open(String url, int busyTimeoutMs, FileModes modes) throws SQLException {
        StoreDialect dialect = dialect(url);
        Path file = databaseFile(url);
        if (file != null) {
            try {
                Path db = file.toAbsolutePath();
                if (db.getParent() != null) {
                    modes.createDirectories(db.getParent());
                }
                if (!Files.exists(db)) {
                    modes.createFile(db); // before SQLite creates it with the umask's permissions
                }
            } catch (java.io.IOException | RuntimeException e) {
                throw new SQLException("cannot create the folder of " + file + ": " + e, e);
            }
        }
        Connection c = dialect.connect(url, busyTimeoutMs);
        try {
            StoreSchema.apply(c, dialect);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Opens {@code url} to read: nothing is created or changed, the schema is not applied. */
    static Connection openForReading(String url) throws SQLException {
        return dialect(url).connectForReading(url);
    }

    static StoreDialect dialect(String url) throws SQLException {
        String why = unusable(url);
        if (why != null) {
            throw new SQLException(why);
        }
        return StoreDialect.of(url);
    }

    /**
     * What the {@code instance} column says by default: this host and process, {@code host:pid}. The host name is
     * read without a DNS lookup (which can stall a starting application): {@code HOSTNAME}, then the kernel's.
     */
    public static String defaultInstance() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (java.io.IOException | RuntimeException e) {
                host = System.getenv("COMPUTERNAME"); // Windows
            }
        }
        return (host == null || host.isBlank() ? "localhost" : host.trim()) + ":" + ProcessHandle.current().pid();
    }
}
