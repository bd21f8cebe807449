package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, item 1: each reading command run as users run it, in its own JVM, from an empty working directory with
 * {@code CHATLOG_DIR} pointing at a copy of a log directory, and with an application's {@code logback.xml} (the
 * example configuration, which writes {@code app:start} into {@code CHATLOG_DIR}) first on the class path. Every file
 * of the log directory keeps its bytes, no file appears in it or in the working directory.
 */
class ReadingCommandsWriteNothingTest {

    @TempDir
    static Path logs;
    @TempDir
    static Path appConfig;

    @BeforeAll
    static void fixture() throws Exception {
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, logs)) {
            Logger chat = f.logger("chat");
            MDC.put("session_id", "trip");
            chat.atInfo().addKeyValue("role", "user").log("a weekend in lisbon?");
            chat.atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "weather")
                    .addKeyValue("args", "city=lisbon").addKeyValue("result", "sunny").log("");
            chat.atInfo().addKeyValue("role", "assistant").addKeyValue("latency_ms", 300).addKeyValue("tokens", 12)
                    .log("Lisbon will be sunny.");
            f.logger("error.tts").error("speaking the answer", new IllegalStateException("tts down"));
            f.logger("event").info("conversation:end");
            MDC.clear();
        }
        // a store that search may use: ingest is the one command that writes (into the database only)
        assertEquals(0, ReadCommandsTest.chatlog("ingest", "--dir", logs.toString()).code());
        Files.copy(LogbackFixture.EXAMPLE_CONFIG, appConfig.resolve("logback.xml"));
    }

    @Test
    void readingCommandsChangeNoByteAndCreateNoFile(@TempDir Path workingDir) throws Exception {
        Map<String, byte[]> before = snapshot(logs);
        assertTrue(before.containsKey("master.log") && before.containsKey("chatlog.db"), before.keySet().toString());
        List<List<String>> commands = List.of(List.of("tail"), List.of("tail", "--json", "--type", "error:*"),
                List.of("text"), List.of("sessions"), List.of("sessions", "--json"), List.of("show", "trip"),
                List.of("search", "lisbon"), List.of("stats", "--json"), List.of("reflect"),
                List.of("export", "--format", "csv"), List.of("export", "--format", "jsonl"),
                List.of("export", "--format", "md"));
        for (List<String> command : commands) {
            Child c = run(workingDir, command);
            assertEquals(0, c.code, command + ": " + c.err);
            assertTrue(!c.out.isBlank() || command.get(0).equals("text"), command + " printed nothing");
            assertTrue(!c.out.contains("app:start") || command.get(0).equals("tail") || command.get(0).equals("text"),
                    command + ": " + c.out);
            assertSnapshotEquals(before, snapshot(logs), command.toString());
            try (Stream<Path> created = Files.list(workingDir)) {
                assertEquals(List.of(), created.toList(), command + " created files in the working directory");
            }
        }
        Child search = run(workingDir, List.of("search", "lisbon"));
        assertTrue(search.out.contains("chatlog.db"), "the search went through the store: " + search.out);
    }

    @Test
    void ingestWritesTheDatabaseOnlyAndLogsNothing(@TempDir Path workingDir) throws Exception {
        Map<String, byte[]> before = snapshot(logs);
        Child c = run(workingDir, List.of("ingest"));
        assertEquals(0, c.code, c.err);
        Map<String, byte[]> after = snapshot(logs);
        before.keySet().removeIf(k -> k.startsWith("chatlog.db"));
        after.keySet().removeIf(k -> k.startsWith("chatlog.db"));
        assertSnapshotEquals(before, after, "ingest");
        try (Stream<Path> created = Files.list(workingDir)) {
            assertEquals(List.of(), created.toList());
        }
    }

    private record Child(int code, String out, String err) {
    }

    private static Child run(Path workingDir, List<String> command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", appConfig + File.pathSeparator + System.getProperty("java.class.path"),
                ChatlogCli.class.getName()));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workingDir.toFile());
        pb.environment().put("CHATLOG_DIR", logs.toString());
        Path out = Files.createTempFile("chatlog-out", ".txt");
        Path err = Files.createTempFile("chatlog-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
            return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Map<String, byte[]> snapshot(Path root) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put(root.relativize(p).toString(), Files.readAllBytes(p));
                } else if (Files.isDirectory(p)) {
                    files.put(root.relativize(p) + "/", new byte[0]);
                }
            }
        }
        return files;
    }

    private static void assertSnapshotEquals(Map<String, byte[]> before, Map<String, byte[]> after, String what) {
        assertEquals(before.keySet(), after.keySet(), what + ": the files of the log directory");
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), after.get(e.getKey()), what + " changed " + e.getKey());
        }
    }
}
