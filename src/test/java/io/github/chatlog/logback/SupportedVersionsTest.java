package io.github.chatlog.logback;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
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

/**
 * The version floor of README "Supported versions", on the real jars (copied to {@code target/logback-versions} by the
 * build): the plugin works on the oldest supported Logback lines, and below the floor (Logback 1.2 with SLF4J 1.7, as
 * Spring Boot 2.7 has them) each appender reports a status error naming the versions and does not start, and the
 * application's logging calls return normally.
 */
class SupportedVersionsTest {

    /** Every chatlog component this configuration starts, on the console too. */
    private static final String CONFIG = """
            <configuration>
              <contextListener class="io.github.chatlog.logback.RedactionSettings"/>
              <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                <filter class="io.github.chatlog.logback.LoggerFamilyFilter"/>
                <encoder><pattern>console %level %logger - %msg%n</pattern></encoder>
              </appender>
              <appender name="MASTER" class="io.github.chatlog.logback.MasterLogAppender">
                <file>${CHATLOG_DIR}/master.log</file>
              </appender>
              <appender name="CHAT" class="io.github.chatlog.logback.ChatTranscriptAppender">
                <directory>${CHATLOG_DIR}/chats</directory>
              </appender>
              <appender name="STORE" class="io.github.chatlog.logback.EventStoreAppender">
                <storage>none</storage>
              </appender>
              <logger name="chat" additivity="false"><appender-ref ref="MASTER"/><appender-ref ref="CHAT"/></logger>
              <logger name="event" additivity="false"><appender-ref ref="MASTER"/><appender-ref ref="CHAT"/></logger>
              <root level="INFO">
                <appender-ref ref="MASTER"/><appender-ref ref="CHAT"/><appender-ref ref="STORE"/><appender-ref ref="CONSOLE"/>
              </root>
            </configuration>
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"1.3.15", "1.4.14"})
    void thePluginWorksOnTheOldestSupportedLogback(String logback) throws Exception {
        String out = runOn(logback);
        assertTrue(out.contains("calls-returned"), out);
        assertFalse(out.contains("status-error"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("logback-from ") && l.endsWith("logback-classic-" + logback + ".jar")), out);
        List<String> master = Files.readAllLines(dir.resolve("logs/master.log"));
        assertTrue(master.get(0).contains("|app:start|"), master.toString());
        assertTrue(master.stream().anyMatch(l -> l.contains("|llm:request|agent|sent tokens_in\\=3 session_id=floor")), master.toString());
        assertTrue(master.stream().anyMatch(l -> l.contains("|error:runtime|App|lookup failed") && l.contains("IOException: disk gone")),
                master.toString());
        assertTrue(master.get(master.size() - 1).contains("|app:shutdown|"), master.toString());
        String transcript = onlyTranscript();
        assertTrue(transcript.contains("hello from the oldest Logback"), transcript);
        assertTrue(transcript.contains("IOException: disk gone"), transcript);
        assertFalse(out.contains("hello from the oldest Logback"), "chat content stays off the console: " + out);
    }

    @Test
    void belowTheFloorTheAppendersReportTheVersionsAndTheCallerNeverSeesAnError() throws Exception {
        String out = runOn("1.2.13");
        assertTrue(out.contains("calls-returned"), "no exception reached the logging call: " + out);
        assertFalse(out.contains("caller-got"), out);
        for (String appender : List.of("MASTER", "CHAT", "STORE")) {
            assertTrue(out.contains("status-error [" + appender + "] logback-chatlog needs logback-classic "
                    + SupportedVersions.MIN_LOGBACK + " or later and slf4j-api " + SupportedVersions.MIN_SLF4J
                    + " or later; this application has logback-classic 1.2.13 and slf4j-api 1.7.36; not starting"), out);
        }
        assertFalse(Files.exists(dir.resolve("logs/master.log")), "an appender below the floor writes nothing");
        assertTrue(out.contains("console WARN com.example.App - lookup failed"), "the rest of the logging goes on: " + out);
        assertTrue(out.contains("done"), out);
    }

    /** Runs {@link VersionFloorChild} with the given Logback (and its SLF4J) in place of the build's. */
    private String runOn(String logback) throws IOException, InterruptedException {
        Path jars = Path.of("target", "logback-versions", logback);
        List<String> cp = new ArrayList<>();
        try (Stream<Path> files = Files.list(jars)) {
            files.map(p -> p.toAbsolutePath().toString()).sorted().forEach(cp::add);
        }
        assertEquals(3, cp.size(), "the build copied logback-classic, logback-core and slf4j-api " + logback + ": " + cp);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("logback-classic-") && !entry.contains("logback-core-") && !entry.contains("slf4j-api-")) {
                cp.add(entry);
            }
        }
        Path config = Files.writeString(dir.resolve("logback.xml"), CONFIG);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + config, "-cp", String.join(File.pathSeparator, cp),
                VersionFloorChild.class.getName()).redirectErrorStream(true);
        builder.environment().put("CHATLOG_DIR", dir.resolve("logs").toString());
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        return out;
    }

    private String onlyTranscript() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("logs/chats"))) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return Files.readString(all.get(0));
        }
    }
}
