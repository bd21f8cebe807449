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

/** {@code chatlog ingest [--dir DIR] [--db FILE] [--zone ZONE]}: loads a log directory into the SQLite store. */
@Command(name = "ingest", description = "Load master.log, its archives and the transcripts into SQLite (needs sqlite-jdbc).")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    CliSupport.DirOption dir;
    @Spec
    CommandSpec spec;
    @Option(names = "--db", paramLabel = "FILE", description = "the database (default: DIR/chatlog.db)")
    Path db;

    @Override
    public Integer call() throws Exception {
        Path directory = dir.get();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no log directory at " + directory.toAbsolutePath());
        }
        if (!StoreConnections.driverPresent()) {
            throw new IllegalStateException("the SQLite JDBC driver (org.xerial:sqlite-jdbc) is not on the classpath");
        }
        Path file = db != null ? db : directory.resolve(LogLayout.DATABASE);
        Ingest.Result r = new Ingest(directory, StoreConnections.PREFIX + file, dir.zone,
                System.console() != null ? System.err : null).run();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("ingested %s into %s: %d files read (%d unchanged), %d events added (%d already stored), "
                        + "%d conversation entries added (%d already stored)%n", directory, file, r.files(), r.filesSkipped(),
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
