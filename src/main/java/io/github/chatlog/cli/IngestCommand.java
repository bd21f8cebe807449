package io.github.chatlog.cli;

import io.github.chatlog.file.LogLayout;
import io.github.chatlog.store.Ingest;
import io.github.chatlog.store.StoreConnections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code chatlog ingest [--dir DIR] [--db URL|FILE] [--zone ZONE]}: loads a log directory into the store, SQLite (the
 * default, {@code DIR/chatlog.db}) or PostgreSQL, where the directories of many instances meet.
 */
@Command(name = "ingest", description = "Load master.log, its archives and the transcripts into the store: SQLite "
        + "(needs sqlite-jdbc) or PostgreSQL (needs the postgresql driver).")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    CliSupport.DirOption dir;
    @Spec
    CommandSpec spec;
    @Option(names = "--db", paramLabel = "URL", description = "the database: jdbc:postgresql://host/db?user=…, "
            + "jdbc:sqlite:FILE or a SQLite file (default: DIR/chatlog.db)")
    String db;

    @Override
    public Integer call() throws Exception {
        Path directory = dir.get();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no log directory at " + directory.toAbsolutePath());
        }
        String url = StoreConnections.url(db != null ? db : directory.resolve(LogLayout.DATABASE).toString());
        String why = StoreConnections.unusable(url);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Ingest.Result r = new Ingest(directory, url, dir.zone, System.console() != null ? System.err : null).run();
        PrintWriter out = spec.commandLine().getOut();
        Path file = StoreConnections.databaseFile(url);
        out.printf("ingested %s into %s: %d files read (%d unchanged), %d events added (%d already stored), "
                        + "%d conversation entries added (%d already stored)%n", directory,
                file != null ? file : StoreConnections.display(url), r.files(), r.filesSkipped(),
                r.events(), r.eventsAlreadyStored(), r.messages(), r.messagesAlreadyStored());
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (String d : r.damaged()) {
            // file names are not always ours: no control character reaches the terminal
            err.println("ingest: damaged file " + d.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?")
                    + "; what came before the damage was loaded");
        }
        err.flush();
        return 0;
    }
}
