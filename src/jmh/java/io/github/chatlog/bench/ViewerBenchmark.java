package io.github.chatlog.bench;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.TextTranscriptFormat;
import io.github.chatlog.store.EventStore;
import io.github.chatlog.store.StoreConnections;
import io.github.chatlog.store.StoreRecord;
import io.github.chatlog.viewer.ViewerServer;
import io.github.chatlog.viewer.ViewerSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The viewer's API end to end, over HTTP on loopback as a browser asks it: the first page of {@code GET /api/sessions}
 * over {@value #SESSIONS} sessions in a SQLite store, and the first page of {@code GET /api/sessions/{id}} of a
 * conversation of {@value #ENTRIES} entries in a text transcript. Sampled, so the report reads the p95 of each
 * (ratios {@code viewer-sessions-api-p95-budget-100ms} and {@code viewer-conversation-p95-budget-200ms}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class ViewerBenchmark {

    /** Sessions in the store. */
    public static final int SESSIONS = 100_000;
    /** Entries of the long conversation. */
    public static final int ENTRIES = 10_000;

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    static String get(HttpClient http, HttpRequest request, String mustContain) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200 || !r.body().contains(mustContain)) {
            throw new IllegalStateException("GET " + request.uri() + ": " + r.statusCode() + " "
                    + r.body().substring(0, Math.min(300, r.body().length())));
        }
        return r.body();
    }

    /** A store of {@value #SESSIONS} sessions, two entries each, and the viewer over it. */
    @State(Scope.Benchmark)
    public static class Store {
        Path dir;
        ViewerServer viewer;
        HttpClient http;
        HttpRequest firstPage;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = BenchSupport.scratch("viewer-store");
            String url = StoreConnections.PREFIX + dir.resolve("chatlog.db");
            long t = 1_700_000_000_000L;
            try (EventStore store = EventStore.open(url, StoreConnections.DEFAULT_BUSY_TIMEOUT_MS)) {
                List<StoreRecord> batch = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    String id = "session-" + s;
                    long at = t + s * 60_000L;
                    batch.add(StoreRecord.Message.of(entry(id, at, "user", "How do I reset the router in room " + s + "?")
                            .build(), id));
                    batch.add(StoreRecord.Message.of(entry(id, at + 900, "assistant", "Hold the reset button for ten "
                            + "seconds, then wait for the light to turn green.").keyValue("model", s % 3 == 0 ? "m-large"
                            : "m-small").keyValue("latency_ms", "900").keyValue("tokens", "18").keyValue("confidence",
                            s % 17 == 0 ? "0.3" : "0.9").build(), id));
                    if (batch.size() >= 10_000) {
                        store.write(batch);
                        batch.clear();
                    }
                }
                store.write(batch);
            }
            viewer = ViewerServer.start(ViewerSettings.files(dir).withStore(url).bind("127.0.0.1", 0));
            http = client();
            firstPage = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + viewer.port() + "/api/sessions")).build();
            get(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + viewer.port() + "/api/sessions?offset="
                    + (SESSIONS - 1) + "&limit=1")).build(), "\"total\":" + SESSIONS + ",\"total_exact\":true");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            viewer.close();
            BenchSupport.delete(dir);
        }
    }

    /** A text transcript of one conversation of {@value #ENTRIES} entries, and the viewer over its directory. */
    @State(Scope.Benchmark)
    public static class Conversation {
        Path dir;
        ViewerServer viewer;
        HttpClient http;
        HttpRequest firstPage;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = BenchSupport.scratch("viewer-files");
            Path chats = Files.createDirectories(dir.resolve("chats"));
            TextTranscriptFormat text = new TextTranscriptFormat(ZoneOffset.UTC);
            long t = 1_700_000_000_000L;
            try (Writer w = Files.newBufferedWriter(chats.resolve("chat_2023-11-14_22-13-20_long-1.log"),
                    StandardCharsets.UTF_8)) {
                w.write(text.header("long-1", t));
                for (int i = 0; i < ENTRIES; i++) {
                    boolean user = i % 2 == 0;
                    LogEntry.Builder e = entry("long-1", t + i * 1000L, user ? "user" : "assistant",
                            (user ? "Question " : "Answer ") + i + ": " + BenchSupport.payload(160));
                    if (!user) {
                        e.keyValue("model", "m").keyValue("latency_ms", "800").keyValue("tokens", "40");
                    }
                    w.write(text.entry(e.build()));
                }
            }
            viewer = ViewerServer.start(ViewerSettings.files(dir).withZone(ZoneOffset.UTC).bind("127.0.0.1", 0));
            http = client();
            firstPage = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + viewer.port()
                    + "/api/sessions/long-1")).build();
            get(http, firstPage, "\"total\":" + ENTRIES + ",");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            viewer.close();
            BenchSupport.delete(dir);
        }
    }

    static LogEntry.Builder entry(String session, long at, String role, String content) {
        return LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(at).eventType("conversation:turn").source("chat")
                .sessionId(session).role(role).entryType("message").message(content);
    }

    @Benchmark
    public int sessionsFirstPage(Store s) throws Exception {
        return get(s.http, s.firstPage, "\"session_id\":\"session-" + (SESSIONS - 1) + "\"").length();
    }

    @Benchmark
    public int conversationFirstPage(Conversation c) throws Exception {
        return get(c.http, c.firstPage, "\"index\":199,").length();
    }
}
