package io.github.chatlog.viewer;

import io.github.chatlog.Await;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.ConversationExport;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.ChatStats;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.MasterLogReader;
import io.github.chatlog.read.SessionSummaryRow;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptSearch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API over a log directory written by the real appenders (three transcript formats, archives, an id with two
 * conversations, hostile text) and over the SQLite store the store appender wrote alongside: every answer is compared
 * with what the reading code the commands use gives for the same data.
 */
class ViewerApiTest {

    @TempDir
    static Path root;
    static Path dir;
    static Path store;
    static ViewerServer files;
    static ViewerServer db;
    static final ZoneId ZONE = ZoneId.systemDefault();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dir = root.resolve("logs");
        store = root.resolve("store").resolve("chatlog.db");
        ViewerLogs.write(dir, store);
        files = ViewerServer.start(ViewerSettings.files(dir).bind("127.0.0.1", 0));
        db = ViewerServer.start(ViewerSettings.files(dir).withStore("jdbc:sqlite:" + store).bind("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        if (files != null) {
            files.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static HttpResponse<String> request(ViewerServer server, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static JsonNode get(ViewerServer server, String pathAndQuery) throws Exception {
        HttpResponse<String> r = request(server, pathAndQuery);
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).isNull() ? null : n.get(field).asString()));
        return out;
    }

    @Test
    void theDirectoryHoldsEveryFormatAndArchives() throws Exception {
        try (Stream<Path> archives = Files.list(dir.resolve(LogLayout.ARCHIVE));
             Stream<Path> chats = Files.list(dir.resolve(LogLayout.CHATS))) {
            assertTrue(archives.count() > 0, "the master log rolled");
            List<String> heads = new ArrayList<>();
            for (Path p : chats.toList()) {
                heads.add(Files.readString(p, StandardCharsets.UTF_8));
            }
            assertTrue(heads.stream().anyMatch(h -> h.startsWith("Chat Log - Session started")), "text");
            assertTrue(heads.stream().anyMatch(h -> h.startsWith("{\"type\":\"message\"")), "jsonl");
            assertTrue(heads.stream().anyMatch(h -> h.startsWith("user: a question kept as plain lines")), "plain");
        }
        assertTrue(Files.size(store) > 0, "the store appender wrote the store");
    }

    @Test
    void sessionsAreTheReadersRowsNewestFirstPagedAndFiltered() throws Exception {
        List<SessionSummaryRow> rows = new ArrayList<>(new TranscriptDirectory(dir, ZONE).sessions(Long.MIN_VALUE));
        rows.sort(Comparator.comparingLong(SessionSummaryRow::started).reversed());
        List<String> expected = rows.stream().map(r -> r.sessionId() + "#" + r.conversation() + " turns=" + r.turns()
                + " tokens=" + r.tokens() + " errors=" + r.errors()).toList();
        List<String> served = new ArrayList<>();
        for (int offset = 0; offset < 100; offset += 3) {
            JsonNode page = get(files, "/api/sessions?limit=3&offset=" + offset);
            assertEquals(rows.size(), page.get("total").asInt());
            page.get("sessions").forEach(s -> served.add(s.get("session_id").asString() + "#" + s.get("conversation").asInt()
                    + " turns=" + s.get("turns").asInt() + " tokens=" + s.get("tokens").asLong() + " errors="
                    + s.get("errors").asInt()));
            if (page.get("sessions").size() < 3) {
                break;
            }
        }
        assertEquals(expected, served);
        assertEquals(8, served.size(), "weather, support, repeat twice, two hostile ids, json-1, plain-1");

        assertEquals(List.of("support"), texts(get(files, "/api/sessions?errors=1").get("sessions"), "session_id"));
        assertEquals(List.of("json-1"), texts(get(files, "/api/sessions?model=gpt-4o-mini").get("sessions"), "session_id"));
        assertEquals(List.of("weather"), texts(get(files, "/api/sessions?low_confidence=1").get("sessions"), "session_id"));
        JsonNode repeat = get(files, "/api/sessions?id=repe");
        assertEquals(List.of("repeat", "repeat"), texts(repeat.get("sessions"), "session_id"));
        assertEquals(2, repeat.get("sessions").get(0).get("conversation").asInt(), "the newer conversation first");
        String day2 = java.time.Instant.ofEpochMilli(ViewerLogs.T0 + 2 * ViewerLogs.DAY).atZone(ZONE).toLocalDate().toString();
        JsonNode oneDay = get(files, "/api/sessions?from=" + day2 + "&to=" + day2);
        assertEquals(List.of("repeat"), texts(oneDay.get("sessions"), "session_id"));
        assertEquals(2, oneDay.get("sessions").get(0).get("conversation").asInt());
        JsonNode weather = get(files, "/api/sessions?low_confidence=1").get("sessions").get(0);
        assertEquals("llama3.2", weather.get("models").get(0).asString());
        assertEquals(1, weather.get("low_confidence").asInt());

        HttpResponse<String> bad = request(files, "/api/sessions?from=yesterday");
        assertEquals(400, bad.statusCode());
        assertTrue(JSON.readTree(bad.body()).get("error").asString().contains("from"), bad.body());
        assertEquals(400, request(files, "/api/sessions?limit=0").statusCode());
    }

    @Test
    void aConversationIsItsTranscriptPagedAndRepeatedIdsAreSelectable() throws Exception {
        TranscriptDirectory reader = new TranscriptDirectory(dir, ZONE);
        List<LogEntry> weather = reader.transcript("weather").entries();
        JsonNode c = get(files, "/api/sessions/weather");
        assertEquals(weather.size(), c.get("total").asInt());
        assertEquals(weather.stream().map(LogEntry::message).toList(), texts(c.get("entries"), "content"));
        JsonNode tool = c.get("entries").get(1);
        assertEquals("tool_call", tool.get("type").asString());
        assertEquals("weather_forecast", tool.get("tool").asString());
        assertEquals("{\"city\":\"Lisbon\",\"day\":\"tomorrow\"}", tool.get("args").asString());
        JsonNode reply = c.get("entries").get(2);
        assertEquals("llama3.2", reply.get("metadata").get("model").asString());
        assertEquals("850", reply.get("metadata").get("latency_ms").asString());
        JsonNode support = get(files, "/api/sessions/support").get("entries");
        JsonNode error = support.get(2);
        assertEquals("error", error.get("type").asString());
        assertEquals("IllegalStateException", error.get("error").get("type").asString());
        assertEquals("openai: 429 Too Many Requests", error.get("error").get("message").asString());
        assertEquals("the user reported a hardware fault twice", support.get(4).get("rationale").asString());

        JsonNode newest = get(files, "/api/sessions/repeat");
        assertEquals(2, newest.get("conversations").size());
        assertEquals(2, newest.get("conversation").asInt());
        assertEquals("second visit question", newest.get("entries").get(0).get("content").asString());
        assertEquals("first visit answer", get(files, "/api/sessions/repeat?conversation=1").get("entries").get(1)
                .get("content").asString());
        assertEquals(400, request(files, "/api/sessions/repeat?conversation=3").statusCode());

        JsonNode page = get(files, "/api/sessions/weather?offset=2&limit=2");
        assertEquals(List.of(2, 3), List.of(page.get("entries").get(0).get("index").asInt(),
                page.get("entries").get(1).get("index").asInt()));
        JsonNode last = get(files, "/api/sessions/weather?last=1&limit=1");
        assertEquals(weather.get(weather.size() - 1).message(), last.get("entries").get(0).get("content").asString());
        assertEquals(weather.size() - 1, last.get("offset").asInt());

        HttpResponse<String> missing = request(files, "/api/sessions/nobody");
        assertEquals(404, missing.statusCode());
        assertEquals(404, JSON.readTree(missing.body()).get("status").asInt());
    }

    @Test
    void idsThatLookLikeMarkupOrPathsAreLookedUpNeverOpened() throws Exception {
        JsonNode hostile = get(files, "/api/sessions/" + enc(ViewerLogs.HOSTILE_ID));
        assertEquals(ViewerLogs.HOSTILE_ID, hostile.get("session_id").asString());
        assertEquals(ViewerLogs.HOSTILE_CONTENT, hostile.get("entries").get(0).get("content").asString());
        assertEquals(ViewerLogs.HOSTILE_ROLE.toLowerCase(java.util.Locale.ROOT), hostile.get("entries").get(1).get("role")
                .asString(), "roles are kept in lower case");
        assertEquals(ViewerLogs.HOSTILE_MODEL, hostile.get("entries").get(2).get("metadata").get("model").asString());
        JsonNode path = get(files, "/api/sessions/" + enc(ViewerLogs.PATH_ID));
        assertEquals(List.of("a session whose id looks like a path"), texts(path.get("entries"), "content"));
        assertEquals(404, request(files, "/api/sessions/" + enc("../master.log")).statusCode());
        assertEquals(200, request(files, "/sessions/" + enc(ViewerLogs.PATH_ID)).statusCode());
    }

    @Test
    void searchIsTheCommandsSearchWithWhereEachHitMatches() throws Exception {
        List<TranscriptSearch.Hit> expected = TranscriptSearch.files(new TranscriptDirectory(dir, ZONE), "visit", null,
                Long.MIN_VALUE, 50);
        JsonNode result = get(files, "/api/search?q=VISIT");
        assertEquals(expected.stream().map(TranscriptSearch.Hit::text).toList(), texts(result.get("hits"), "text"));
        assertEquals(4, expected.size());
        for (JsonNode hit : result.get("hits")) {
            String text = hit.get("text").asString();
            JsonNode m = hit.get("matches").get(0);
            assertEquals("visit", text.substring(m.get(0).asInt(), m.get(1).asInt()));
            JsonNode conversation = get(files, "/api/sessions/" + enc(hit.get("session_id").asString()) + "?conversation="
                    + hit.get("conversation").asInt() + "&offset=" + hit.get("index").asInt() + "&limit=1");
            assertEquals(text, conversation.get("entries").get(0).get("content").asString(), "the hit's place");
        }
        assertEquals(List.of("user", "user"), texts(get(files, "/api/search?q=visit&role=user").get("hits"), "role"));
        JsonNode tool = get(files, "/api/search?q=sky").get("hits").get(0);
        assertEquals(EntryText.of(new TranscriptDirectory(dir, ZONE).transcript("weather").entries().get(1)),
                tool.get("text").asString());
        assertTrue(get(files, "/api/search?q=visit&limit=1").get("more").asBoolean());
        assertEquals(400, request(files, "/api/search").statusCode());
        assertEquals(400, request(files, "/api/search?q=x&limit=abc").statusCode());
    }

    @Test
    void statisticsAreChatStatsOverTheTranscripts() throws Exception {
        ChatStats expected = new ChatStats(null);
        new TranscriptDirectory(dir, ZONE).forEach(t -> expected.addSession(t.entries()));
        JsonNode stats = get(files, "/api/stats");
        JsonNode total = stats.get("total");
        assertEquals(expected.total().sessions, total.get("sessions").asInt());
        assertEquals(expected.total().entries(), total.get("entries").asInt());
        assertEquals(expected.total().errors, total.get("errors").asInt());
        assertEquals(expected.total().latencyPercentile(95), total.get("latency_ms_p95").asLong());
        assertEquals(expected.total().tokensOut, total.get("tokens_out").asLong());
        assertEquals(expected.total().lowConfidence, total.get("low_confidence").asInt());
        assertEquals(ChatStats.masterLogErrors(MasterLogReader.of(dir.resolve("master.log")), null),
                stats.get("master_log_errors").asLong());
        assertEquals("day", stats.get("bucket").asString(), "five days of data");
        assertEquals(6, stats.get("over_time").size(), "a point for every day, empty ones included");
        int entries = 0;
        for (JsonNode p : stats.get("over_time")) {
            entries += p.get("entries").asInt();
        }
        assertEquals(expected.total().entries(), entries);
        assertTrue(texts(stats.get("top_tools"), "tool").contains("weather_forecast"), stats.get("top_tools")::toString);
        Set<String> models = new TreeSet<>(texts(stats.get("models"), "model"));
        assertEquals(new TreeSet<>(List.of("llama3.2", "phi3-mini.gguf", "gpt-4o-mini", ViewerLogs.HOSTILE_MODEL)), models);
    }

    @Test
    void exportsAreTheCommandsExports() throws Exception {
        for (String format : List.of("jsonl", "csv", "md")) {
            StringWriter expected = new StringWriter();
            ConversationExport.export(format, new TranscriptDirectory(dir, ZONE), t -> true, null, 0, e -> true, expected);
            HttpResponse<String> r = request(files, "/api/export?format=" + format);
            assertEquals(200, r.statusCode());
            assertEquals(expected.toString(), r.body(), format);
            assertEquals("attachment; filename=\"chatlog-all." + format + "\"",
                    r.headers().firstValue("Content-Disposition").orElse(""));
        }
        Path first = new TranscriptDirectory(dir, ZONE).conversations("repeat").get(0).file();
        StringWriter one = new StringWriter();
        ConversationExport.export("csv", new TranscriptDirectory(dir, ZONE), t -> t.file().equals(first), null, 0,
                e -> true, one);
        HttpResponse<String> r = request(files, "/api/export?format=csv&session=repeat&conversation=1");
        assertEquals(one.toString(), r.body());
        assertTrue(r.body().contains("first visit answer") && !r.body().contains("second visit"), r.body());
        assertEquals(400, request(files, "/api/export?format=xml").statusCode());
        assertEquals(404, request(files, "/api/export?format=md&session=nobody").statusCode());
    }

    @Test
    void theStoreServesTheSameConversations() throws Exception {
        Set<String> fileIds = new TreeSet<>(texts(get(files, "/api/sessions?limit=500").get("sessions"), "session_id"));
        JsonNode sessions = get(db, "/api/sessions?limit=500");
        assertEquals(fileIds, new TreeSet<>(texts(sessions.get("sessions"), "session_id")), "one session per id");
        assertEquals(List.of("support"), texts(get(db, "/api/sessions?errors=1").get("sessions"), "session_id"));
        assertEquals(List.of("weather"), texts(get(db, "/api/sessions?low_confidence=1").get("sessions"), "session_id"));
        assertEquals(List.of("json-1"), texts(get(db, "/api/sessions?model=gpt-4o-mini").get("sessions"), "session_id"));

        JsonNode repeat = get(db, "/api/sessions/repeat");
        assertEquals(List.of("first visit question", "first visit answer", "second visit question", "second visit answer"),
                texts(repeat.get("entries"), "content"));
        JsonNode weather = get(db, "/api/sessions/weather").get("entries");
        assertEquals("weather_forecast", weather.get(1).get("tool").asString());
        assertEquals("", weather.get(1).get("content").asString(), "a tool call's body is its tool, args and result");
        assertEquals("0.38", weather.get(4).get("metadata").get("confidence").asString());
        assertEquals(ViewerLogs.HOSTILE_CONTENT, get(db, "/api/sessions/" + enc(ViewerLogs.HOSTILE_ID)).get("entries")
                .get(0).get("content").asString());

        List<TranscriptSearch.Hit> expected = TranscriptSearch.database(store, "visit", null, Long.MIN_VALUE, 50);
        assertEquals(expected.stream().map(TranscriptSearch.Hit::text).toList(),
                texts(get(db, "/api/search?q=visit").get("hits"), "text"));
        JsonNode stats = get(db, "/api/stats");
        assertEquals(fileIds.size(), stats.get("total").get("sessions").asInt());
        assertEquals("store", stats.get("source").asString());
        assertTrue(request(db, "/api/export?format=jsonl&session=repeat").body().contains("second visit answer"));
        assertEquals(404, request(db, "/api/sessions/nobody").statusCode());
    }

    @Test
    void liveEventsCarryNewMasterLogLinesAndEntries(@TempDir Path own) throws Exception {
        Path logs = own.resolve("logs");
        Path liveStore = own.resolve("live.db");
        try (LogbackFixture f = LogbackFixture.fromXml(ViewerLogs.configuration("text", liveStore), logs)) {
            new ViewerLogs.Log(f).chat(ViewerLogs.T0, "live-1", "before the viewer started", "role", "user");
        }
        try (LogbackFixture f = LogbackFixture.fromXml(ViewerLogs.configuration("text", liveStore), logs);
             ViewerServer viewer = ViewerServer.start(ViewerSettings.files(logs).bind("127.0.0.1", 0));
             ViewerServer storeViewer = ViewerServer.start(ViewerSettings.files(logs).withStore("jdbc:sqlite:" + liveStore)
                     .bind("127.0.0.1", 0))) {
            List<String> fromFiles = stream(viewer);
            List<String> fromStore = stream(storeViewer);
            Await.until("both streams are open", () -> fromFiles.contains("event: ready")
                    && fromStore.contains("event: ready"));
            MDC.put("session_id", "live-1");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("model", "m1")
                        .log("logged while the viewer watched");
                f.logger("event.llm").atInfo().addKeyValue("model", "m1").log("llm:response");
            } finally {
                MDC.clear();
            }
            for (List<String> lines : List.of(fromFiles, fromStore)) {
                Await.until("the entry arrives", () -> lines.stream().anyMatch(l -> l.startsWith("data: ")
                        && l.contains("\"content\":\"logged while the viewer watched\"") && l.contains("\"index\":1")));
                Await.until("the master-log line arrives", () -> lines.stream().anyMatch(l -> l.startsWith("data: ")
                        && l.contains("\"event_type\":\"llm:response\"") && l.contains("\"session_id\":\"live-1\"")));
                assertFalse(lines.stream().anyMatch(l -> l.contains("before the viewer started")), "only what is new");
            }
            List<String> withBacklog = stream(viewer, "?backlog=5");
            Await.until("the backlog", () -> withBacklog.contains("event: ready"));
            assertTrue(withBacklog.stream().anyMatch(l -> l.contains("\"event_type\":\"llm:response\"")),
                    withBacklog::toString);
        }
    }

    /** The lines of an {@code /api/events} stream, read on a thread of their own as they arrive. */
    static List<String> stream(ViewerServer server) throws Exception {
        return stream(server, "");
    }

    static List<String> stream(ViewerServer server, String query) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/events" + query)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException closed) {
                // the server stopped
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
