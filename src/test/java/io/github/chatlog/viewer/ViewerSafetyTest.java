package io.github.chatlog.viewer;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the viewer refuses, sent as raw HTTP so that nothing in between normalises it: a foreign {@code Host} (DNS
 * rebinding), a missing or wrong token off loopback, ids and paths that try to leave the data ({@code ..}, encoded
 * slashes, NUL, malformed escapes), any method but GET and HEAD. And what every answer carries: a
 * Content-Security-Policy with no inline script, no framing, no type sniffing.
 */
class ViewerSafetyTest {

    @TempDir
    static Path root;
    static ViewerServer loopback;
    static ViewerServer everywhere;

    @BeforeAll
    static void start() throws Exception {
        Path dir = root.resolve("logs");
        try (LogbackFixture f = LogbackFixture.fromXml(ViewerLogs.configuration("text", root.resolve("store.db")), dir)) {
            new ViewerLogs.Log(f).chat(ViewerLogs.T0, "s1", "hello", "role", "user");
        }
        loopback = ViewerServer.start(ViewerSettings.files(dir).bind("127.0.0.1", 0));
        everywhere = ViewerServer.start(ViewerSettings.files(dir).bind("0.0.0.0", 0));
    }

    @AfterAll
    static void stop() {
        if (loopback != null) {
            loopback.close();
        }
        if (everywhere != null) {
            everywhere.close();
        }
    }

    /** One answer as it came off the socket. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code head} (request line and headers, without the final blank line) exactly as written. */
    static Reply raw(int port, String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
            Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}).*").matcher(lines[0]);
            assertTrue(status.matches(), text);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(status.group(1)), headers, end < 0 ? "" : text.substring(end + 4));
        }
    }

    static Reply get(ViewerServer server, String path, String... headers) throws IOException {
        return raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + (headers.length == 0 ? "" : "\r\n" + String.join("\r\n", headers)));
    }

    @Test
    void aForeignHostIsRefusedWhateverIsAsked() throws IOException {
        int port = loopback.port();
        for (String path : List.of("/", "/api/sessions", "/api/sessions/s1", "/assets/common.js", "/api/events",
                "/api/export?format=jsonl")) {
            for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port,
                    "127.0.0.1:" + (port + 1), "localhost:" + port + "@evil.example")) {
                Reply r = raw(port, "GET " + path + " HTTP/1.1\r\nHost: " + host);
                assertEquals(421, r.status(), path + " for " + host);
                assertTrue(r.body().contains("\"status\":421"), r.body());
                assertFalse(r.body().contains("hello"), "nothing from the logs");
            }
        }
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
            assertEquals(200, raw(port, "GET /api/sessions HTTP/1.1\r\nHost: " + host).status(), host);
        }
        assertEquals(400, raw(port, "GET /api/sessions HTTP/1.0").status(), "no Host header at all");
    }

    @Test
    void nothingButGetAndHeadIsAnswered() throws IOException {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
            for (String path : List.of("/", "/api/sessions", "/api/sessions/s1", "/api/export?format=csv")) {
                Reply r = raw(loopback.port(), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + loopback.port()
                        + "\r\nContent-Length: 0");
                assertEquals(405, r.status(), method + " " + path);
                assertEquals("GET, HEAD", r.header("Allow"));
            }
        }
        Reply head = raw(loopback.port(), "HEAD /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:" + loopback.port());
        assertEquals(200, head.status());
        assertEquals("", head.body());
    }

    @Test
    void offLoopbackEveryRequestNeedsTheToken() throws IOException {
        assertTrue(everywhere.tokenGenerated(), "bound to every address without --token: one is generated");
        String token = everywhere.token();
        assertNotNull(token);
        assertTrue(token.matches(ViewerServer.TOKEN_PATTERN) && token.length() >= 32, token);
        assertTrue(everywhere.openUrl().toString().endsWith("/?token=" + token));
        for (String path : List.of("/", "/api/sessions", "/api/sessions/s1", "/assets/common.js", "/api/events")) {
            Reply r = get(everywhere, path);
            assertEquals(401, r.status(), path);
            assertFalse(r.body().contains("hello"));
        }
        assertEquals(401, get(everywhere, "/api/sessions", "Authorization: Bearer wrong-token-wrong-token").status());
        assertEquals(401, get(everywhere, "/api/sessions?token=" + token + "x").status());
        assertEquals(401, get(everywhere, "/api/sessions", "Cookie: chatlog_token_" + everywhere.port() + "=nope").status());

        assertEquals(200, get(everywhere, "/api/sessions", "Authorization: Bearer " + token).status());
        assertEquals(200, get(everywhere, "/api/sessions", RequestGuard.TOKEN_HEADER + ": " + token).status());
        assertEquals(200, get(everywhere, "/api/sessions?token=" + token).status(), "a program may pass it in the query");

        Reply first = get(everywhere, "/search?q=hello&token=" + token);
        assertEquals(303, first.status(), "a person's first visit moves the token into a cookie");
        assertEquals("/search?q=hello", first.header("Location"));
        String cookie = first.header("Set-Cookie");
        assertEquals("chatlog_token_" + everywhere.port() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict", cookie);
        Reply withCookie = get(everywhere, "/api/sessions", "Cookie: other=1; " + cookie.substring(0, cookie.indexOf(';')));
        assertEquals(200, withCookie.status());
        assertTrue(withCookie.body().contains("\"session_id\":\"s1\""));

        assertEquals(421, raw(everywhere.port(), "GET /api/sessions HTTP/1.1\r\nHost: evil.example:" + everywhere.port()
                + "\r\nAuthorization: Bearer " + token).status(), "the token does not excuse a foreign host");
        assertFalse(loopback.tokenGenerated());
        assertEquals(null, loopback.token(), "loopback needs no token");
    }

    @Test
    void idsAndPathsThatTryToLeaveTheDataAreRefused() throws IOException {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("/api/sessions/..%2F..%2Fetc%2Fpasswd", 404);
        expected.put("/api/sessions/%2e%2e%2f%2e%2e%2fmaster.log", 404);
        expected.put("/api/sessions/..%5C..%5Cmaster.log", 404);
        expected.put("/api/sessions/../../etc/passwd", 404);
        expected.put("/api/sessions/s1%2F..%2F..%2Fmaster.log", 404);
        expected.put("/api/sessions/s1%00", 400);
        expected.put("/api/sessions/%00", 400);
        expected.put("/sessions/s1%00.log", 400);
        expected.put("/api/export?format=jsonl&session=s1%00", 400);
        expected.put("/api/sessions/%c0%ae%c0%ae%c0%af", 400);
        expected.put("/sessions/..%2F..%2Fmaster.log", 404);
        expected.put("/session?id=..", 404);
        expected.put("/assets/..%2F..%2F..%2Fetc%2Fpasswd", 404);
        expected.put("/assets/../../pom.xml", 404);
        expected.put("/assets/%2e%2e/viewer.css", 404);
        expected.put("/api/sessions?limit=-1", 400);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Reply r = get(loopback, e.getKey());
            assertEquals((int) e.getValue(), r.status(), e.getKey() + ": " + r.body());
            if ((e.getKey().startsWith("/sessions/") || e.getKey().startsWith("/session?")) && e.getValue() == 404) {
                // a page of an unknown session: the page, which says so from the API's 404
                assertTrue(r.body().startsWith("<!doctype html>"), r.body());
            } else {
                assertEquals("application/json", r.header("Content-Type"), e.getKey());
                assertTrue(r.body().startsWith("{\"error\":"), r.body());
            }
            assertFalse(r.body().contains("root:") || r.body().contains("|app:start|") || r.body().contains("<project"),
                    "no file's content: " + r.body());
        }
        // a malformed escape is not even a URI: the JDK's server refuses it with a fixed text, echoing nothing
        Reply malformed = get(loopback, "/api/sessions/%zz<script>x</script>");
        assertEquals(400, malformed.status());
        assertFalse(malformed.body().contains("<script>"), malformed.body());
        assertEquals(200, get(loopback, "/api/sessions/s1").status(), "the real id is found");
    }

    @Test
    void everyAnswerCarriesThePolicyAndThePagesHoldNoInlineScript() throws IOException {
        for (String path : List.of("/", "/sessions/s1", "/search?q=x", "/stats", "/live", "/api/sessions",
                "/assets/common.js", "/nothing-here", "/api/sessions/nobody")) {
            Reply r = get(loopback, path);
            String csp = r.header("Content-Security-Policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'")
                    && csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), csp);
            assertFalse(csp.contains("unsafe"), csp);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
            assertEquals("DENY", r.header("X-Frame-Options"), path);
        }
        Pattern inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|javascript:|style=",
                Pattern.CASE_INSENSITIVE);
        for (String page : List.of("/", "/sessions/s1", "/search", "/stats", "/live")) {
            String html = get(loopback, page).body();
            assertTrue(html.startsWith("<!doctype html>"), page);
            assertFalse(inline.matcher(html).find(), page + " holds inline script or style");
            assertFalse(html.contains("http://") || html.contains("https://"), page + " loads nothing from elsewhere");
        }
        for (String script : List.of("common.js", "sessions.js", "conversation.js", "search.js", "stats.js", "charts.js",
                "live.js")) {
            String js = get(loopback, "/assets/" + script).body();
            assertFalse(js.contains("innerHTML") || js.contains("outerHTML") || js.contains("insertAdjacentHTML")
                    || js.contains("document.write") || js.contains("eval("), script + " parses markup");
        }
        assertEquals(404, get(loopback, "/sessions/nobody").status(), "an unknown session's page");
    }
}
