package io.github.chatlog.store;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for the tests: {@code initdb} into a temporary directory, the server on a free loopback port with
 * its socket in that directory, one server per test JVM shared by the test classes (each takes its own database), and
 * stopped when the JVM exits. The binaries are Debian's ({@code /usr/lib/postgresql/<version>/bin}; {@code .ci/run}
 * installs the package) or the {@code initdb} on the {@code PATH}. As root, the server runs as the {@code postgres}
 * user (PostgreSQL refuses root) through {@code setpriv}, which needs no login session.
 *
 * <p>Without PostgreSQL, a test that asks for it fails in CI ({@code CI=true}) and is skipped elsewhere.
 */
public final class PostgresServer {

    /** The superuser the cluster is created with; trust authentication on loopback, so no password. */
    public static final String USER = "chatlog";

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dir;
    private final List<String> asServerUser;
    private final int port;

    private PostgresServer(Path bin, Path dir, List<String> asServerUser, int port) {
        this.bin = bin;
        this.dir = dir;
        this.asServerUser = asServerUser;
        this.port = port;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            Path bin = binaries();
            if (bin == null) {
                String why = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on the PATH): "
                        + "apt-get install postgresql, as .ci/run does";
                if ("true".equals(System.getenv("CI"))) {
                    throw new IllegalStateException(why);
                }
                Assumptions.abort(why);
            }
            try {
                shared = start(bin);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start PostgreSQL from " + bin + ": " + e.getMessage(), e);
            }
            PostgresServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "postgres-test-server-stop"));
        }
        return shared;
    }

    /** Whether PostgreSQL can be started here. */
    public static boolean installed() {
        return binaries() != null;
    }

    private static Path binaries() {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).forEach(found::add);
        } catch (IOException | RuntimeException none) {
            // not Debian's layout
        }
        found.sort(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
        if (!found.isEmpty()) {
            return found.get(found.size() - 1);
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "initdb"))) {
                return Path.of(p);
            }
        }
        return null;
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static PostgresServer start(Path bin) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> asServerUser = root ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups")
                : List.of();
        Path dir = Files.createTempDirectory("chatlog-postgres-");
        if (root) {
            // the server's user must own its directory; the directory stays closed to everyone else
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName("postgres"));
            view.setGroup(users.lookupPrincipalByGroupName("postgres"));
        }
        PostgresServer server = new PostgresServer(bin, dir, asServerUser, freePort());
        server.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"));
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the server (again, after {@link #stop}) on the same port and data; returns once it accepts connections. */
    public void start() throws IOException, InterruptedException {
        // fsync off: the tests stop the server cleanly (a fast shutdown writes everything), never the machine
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "120", "-o", "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start"));
    }

    /** Stops the server as an administrator's restart would ({@code pg_ctl stop -m fast}): sessions are cut off. */
    public void stop() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                "stop"));
    }

    /** A new, empty database; its JDBC URL. */
    public String newDatabase(String name) {
        String db = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + db + ": " + e.getMessage(), e);
        }
        return url(db);
    }

    /** The JDBC URL of {@code database} on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(asServerUser);
        full.addAll(command);
        Path output = Files.createTempFile("chatlog-postgres-command-", ".txt");
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + " did not finish");
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("server.log")) && Files.isReadable(dir.resolve("server.log"))
                        ? Files.readString(dir.resolve("server.log")) : "";
                throw new IOException(String.join(" ", full) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(output) + log);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Stops the server at once and deletes its directory: the JVM is exiting. */
    private void destroy() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // a temporary directory: the system cleans it up in the end
        }
    }
}
