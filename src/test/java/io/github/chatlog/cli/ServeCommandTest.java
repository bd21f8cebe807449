package io.github.chatlog.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chatlog serve} as people run it, in its own JVM: over the logs {@code chatlog demo} wrote, then over a store
 * that {@code chatlog ingest} loaded from them; and its refusals of a wrong command line.
 */
class ServeCommandTest {

    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    static Process chatlog(List<String> jvm, String... args) throws Exception {
        return builder(jvm, args).redirectErrorStream(true).start();
    }

    static ProcessBuilder builder(List<String> jvm, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvm);
        command.add(ChatlogCli.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Starts {@code serve} and returns it with the address it printed. */
    record Served(Process process, URI url, List<String> output, BufferedReader rest) {
    }

    static Served serve(String... args) throws Exception {
        // standard error apart: a newer JDK warns there when sqlite-jdbc loads its native library
        Process p = builder(List.of(), args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (line.startsWith("  open ")) {
                return new Served(p, URI.create(line.substring(7).trim()), lines, out);
            }
        }
        throw new AssertionError("serve printed no address: " + lines);
    }

    static HttpResponse<String> get(URI base, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void servesTheDemosLogsAndTheStoreIngestMadeOfThem(@TempDir Path dir) throws Exception {
        Process demo = chatlog(List.of("-Dlogback.configurationFile=" + Path.of("logback-example.xml").toAbsolutePath(),
                "-DCHATLOG_DIR=" + dir), "demo");
        String demoOutput = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, demo.exitValue(), demoOutput);

        Served files = serve("serve", "--dir", dir.toString(), "--port", "0");
        try {
            assertEquals("chatlog viewer: serving files " + dir.toAbsolutePath().normalize(), files.output().get(0));
            assertTrue(files.url().toString().matches("http://127\\.0\\.0\\.1:\\d+/"), files.url().toString());
            JsonNode sessions = JsonMapper.builder().build().readTree(get(files.url(), "/api/sessions").body());
            assertEquals(3, sessions.get("total").asInt(), sessions.toString());
            HttpResponse<String> page = get(files.url(), "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().startsWith("<!doctype html>"));
            String id = sessions.get("sessions").get(0).get("session_id").asString();
            assertEquals(200, get(files.url(), "/sessions/" + id).statusCode());
            assertTrue(get(files.url(), "/api/search?q=umbrella").body().contains("Should I take an umbrella?"));
        } finally {
            files.process().destroy();
            assertTrue(files.process().waitFor(60, TimeUnit.SECONDS));
        }

        Process ingest = chatlog(List.of(), "ingest", "--dir", dir.toString());
        assertTrue(ingest.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ingest.exitValue(), new String(ingest.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Served store = serve("serve", "--db", dir.resolve("chatlog.db").toString(), "--port", "0");
        try {
            assertEquals("chatlog viewer: serving store jdbc:sqlite:" + dir.resolve("chatlog.db"), store.output().get(0));
            JsonNode sessions = JsonMapper.builder().build().readTree(get(store.url(), "/api/sessions").body());
            assertEquals(3, sessions.get("total").asInt(), sessions.toString());
            assertTrue(get(store.url(), "/api/stats").body().contains("\"source\":\"store\""));
        } finally {
            store.process().destroy();
            assertTrue(store.process().waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void offLoopbackItPrintsTheTokenItGenerated(@TempDir Path dir) throws Exception {
        Served served = serve("serve", "--dir", dir.toString(), "--host", "0.0.0.0", "--port", "0");
        try {
            String token = served.url().getQuery().substring("token=".length());
            BufferedReader out = served.rest();
            assertEquals("  token " + token + " (every request needs it: --token sets your own; programs send "
                    + "'Authorization: Bearer TOKEN')", out.readLine());
            URI local = URI.create("http://127.0.0.1:" + served.url().getPort() + "/");
            assertEquals(401, get(local, "/api/sessions").statusCode());
            assertEquals(200, get(local, "/api/sessions?token=" + token).statusCode());
        } finally {
            served.process().destroy();
            assertTrue(served.process().waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWrongCommandLineIsOneLineAndExitCode2(@TempDir Path dir) {
        CliRun shortToken = CliRun.of("serve", "--dir", dir.toString(), "--token", "short");
        assertEquals(2, shortToken.code, shortToken.err);
        assertEquals("chatlog: serve: --token takes 16 to 256 of A-Z a-z 0-9 . _ ~ - (try: chatlog help serve)",
                shortToken.err.trim());
        CliRun noDir = CliRun.of("serve", "--dir", dir.resolve("missing").toString());
        assertEquals(1, noDir.code);
        assertTrue(noDir.err.startsWith("chatlog: serve: no log directory at "), noDir.err);
        CliRun noDb = CliRun.of("serve", "--db", dir.resolve("missing.db").toString());
        assertEquals(1, noDb.code);
        assertTrue(noDb.err.startsWith("chatlog: serve: no database at "), noDb.err);
        assertEquals(2, CliRun.of("serve", "--port", "70000", "--dir", dir.toString()).code);
    }
}
