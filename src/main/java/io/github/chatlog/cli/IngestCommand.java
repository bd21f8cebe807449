package io.github.chatlog.cli;

import io.github.chatlog.logback.EventStoreAppender;
import io.github.chatlog.store.Ingest;
import io.github.chatlog.store.StoreConnections;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;

/** {@code chatlog ingest [--dir DIR] [--db FILE] [--zone ZONE]}: loads a log directory into the SQLite store. */
final class IngestCommand {

    private IngestCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(Demo.directory());
        Path db = null;
        ZoneId zone = ZoneId.systemDefault();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--dir" -> dir = Path.of(require(args[i], value));
                case "--db" -> db = Path.of(require(args[i], value));
                case "--zone" -> zone = ZoneId.of(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "' (ingest [--dir DIR] "
                        + "[--db FILE] [--zone ZONE])");
            }
            i++;
        }
        if (!Files.isDirectory(dir)) {
            err.println("chatlog: ingest: no log directory at " + dir.toAbsolutePath());
            return 1;
        }
        if (db == null) {
            db = dir.resolve(EventStoreAppender.DEFAULT_DB_NAME);
        }
        if (!StoreConnections.driverPresent()) {
            err.println("chatlog: ingest: the SQLite JDBC driver (org.xerial:sqlite-jdbc) is not on the classpath");
            return 1;
        }
        Ingest.Result r = new Ingest(dir, StoreConnections.PREFIX + db, zone, System.console() != null ? err : null).run();
        out.printf("ingested %s into %s: %d files read (%d unchanged), %d events added (%d already stored), "
                        + "%d conversation entries added (%d already stored)%n", dir, db, r.files(), r.filesSkipped(),
                r.events(), r.eventsAlreadyStored(), r.messages(), r.messagesAlreadyStored());
        return 0;
    }

    private static String require(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
