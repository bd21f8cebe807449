package io.github.chatlog.viewer;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/**
 * What {@code chatlog serve} serves and where: the log directory (or a store), the address it binds to and the token
 * it asks for.
 *
 * @param directory    the log directory ({@code CHATLOG_DIR}); read when {@code storeUrl} is null
 * @param storeUrl     a store's JDBC URL ({@code jdbc:sqlite:…}, {@code jdbc:postgresql://…}); null to read the files
 * @param zone         the zone text transcripts were written in
 * @param host         the address to bind to, {@value #DEFAULT_HOST} by default
 * @param port         the port, {@value #DEFAULT_PORT} by default; 0 for any free port
 * @param token        the token every request must carry; null for none, which only a loopback address allows
 * @param allowedHosts further names the {@code Host} header may carry (a reverse proxy's, a DNS name of the machine)
 */
public record ViewerSettings(Path directory, String storeUrl, ZoneId zone, String host, int port, String token,
                             List<String> allowedHosts) {

    /** The address the viewer binds to unless told otherwise: {@value}, this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port the viewer listens on unless told otherwise: {@value}. */
    public static final int DEFAULT_PORT = 8765;

    public ViewerSettings {
        if (directory == null && storeUrl == null) {
            throw new IllegalArgumentException("a log directory or a store URL is needed");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port takes 0 to 65535, not " + port);
        }
        zone = zone == null ? ZoneId.systemDefault() : zone;
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the token must not be blank");
        }
    }

    /** The files of {@code directory} on the default address and port, no token. */
    public static ViewerSettings files(Path directory) {
        return new ViewerSettings(directory, null, null, DEFAULT_HOST, DEFAULT_PORT, null, List.of());
    }

    /** This, on another address and port. */
    public ViewerSettings bind(String host, int port) {
        return new ViewerSettings(directory, storeUrl, zone, host, port, token, allowedHosts);
    }

    /** This, asking every request for {@code token}. */
    public ViewerSettings withToken(String token) {
        return new ViewerSettings(directory, storeUrl, zone, host, port, token, allowedHosts);
    }

    /** This, reading the store at {@code url} instead of the files. */
    public ViewerSettings withStore(String url) {
        return new ViewerSettings(directory, url, zone, host, port, token, allowedHosts);
    }

    /** This, with the zone text transcripts were written in. */
    public ViewerSettings withZone(ZoneId zone) {
        return new ViewerSettings(directory, storeUrl, zone, host, port, token, allowedHosts);
    }

    /** This, also accepting {@code names} in the {@code Host} header. */
    public ViewerSettings allowHosts(List<String> names) {
        return new ViewerSettings(directory, storeUrl, zone, host, port, token, names);
    }
}
