package io.github.chatlog.viewer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every request passes before it is answered:
 * <ol>
 *   <li>its {@code Host} header names this server (a loopback name, the bound address, a name given with
 *       {@code --allow-host}) on its port, else 421: a page of another site that a DNS rebinding points at this
 *       address still carries that site's name, and is refused;</li>
 *   <li>it is a {@code GET} or {@code HEAD}, else 405: nothing is ever written through the viewer;</li>
 *   <li>when a token is set, it carries it, as {@code Authorization: Bearer}, a {@code X-Chatlog-Token} header, the
 *       cookie a first visit with {@code ?token=} set, or that query parameter, else 401.</li>
 * </ol>
 */
final class RequestGuard {

    /** The header a program may send the token in: {@value}. */
    static final String TOKEN_HEADER = "X-Chatlog-Token";

    /** A refusal, or a redirect that drops the token from the address once it is in a cookie. */
    record Verdict(int status, String message, String location, String cookie) {
    }

    private final Set<String> hosts;
    private final int port;
    private final byte[] token;
    private final String cookieName;

    RequestGuard(InetAddress bound, String bindHost, int port, String token, List<String> allowedHosts) {
        this.port = port;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.cookieName = "chatlog_token_" + port; // cookies are not kept per port: one per viewer
        TreeSet<String> names = new TreeSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        names.add(name(bindHost));
        names.add(literal(bound));
        if (bound.isAnyLocalAddress()) {
            names.addAll(localNames());
        }
        allowedHosts.forEach(h -> names.add(name(h)));
        this.hosts = Collections.unmodifiableSet(names);
    }

    /** Whether {@code address} is loopback, where a token is not required. */
    static boolean loopback(InetAddress address) {
        return address.isLoopbackAddress();
    }

    Set<String> hosts() {
        return hosts;
    }

    /** Null when the request may be answered; else how to answer instead. */
    Verdict check(HttpExchange ex, QueryString query, boolean page) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return new Verdict(400, "the request has no Host header", null, null);
        }
        if (!hostAllowed(host)) {
            return new Verdict(421, "this server does not answer for host '" + host + "' (--allow-host adds a name)",
                    null, null);
        }
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return new Verdict(405, "the viewer is read-only: " + method + " is not allowed", null, null);
        }
        if (token == null) {
            return null;
        }
        Headers h = ex.getRequestHeaders();
        String authorization = h.getFirst("Authorization");
        if (matches(authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null) || matches(h.getFirst(TOKEN_HEADER)) || matches(cookie(h))) {
            return null;
        }
        String given = query.first("token");
        if (matches(given)) {
            if (!page) {
                return null;
            }
            // a person's first visit: the token goes into a cookie and out of the address bar and history
            String rest = query.without("token");
            return new Verdict(303, "signed in", ex.getRequestURI().getRawPath() + (rest.isEmpty() ? "" : "?" + rest),
                    cookieName + "=" + new String(token, StandardCharsets.UTF_8) + "; Path=/; HttpOnly; SameSite=Strict");
        }
        return new Verdict(401, given == null ? "this viewer needs its token: open the address it printed, with ?token="
                : "wrong token", null, null);
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), token);
    }

    private String cookie(Headers h) {
        List<String> cookies = h.get("Cookie");
        if (cookies == null) {
            return null;
        }
        for (String header : cookies) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(cookieName)) {
                    return pair.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    /** {@code name[:port]} or {@code [v6][:port]}: the name must be one of ours and the port this server's. */
    boolean hostAllowed(String header) {
        String h = header.trim().toLowerCase(Locale.ROOT);
        String name;
        String portText = null;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(0, close + 1);
            String rest = h.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
                return false;
            }
            name = colon < 0 ? h : h.substring(0, colon);
            portText = colon < 0 ? null : h.substring(colon + 1);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        int given;
        try {
            given = portText == null ? 80 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return false;
        }
        return given == port && hosts.contains(name);
    }

    private static String name(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static String literal(InetAddress a) {
        if (a instanceof Inet6Address) {
            String s = a.getHostAddress();
            int scope = s.indexOf('%');
            return "[" + (scope < 0 ? s : s.substring(0, scope)) + "]";
        }
        return a.getHostAddress();
    }

    /** Bound to every address: every address of the machine, and its names. */
    private static Set<String> localNames() {
        TreeSet<String> out = new TreeSet<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    out.add(literal(a));
                }
            }
        } catch (SocketException e) {
            // the addresses cannot be listed: loopback names and --allow-host still work
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            out.add(local.getHostName().toLowerCase(Locale.ROOT));
            out.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            // no name: addresses only
        }
        return out;
    }
}
