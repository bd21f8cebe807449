package io.github.chatlog.cli;

import io.github.chatlog.store.StoreConnections;
import io.github.chatlog.viewer.ViewerServer;
import io.github.chatlog.viewer.ViewerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chatlog serve}: the viewer, a web page and a JSON API over the logs (README: Viewer), until Ctrl-C. It prints
 * the address to open (with the token when one is needed) and nothing from the logs.
 */
@Command(name = "serve", description = "A web page and a JSON API over the logs, read-only: sessions, conversations, "
        + "search, statistics, live updates (Ctrl-C to stop).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    CliSupport.DirOption dir;
    @Spec
    CommandSpec spec;
    @Option(names = "--db", paramLabel = "URL",
            description = "read this store instead of the files: jdbc:sqlite:FILE, jdbc:postgresql://... or a SQLite file")
    String db;
    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ViewerSettings.DEFAULT_HOST,
            description = "the address to listen on (default ${DEFAULT-VALUE}); any other than loopback needs a token")
    String host;
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ViewerSettings.DEFAULT_PORT,
            description = "the port (default ${DEFAULT-VALUE}; 0 for any free one)")
    int port;
    @Option(names = "--token", paramLabel = "TOKEN",
            description = "the token every request must carry (default: none on loopback, else a generated one)")
    String token;
    @Option(names = "--allow-host", paramLabel = "NAME",
            description = "also answer requests for this host name (a reverse proxy's; repeatable)")
    List<String> allowHosts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String url = null;
        if (db != null) {
            url = db.startsWith("jdbc:") ? db : StoreConnections.PREFIX + db;
            Path file = StoreConnections.databaseFile(url);
            if (file != null && !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no database at " + file.toAbsolutePath());
            }
        }
        if (port < 0 || port > 65_535) {
            throw new CliSupport.UsageError("--port takes 0 to 65535, not " + port);
        }
        if (token != null && !token.matches(ViewerServer.TOKEN_PATTERN)) {
            throw new CliSupport.UsageError("--token takes 16 to 256 of A-Z a-z 0-9 . _ ~ -");
        }
        ViewerSettings settings = new ViewerSettings(url == null ? dir.existing() : dir.get(), url, dir.zone, host, port,
                token, allowHosts);
        ViewerServer server = ViewerServer.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chatlog-viewer-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("chatlog viewer: serving " + server.source());
        out.println("  open " + server.openUrl());
        if (server.tokenGenerated()) {
            out.println("  token " + server.token() + " (every request needs it: --token sets your own; programs send "
                    + "'Authorization: Bearer TOKEN')");
        }
        out.println("  Ctrl-C stops it");
        out.flush();
        new CountDownLatch(1).await(); // until the process is stopped
        return 0;
    }
}
