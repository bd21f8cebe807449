package io.github.chatlog.privacy;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application with its own logback.xml (a root file appender of its own) adds the plugin as the README's "Add to an
 * existing logback.xml" says: the example's appenders, its two loggers and three appender-refs on root. Its own file
 * must get none of the chat content and no event lines, and keep its ordinary logs and errors.
 */
class MergeConfigTest {

    @Test
    void chatContentAndEventsStayOutOfTheApplicationsOwnAppenders(@TempDir Path dir) throws Exception {
        Path appLog = dir.resolve("app.log");
        String example = Files.readString(LogbackFixture.EXAMPLE_CONFIG);
        // the README's merge: everything of the example inside <configuration> except its console and root
        String plugin = example.substring(example.indexOf("<configuration>") + "<configuration>".length(),
                example.indexOf("<root level"));
        plugin = plugin.replaceAll("(?s)<appender name=\"CONSOLE\".*?</appender>", "");
        String xml = "<configuration>"
                + "<appender name='APPFILE' class='ch.qos.logback.core.FileAppender'><file>" + appLog + "</file>"
                + "<encoder><pattern>%level %logger - %msg%n%ex</pattern></encoder></appender>"
                + plugin
                + "<root level='INFO'><appender-ref ref='APPFILE'/>"
                + "<appender-ref ref='MASTER'/><appender-ref ref='CHAT'/><appender-ref ref='STORE'/></root>"
                + "</configuration>";
        Path config = dir.resolve("logback.xml");
        Files.writeString(config, xml);
        Path logs = dir.resolve("logs");
        try (LogbackFixture f = LogbackFixture.fromFile(config, logs)) {
            assertEquals(List.of(), f.errors());
            MDC.put("session_id", "merge1");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").log("private chat content 4242");
                f.logger("chat.agent").atInfo().addKeyValue("role", "assistant").log("private reply 4343");
                f.logger("event.agent").info("llm:request model=m1 secret-ish event 4444");
                f.logger("com.acme.Orders").info("ordinary application log");
                f.logger("com.acme.Orders").warn("order failed", new IllegalStateException("boom"));
            } finally {
                MDC.clear();
            }
        }
        String app = Files.exists(appLog) ? Files.readString(appLog, StandardCharsets.UTF_8) : "(no file)";
        assertTrue(app.contains("ordinary application log"), app);
        assertTrue(app.contains("order failed") && app.contains("boom"), "errors stay in the app's log: " + app);
        for (String leak : List.of("4242", "4343", "4444", "llm:request")) {
            assertFalse(app.contains(leak), leak + " reached the application's own appender:\n" + app);
        }
        String master = Files.readString(logs.resolve("master.log"));
        assertTrue(master.contains("|llm:request|agent|") && master.contains("|error:runtime|Orders|order failed") && master.contains("IllegalStateException: boom"),
                master);
        try (var chats = Files.list(logs.resolve("chats"))) {
            String transcript = Files.readString(chats.findFirst().orElseThrow());
            assertTrue(transcript.contains("private chat content 4242") && transcript.contains("private reply 4343"));
        }
    }
}
