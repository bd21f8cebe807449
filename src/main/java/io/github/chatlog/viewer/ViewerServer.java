package io.github.chatlog.viewer;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The viewer ({@code chatlog serve}): a web page for people and a JSON API for programs over a log directory or a
 * store, read-only, on the JDK's own HTTP server. Loopback by default; bound to any other address it asks every
 * request for a token ({@link ViewerSettings#token()}, or one it generates). Every request's {@code Host} header is
 * checked, only {@code GET} and {@code HEAD} are answered, and the pages put logged text into the document as text
 * under a Content-Security-Policy that allows no inline script.
 *
 * <pre>{@code
 * try (ViewerServer viewer = ViewerServer.start(ViewerSettings.files(Path.of("logs")))) {
 *     System.out.println("open " + viewer.openUrl());
 *     ...
 * }
 * }</pre>
 */
public final class ViewerServer implements AutoCloseable {

    /** What a token given with {@code --token} may be made of: {@value}. */
    public static final String TOKEN_PATTERN = "[A-Za-z0-9._~-]{16,256}";

    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ViewerData data;
    private final LiveFeed feed;
    private final URI url;
    private final String token;
    private final boolean tokenGenerated;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ViewerServer(HttpServer server, ExecutorService executor, ViewerData data, LiveFeed feed, URI url,
                         String token, boolean tokenGenerated) {
        this.server = server;
        this.executor = executor;
        this.data = data;
        this.feed = feed;
        this.url = url;
        this.token = token;
        this.tokenGenerated = tokenGenerated;
    }

    /**
     * Binds, starts following the logs for the live view, and serves until {@link #close()}.
     *
     * @throws IllegalArgumentException the directory is missing, or the token is malformed
     * @throws IOException              the address cannot be bound (in use, not this machine's)
     * @throws SQLException             the store cannot be read
     */
    public static ViewerServer start(ViewerSettings settings) throws IOException, SQLException {
        InetAddress address = InetAddress.getByName(settings.host());
        if (settings.token() != null && !Pattern.matches(TOKEN_PATTERN, settings.token())) {
            throw new IllegalArgumentException("a token is 16 to 256 of A-Z a-z 0-9 . _ ~ -");
        }
        boolean generated = settings.token() == null && !RequestGuard.loopback(address);
        String token = generated ? generateToken() : settings.token();
        ViewerData data;
        if (settings.storeUrl() != null) {
            data = new StoreData(settings.storeUrl(), settings.zone());
        } else {
            if (!Files.isDirectory(settings.directory())) {
                throw new IllegalArgumentException("no log directory at " + settings.directory().toAbsolutePath());
            }
            data = new FileData(settings.directory(), settings.zone());
        }
        // the JDK's server writes an answer's headers and body apart: with Nagle's algorithm on, the body waits for the
        // client's delayed ACK of the headers (40 ms on Linux) on every request. Read once, when the server first starts.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, settings.port()), 64);
        int port = server.getAddress().getPort();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "chatlog-viewer-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LiveFeed feed = new LiveFeed();
        try {
            data.startLive(feed);
            RequestGuard guard = new RequestGuard(address, settings.host(), port, token, settings.allowedHosts());
            server.createContext("/", new ViewerHandler(data, guard, new Assets(), settings.zone(), feed, token != null));
            server.setExecutor(executor);
            server.start();
        } catch (RuntimeException e) {
            feed.close();
            server.stop(0);
            executor.shutdownNow();
            throw e;
        }
        String shown = address.isAnyLocalAddress() ? localName() : address instanceof java.net.Inet6Address
                ? "[" + address.getHostAddress().replaceAll("%.*", "") + "]" : settings.host();
        return new ViewerServer(server, executor, data, feed, URI.create("http://" + shown + ":" + port + "/"), token,
                generated);
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String generateToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The address it serves, e.g. {@code http://127.0.0.1:8765/}. */
    public URI url() {
        return url;
    }

    /** The address to open in a browser: {@link #url()}, with {@code ?token=} when a token is needed. */
    public URI openUrl() {
        return token == null ? url : URI.create(url + "?token=" + token);
    }

    /** The port it listens on (the one the system chose when asked for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The token every request must carry, or null when none is needed. */
    public String token() {
        return token;
    }

    /** Whether the token was generated (not given): it must be shown to the person who started the viewer. */
    public boolean tokenGenerated() {
        return tokenGenerated;
    }

    /** {@code files} or {@code store}, and where: what the viewer reads. */
    public String source() {
        return data.kind() + " " + data.location();
    }

    /** Stops serving: open live streams end, the port is released. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        feed.close();
        server.stop(0);
        executor.shutdownNow();
        data.close();
    }
}
