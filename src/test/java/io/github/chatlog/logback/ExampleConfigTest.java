package io.github.chatlog.logback;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boots the drop-in logback-example.xml through Joran and logs through plain SLF4J, as an application would. */
class ExampleConfigTest {

    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\|[A-Za-z0-9_.:-]+\\|[A-Za-z0-9_.:-]+\\|.*");

    @Test
    void applicationGetsTheMasterLogAsSpecified(@TempDir Path dir) throws Exception {
        List<String> lines;
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            assertEquals(List.of(), f.errors());
            Logger agent = f.logger("event.agent_service");
            MDC.put("session_id", "abc123");
            try {
                agent.atInfo().addKeyValue("user_msg_len", 45).log("conversation:start");
                f.logger("event").atInfo().addKeyValue("source", "agent").addKeyValue("model", "llama3.2")
                        .addKeyValue("tokens_in", 512).addKeyValue("event_type", "llm:request").log("");
            } finally {
                MDC.clear();
            }
            f.logger("error.websockets").error("session abc123", new SocketException("Connection reset"));
            f.logger("com.acme.Billing").warn("invoice failed", new IllegalStateException("no card"));
            f.logger("com.acme.Billing").info("ordinary application log, not in the master log");
            f.logger("com.acme.Billing").warn("a warning without exception, not in the master log");
            f.logger("event.tools").info(MarkerFactory.getMarker("tool:call"), "weather | lisbon\nsecond line");
            f.logger("chat").atInfo().addKeyValue("role", "user").log("chat content never reaches the master log");
            lines = f.masterLines();
            assertTrue(lines.get(lines.size() - 1).contains("|tool:call|"), "lines reach the file before close: " + lines);
        }
        lines = Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8); // after a clean stop

        assertTrue(lines.get(0).matches(".*\\|app:start\\|chatlog\\|version=\\S+ pid=\\d+"), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).matches(".*\\|app:shutdown\\|chatlog\\|uptime_ms=\\d+"));
        List<String> body = lines.subList(1, lines.size() - 1).stream().map(l -> l.substring(24)).toList();
        assertEquals(List.of(
                "|conversation:start|agent_service|session_id=abc123 user_msg_len=45",
                "|llm:request|agent|session_id=abc123 model=llama3.2 tokens_in=512",
                "|error:runtime|websockets|session abc123 - SocketException: Connection reset",
                "|error:runtime|Billing|invoice failed - IllegalStateException: no card",
                "|tool:call|tools|weather | lisbon\\nsecond line"), body);
        for (String line : lines) {
            assertTrue(LINE.matcher(line).matches(), line);
            // the seed's Python reader: line.split("|", 3) and an ISO timestamp with Z
            String[] parts = line.split("\\|", 4);
            assertEquals(4, parts.length);
            assertNotNull(java.time.Instant.parse(parts[0]));
            MasterLine parsed = MasterLineFormat.parse(line);
            assertNotNull(parsed);
            assertEquals(parts[3], line.substring(line.indexOf('|', line.indexOf('|', 25) + 1) + 1));
        }
        assertEquals("weather | lisbon\nsecond line", MasterLineFormat.parse(lines.get(lines.size() - 2)).message());
    }
}
