package io.github.chatlog.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * The store's schema (SPEC §5), versioned so later releases can migrate: in SQLite with {@code PRAGMA user_version}, in
 * PostgreSQL in the table {@code schema_version}. {@code events} is exactly as the SPEC gives it (PostgreSQL adds
 * {@code instance} and {@code event_key}); {@code sessions} and {@code messages} hold the conversations, with a
 * full-text index on message content; {@code ingest_files} remembers how far ingest got in each file. The DDL of each
 * database is its dialect's.
 */
public final class StoreSchema {

    /** The schema version this code writes. */
    public static final int VERSION = 1;

    private StoreSchema() {
    }

    /**
     * Creates the schema of a new database, or checks that of an existing one; refuses a database written by a newer
     * version. Processes starting at once against one PostgreSQL database take turns.
     */
    public static void apply(Connection c) throws SQLException {
        StoreDialect dialect = StoreDialect.of(c.getMetaData().getURL());
        apply(c, dialect == null ? StoreDialect.SQLITE : dialect);
    }

    static void apply(Connection c, StoreDialect dialect) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            dialect.lockSchema(s);
            int version = dialect.schemaVersion(c);
            if (version > VERSION) {
                throw new SQLException("the database has schema version " + version + "; this logback-chatlog knows up "
                        + "to " + VERSION + ": upgrade logback-chatlog");
            }
            if (version < VERSION) {
                for (String ddl : dialect.ddl()) {
                    s.execute(ddl);
                }
                for (String ddl : dialect.optionalDdl()) {
                    optional(c, s, ddl);
                }
                dialect.recordSchemaVersion(s, VERSION);
            }
            for (StoreDialect.AddedIndex index : dialect.addedIndexes()) {
                if (!dialect.hasIndex(c, index.name())) {
                    optional(c, s, index.ddl());
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Runs a statement the store works without (only slower): where it is not permitted, the rest goes on. */
    private static void optional(Connection c, Statement s, String ddl) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            s.execute(ddl);
            c.releaseSavepoint(before);
        } catch (SQLException notPermitted) {
            c.rollback(before);
        }
    }

    /** The version the database records, read without changing anything; 0 for an empty database. */
    static int version(Connection c, StoreDialect dialect) throws SQLException {
        return dialect.schemaVersion(c);
    }
}
