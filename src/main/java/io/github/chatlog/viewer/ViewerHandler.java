package io.github.chatlog.viewer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Answers every request: the {@link RequestGuard} first, then the pages ({@code /}, {@code /sessions/{id}},
 * {@code /search}, {@code /stats}, {@code /live}), their {@link Assets}, and the API under {@code /api/}. Errors are
 * JSON with the status that says what went wrong. Every answer carries the security headers ({@link #SECURITY}).
 */
final class ViewerHandler implements HttpHandler {

    /**
     * The headers of every answer: scripts, styles and connections from this origin only, no inline script, no
     * framing, no sniffing of types, no referrer.
     */
    static final Map<String, String> SECURITY = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin");

    /** A session id segment of a path: one segment, percent-decoded strictly. */
    private static final Pattern SESSION_PATH = Pattern.compile("/sessions/([^/]+)");
    private static final Pattern API_SESSION_PATH = Pattern.compile("/api/sessions/([^/]+)");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** The longest session id the viewer looks up: {@value}. */
    static final int MAX_ID_LENGTH = 4096;

    private final ViewerData data;
    private final RequestGuard guard;
    private final Assets assets;
    private final ZoneId zone;
    private final LiveFeed feed;
    private final boolean tokenRequired;

    ViewerHandler(ViewerData data, RequestGuard guard, Assets assets, ZoneId zone, LiveFeed feed, boolean tokenRequired) {
        this.data = data;
        this.guard = guard;
        this.assets = assets;
        this.zone = zone;
        this.feed = feed;
        this.tokenRequired = tokenRequired;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getRawPath();
            QueryString query;
            ApiError badQuery = null;
            try {
                query = QueryString.parse(ex.getRequestURI().getRawQuery());
            } catch (ApiError e) {
                query = QueryString.parse(null);
                badQuery = e;
            }
            boolean page = !path.startsWith("/api/") && !path.startsWith("/assets/");
            RequestGuard.Verdict verdict = guard.check(ex, query, page);
            if (verdict != null) {
                refuse(ex, verdict);
                return;
            }
            if (badQuery != null) {
                throw badQuery;
            }
            route(ex, path, query);
        } catch (ApiError e) {
            error(ex, e.status, e.getMessage());
        } catch (IOException gone) {
            // the client went away
        } catch (Exception | LinkageError e) {
            error(ex, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            ex.close();
        }
    }

    /** An error as JSON, unless the answer had begun already (an export that failed half-way just ends). */
    private static void error(HttpExchange ex, int status, String message) {
        if (ex.getResponseCode() != -1) {
            return;
        }
        try {
            send(ex, status, "application/json", JsonViews.error(status, message));
        } catch (IOException gone) {
            // the client went away
        }
    }

    private void refuse(HttpExchange ex, RequestGuard.Verdict v) throws IOException {
        if (v.status() == 303) {
            ex.getResponseHeaders().set("Location", v.location());
            ex.getResponseHeaders().add("Set-Cookie", v.cookie());
            send(ex, 303, "application/json", JsonViews.error(303, v.message()));
            return;
        }
        if (v.status() == 405) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
        } else if (v.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"chatlog\"");
        }
        send(ex, v.status(), "application/json", JsonViews.error(v.status(), v.message()));
    }

    private void route(HttpExchange ex, String path, QueryString q) throws Exception {
        switch (path) {
            case "/" -> page(ex, "index.html", 200);
            case "/search" -> page(ex, "search.html", 200);
            case "/stats" -> page(ex, "stats.html", 200);
            case "/live" -> page(ex, "live.html", 200);
            case "/session" -> sessionPage(ex, q.first("id"));
            case "/api/info" -> json(ex, info());
            case "/api/sessions" -> json(ex, data.sessions(sessionQuery(q)));
            case "/api/search" -> json(ex, search(q));
            case "/api/stats" -> json(ex, data.stats());
            case "/api/export" -> export(ex, q);
            case "/api/events" -> EventStream.serve(ex, q, feed, data);
            default -> {
                var pageId = SESSION_PATH.matcher(path);
                var apiId = API_SESSION_PATH.matcher(path);
                if (pageId.matches()) {
                    sessionPage(ex, QueryString.decode(pageId.group(1), false));
                } else if (apiId.matches()) {
                    json(ex, data.conversation(sessionId(QueryString.decode(apiId.group(1), false)),
                            q.nonEmpty("conversation") == null ? null : (int) q.number("conversation", 1, 1, 1_000_000),
                            q.number("offset", 0, 0, Integer.MAX_VALUE), (int) q.number("limit", 200, 1, 1_000),
                            q.flag("last")));
                } else if (path.startsWith("/assets/") && assets.get(path.substring(8)) != null) {
                    Assets.Asset a = assets.get(path.substring(8));
                    ex.getResponseHeaders().set("Cache-Control", "no-cache");
                    send(ex, 200, a.contentType(), a.bytes());
                } else {
                    throw ApiError.notFound("nothing at " + path);
                }
            }
        }
    }

    /** A session id from a path or parameter: looked up among the conversations, never used as a path. */
    static String sessionId(String id) {
        if (id == null || id.isEmpty()) {
            throw ApiError.badRequest("a session id is needed");
        }
        if (id.indexOf('\0') >= 0) {
            throw ApiError.badRequest("a session id cannot hold a NUL character");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw ApiError.badRequest("a session id is at most " + MAX_ID_LENGTH + " characters");
        }
        return id;
    }

    private void sessionPage(HttpExchange ex, String id) throws Exception {
        page(ex, "session.html", data.hasSession(sessionId(id)) ? 200 : 404);
    }

    private void page(HttpExchange ex, String name, int status) throws IOException {
        Assets.Asset a = assets.get(name);
        send(ex, status, a.contentType(), a.bytes());
    }

    private ObjectNode info() {
        ObjectNode o = JsonViews.object();
        o.put("version", io.github.chatlog.ChatlogVersion.VERSION);
        o.put("source", data.kind());
        o.put("location", data.location());
        o.put("zone", zone.getId());
        o.put("token_required", tokenRequired);
        return o;
    }

    private ViewerData.SessionQuery sessionQuery(QueryString q) {
        return new ViewerData.SessionQuery(day(q, "from", false), day(q, "to", true), q.nonEmpty("model"),
                q.flag("errors"), q.flag("low_confidence"), q.nonEmpty("id"),
                (int) q.number("offset", 0, 0, Integer.MAX_VALUE), (int) q.number("limit", 50, 1, 500));
    }

    /** {@code 2025-10-29} (a day in the viewer's zone; {@code to} includes it) or an ISO instant; absent: no bound. */
    private long day(QueryString q, String name, boolean end) {
        String v = q.nonEmpty(name);
        if (v == null) {
            return end ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        try {
            if (DAY.matcher(v).matches()) {
                LocalDate d = LocalDate.parse(v);
                return (end ? d.plusDays(1) : d).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeException e) {
            throw ApiError.badRequest(name + " takes a day (2025-10-29) or an ISO-8601 time, not '" + v + "'");
        }
    }

    private ObjectNode search(QueryString q) throws Exception {
        String text = q.nonEmpty("q");
        if (text == null) {
            throw ApiError.badRequest("q, the text to find, is needed");
        }
        if (text.length() > 1_000) {
            throw ApiError.badRequest("q is at most 1000 characters");
        }
        return data.search(text, q.nonEmpty("role"), (int) q.number("limit", 50, 1, 500));
    }

    private void export(HttpExchange ex, QueryString q) throws Exception {
        String format = q.nonEmpty("format");
        String type = format == null ? null : switch (format) {
            case "jsonl" -> "application/x-ndjson; charset=utf-8";
            case "csv" -> "text/csv; charset=utf-8";
            case "md" -> "text/markdown; charset=utf-8";
            default -> null;
        };
        if (type == null) {
            throw ApiError.badRequest("format takes jsonl, csv or md" + (format == null ? "" : ", not '" + format + "'"));
        }
        String session = q.nonEmpty("session") == null ? null : sessionId(q.first("session"));
        Integer number = q.nonEmpty("conversation") == null ? null : (int) q.number("conversation", 1, 1, 1_000_000);
        if (session != null) {
            data.conversation(session, number, 0, 1, false); // an unknown session or conversation: before any byte is sent
        } else if (number != null) {
            throw ApiError.badRequest("conversation needs a session");
        }
        String safe = session == null ? "all" : session.replaceAll("[^A-Za-z0-9_-]", "_");
        String name = "chatlog-" + safe.substring(0, Math.min(48, safe.length())) + (number == null ? "" : "-" + number)
                + "." + format;
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Content-Disposition", "attachment; filename=\"" + name + "\"");
        h.set("Cache-Control", "no-store");
        SECURITY.forEach(h::set);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, 0);
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8),
                1 << 16)) {
            data.export(format, session, number, w);
        }
    }

    private static void json(HttpExchange ex, ObjectNode body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, "application/json", JsonViews.bytes(body));
    }

    /** Sends a whole answer with the security headers; a HEAD request gets the headers only. */
    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        SECURITY.forEach(h::set);
        if (!h.containsKey("Cache-Control")) {
            h.set("Cache-Control", "no-store");
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
