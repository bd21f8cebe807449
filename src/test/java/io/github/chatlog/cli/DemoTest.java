package io.github.chatlog.cli;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chatlog demo} in its own JVM with logback-example.xml, as the launcher runs it. */
class DemoTest {

    /**
     * Runs {@code command} in its own JVM with logback-example.xml and {@code CHATLOG_DIR=dir}, as the launcher does;
     * asserts it ended within {@code seconds} with exit code 0, and returns what it printed.
     */
    static String runWithTheExample(Path dir, String command, int seconds) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + Path.of("logback-example.xml").toAbsolutePath(),
                "-DCHATLOG_DIR=" + dir, ChatlogCli.class.getName(), command)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void demoLogsASessionAndShowsWhereItWent(@TempDir Path dir) throws Exception {
        String output = runWithTheExample(dir, "demo", 60);
        assertTrue(output.contains("master event log : " + dir.resolve("master.log")), output);

        List<String> lines = Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8);
        List<String> types = lines.stream().map(MasterLineFormat::parse).map(MasterLine::eventType).collect(Collectors.toList());
        assertEquals("app:start", types.get(0));
        assertEquals("app:shutdown", types.get(types.size() - 1));
        assertTrue(types.containsAll(List.of("conversation:start", "llm:request", "llm:response", "error:runtime",
                "conversation:end")), types.toString());
        assertTrue(output.contains(lines.get(lines.size() - 1)), "the demo prints the log's lines");
        assertTrue(types.contains("llm:fallback"), types.toString());

        List<Path> transcripts;
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("chats"))) {
            transcripts = s.collect(Collectors.toList());
        }
        assertEquals(3, transcripts.size(), transcripts.toString());
        String all = transcripts.stream().map(p2 -> {
            try {
                return Files.readString(p2);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).collect(Collectors.joining());
        for (String expected : new String[]{"] Tool call: weather_forecast", "stream=true", "fallback_from=openai",
                "confidence=0.38", "] Error:\nSocketException: Connection reset", "] User:\nPlay something relaxing."}) {
            assertTrue(all.contains(expected), expected + " in\n" + all);
        }
        assertEquals(3, all.split("Session ended at ", -1).length - 1, "every session ended");
        assertTrue(output.contains("Transcript of session weather-"), output);
        assertTrue(output.contains("My key [REDACTED:api_key] stopped working"), "the demo shows a masked key: " + output);
        assertTrue(!output.contains("sk-proj-DEMO") && !all.contains("sk-proj-DEMO"), "the key itself is written nowhere");
        assertTrue(output.strip().endsWith("./chatlog serve --dir " + Demo.shellWord(dir.toAbsolutePath().normalize()
                .toString()) + "\n  then open http://127.0.0.1:8765/ (Ctrl-C stops it)"), "the demo ends by naming the "
                + "viewer on its logs: " + output.substring(Math.max(0, output.length() - 300)));
    }

    @Test
    void withoutTheSqliteDriverTheStoreSaysSoAndFileLoggingGoesOn(@TempDir Path dir) throws Exception {
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("sqlite-jdbc")).collect(Collectors.joining(java.io.File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classpath,
                "-Dlogback.configurationFile=" + Path.of("logback-example.xml").toAbsolutePath(),
                "-DCHATLOG_DIR=" + dir, "-DLOG_STORAGE=sqlite", ChatlogCli.class.getName(), "demo")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("[STORE] the SQLite JDBC driver is not on the classpath: add the dependency "
                + "org.xerial:sqlite-jdbc"), output);
        assertTrue(Files.readString(dir.resolve("master.log")).contains("|app:shutdown|"));
        assertTrue(!Files.exists(dir.resolve("chatlog.db")));
    }

    @Test
    void withLogStorageSqliteTheDemoFillsTheDatabase(@TempDir Path dir) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + Path.of("logback-example.xml").toAbsolutePath(),
                "-DCHATLOG_DIR=" + dir, "-DLOG_STORAGE=sqlite", ChatlogCli.class.getName(), "demo")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("chatlog.db"));
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM messages), (SELECT count(*) FROM events)")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getInt(1));
            assertTrue(rs.getInt(2) >= 12, "messages " + rs.getInt(2));
            long lines = Files.readAllLines(dir.resolve("master.log")).stream()
                    .filter(l -> !l.contains("|app:")).count();
            assertEquals(lines, rs.getInt(3), "every master-log event but app:start/shutdown is a row");
        }
    }

    @Test
    void unknownCommandIsOneLineAndExitCode2() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ChatlogCli.run(new String[]{"frobnicate"}, System.out, new java.io.PrintStream(err, true));
        assertEquals(2, code);
        assertEquals("chatlog: unknown command 'frobnicate' (try: chatlog help)", err.toString().trim());
    }
}
