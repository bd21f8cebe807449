package io.github.chatlog.store;

import io.github.chatlog.file.FileModes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens SQLite connections through plain JDBC, so sqlite-jdbc stays an optional dependency: WAL, {@code synchronous=NORMAL}
 * and a busy timeout (the pragma names are sqlite-jdbc's connection properties). Writers begin their transactions with
 * {@code BEGIN IMMEDIATE}, taking the write lock up front rather than failing half-way.
 */
public final class StoreConnections {

    /** The JDBC URL prefix. */
    public static final String PREFIX = "jdbc:sqlite:";
    /** {@value} ms: how long a statement waits for another connection's lock. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 5_000;

    private StoreConnections() {
    }

    /** Whether the SQLite JDBC driver is on the classpath. */
    public static boolean driverPresent() {
        try {
            Class.forName("org.sqlite.JDBC");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
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

    /**
     * A connection that only reads: no schema applied, no journal mode set, nothing created. A SQLite database with no
     * {@code -wal} file has no writer attached; SQLite would still create {@code -wal} and {@code -shm} files to read
     * it, so it is opened as immutable, which creates nothing; with a writer attached those files exist and are shared.
     * Any other URL is opened through its JDBC driver and marked read-only.
     */
    public static Connection openReadOnly(String url) throws SQLException {
        Path file = databaseFile(url);
        if (file == null) {
            Connection c = DriverManager.getConnection(url);
            c.setReadOnly(true);
            return c;
        }
        if (!driverPresent()) {
            throw new SQLException("the SQLite JDBC driver is not on the classpath: add org.xerial:sqlite-jdbc");
        }
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no database at " + file);
        }
        Properties p = new Properties();
        p.setProperty("busy_timeout", Integer.toString(DEFAULT_BUSY_TIMEOUT_MS));
        boolean writerAttached = Files.exists(file.resolveSibling(file.getFileName() + "-wal"));
        p.setProperty("open_mode", Integer.toString(SQLITE_OPEN_READONLY | (writerAttached ? 0 : SQLITE_OPEN_URI)));
        String readUrl = writerAttached ? PREFIX + file
                : PREFIX + file.toAbsolutePath().toUri().toString().replace("file:///", "file:/") + "?immutable=1";
        return DriverManager.getConnection(readUrl, p);
    }

    private static final int SQLITE_OPEN_READONLY = 0x01;
    private static final int SQLITE_OPEN_URI = 0x40;

    /** Opens {@code url} (creating the database's folder) and applies the schema; what it creates is owner-only. */
    public static Connection open(String url, int busyTimeoutMs) throws SQLException {
        return open(url, busyTimeoutMs, FileModes.OWNER_ONLY);
    }

    /**
     * Opens {@code url} and applies the schema. A database file it creates, with its folder, gets {@code modes}; SQLite
     * gives its {@code -wal} and {@code -shm} files the database file's permissions.
     */
    public static Connection open(String url, int busyTimeoutMs, FileModes modes) throws SQLException {
        if (!driverPresent()) {
            throw new SQLException("the SQLite JDBC driver is not on the classpath: add org.xerial:sqlite-jdbc");
        }
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
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "NORMAL");
        p.setProperty("busy_timeout", Integer.toString(busyTimeoutMs));
        Connection c = DriverManager.getConnection(url, p);
        try {
            StoreSchema.apply(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
