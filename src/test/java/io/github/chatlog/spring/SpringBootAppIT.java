package io.github.chatlog.spring;

import io.github.chatlog.Await;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real Spring Boot applications (SPEC §12): {@code src/it/spring-boot-app}, built by maven-invoker-plugin on Spring Boot
 * 3.5 ({@code boot3}) and 4.0 ({@code boot4}) against this jar, started in a child JVM as {@code java -cp} would, and
 * stopped as a service manager stops it (SIGTERM). It logs a conversation through plain SLF4J with the session id in
 * the MDC, one through {@code ChatSession}, an ordinary logger's warning with an exception, and a chat entry from a
 * {@code @PreDestroy} method while its web server shuts down gracefully.
 */
class SpringBootAppIT {

    private static final Path PROJECTS = Path.of(System.getProperty("chatlog.it.projects", "target/it"));
    private static final String READY = "CHATLOG-APP-READY";
    private static final List<String> CHAT_CONTENT = List.of("Which plan suits a team of five?",
            "The team plan covers up to ten seats.", "Goodbye from PreDestroy.", "Is the facade on the console?",
            "It should not be.");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"boot3", "boot4"})
    void theOneLineIncludeKeepsEverythingLoggedUntilTheContextIsClosed(String bootLine) throws Exception {
        Path logs = dir.resolve("logs");
        Path environmentDir = dir.resolve("from-environment");
        String console = run(bootLine, null, environmentDir, "--chatlog.dir=" + logs, "--chatlog.json=file");
        assertFalse(Files.exists(environmentDir), "the Spring property chatlog.dir wins over CHATLOG_DIR");

        List<String> master = Files.readAllLines(logs.resolve("master.log"));
        assertEquals(1, master.stream().filter(l -> l.contains("|app:start|")).count(), "one app:start: " + master);
        assertTrue(master.get(master.size() - 1).contains("|app:shutdown|chatlog|uptime_ms="), "app:shutdown last: " + master);
        assertTrue(master.stream().anyMatch(l -> l.contains("|error:runtime|ChatApplication|pricing lookup failed")
                && l.contains("IllegalStateException: pricing service timed out")), "the warning's exception: " + master);

        String transcript = transcript(logs, "spring-chat");
        for (String text : List.of("Which plan suits a team of five?", "The team plan covers up to ten seats.",
                "IllegalStateException: pricing service timed out", "Goodbye from PreDestroy.")) {
            assertTrue(transcript.contains(text), text + " in " + transcript);
        }
        assertTrue(transcript.indexOf("ten seats") < transcript.indexOf("Goodbye from PreDestroy."), transcript);
        assertTrue(transcript(logs, "spring-facade").contains("Is the facade on the console?"));

        assertConsoleClean(console);
        assertTrue(console.contains("pricing lookup failed"), "ordinary logging still reaches Spring's console:\n" + console);
        assertTrue(console.contains("Graceful shutdown complete"), "the web server's shutdown lines are kept:\n" + console);

        // chatlog.json=file, a Spring property: the shipping file, without chat content by default
        String json = Files.readString(logs.resolve("json/chatlog.json"));
        assertTrue(json.contains("\"session_id\":\"spring-chat\""), json);
        assertFalse(json.contains("ten seats"), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"boot3", "boot4"})
    void theExampleAsLogbackXmlWritesOneRunAndKeepsWhatPreDestroyLogs(String bootLine) throws Exception {
        // logback.xml instead of logback-spring.xml: Logback configures itself from it, then Spring Boot loads it again
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.copy(Path.of("logback-example.xml"), config.resolve("logback.xml"));
        Path logs = dir.resolve("logs");
        String console = run(bootLine, config, logs);

        List<String> master = Files.readAllLines(logs.resolve("master.log"));
        assertEquals(1, master.stream().filter(l -> l.contains("|app:start|")).count(), "one app:start: " + master);
        assertEquals(1, master.stream().filter(l -> l.contains("|app:shutdown|")).count(), "one app:shutdown: " + master);
        assertTrue(master.get(master.size() - 1).contains("|app:shutdown|"), "app:shutdown last: " + master);
        assertTrue(transcript(logs, "spring-chat").contains("Goodbye from PreDestroy."));
        assertConsoleClean(console);
    }

    private static void assertConsoleClean(String console) {
        for (String text : CHAT_CONTENT) {
            assertFalse(console.contains(text), "chat content on the console: " + text + "\n" + console);
        }
        assertFalse(console.lines().anyMatch(l -> l.matches(".*event\\.chat\\s*:\\s*")), "blank event.chat lines:\n" + console);
        assertFalse(console.contains("non started appender"), "appenders stopped too early:\n" + console);
        assertFalse(console.contains("|-ERROR"), "Logback reported errors:\n" + console);
    }

    /** The transcript whose file name carries {@code session}. */
    private static String transcript(Path logs, String session) throws IOException {
        try (Stream<Path> files = Files.list(logs.resolve("chats"))) {
            List<Path> found = files.filter(p -> p.getFileName().toString().contains(session)).toList();
            assertEquals(1, found.size(), "one transcript of " + session + ": " + found);
            return Files.readString(found.get(0));
        }
    }

    /**
     * Starts the application built for {@code bootLine} (with {@code configFirst}, when given, ahead of it on the class
     * path, and {@code CHATLOG_DIR} in its environment), waits until it has logged its conversation, stops it with
     * SIGTERM and returns what it printed.
     */
    private String run(String bootLine, Path configFirst, Path chatlogDir, String... args) throws Exception {
        Path app = PROJECTS.resolve("spring-boot-app/target/" + bootLine);
        Path classpathFile = app.resolve("classpath.txt");
        if (!Files.isRegularFile(classpathFile)) {
            fail("the invoker did not build the " + bootLine + " application (" + classpathFile + "): see "
                    + PROJECTS.resolve("spring-boot-app/build.log") + "; run mvn verify");
        }
        List<String> classpath = new ArrayList<>();
        if (configFirst != null) {
            classpath.add(configFirst.toString());
        }
        classpath.add(app.resolve("classes").toString());
        classpath.add(Files.readString(classpathFile).trim());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", String.join(File.pathSeparator, classpath), "com.example.chat.ChatApplication"));
        command.addAll(List.of(args));
        Path out = dir.resolve("console-" + bootLine + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CHATLOG_") || k.startsWith("LOG_"));
        builder.environment().put("CHATLOG_DIR", chatlogDir.toString());
        Process child = builder.start();
        try {
            Await.until(bootLine + " application ready (" + out + ")", () -> !child.isAlive() || read(out).contains(READY));
            assertTrue(child.isAlive(), "the application ended before it was ready:\n" + read(out));
            child.destroy(); // SIGTERM: the JVM's shutdown hooks run, Spring Boot's among them
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the application did not stop:\n" + read(out));
        } finally {
            child.destroyForcibly();
        }
        return read(out);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
