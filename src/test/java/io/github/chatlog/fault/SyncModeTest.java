package io.github.chatlog.fault;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability setting: every mode writes everything; a bad value names the appender and the property. That each mode
 * forces the file when it says is {@code RollingFileSinkTest.eachSyncModeForcesTheFileWhenItSays}, which counts the forces.
 */
class SyncModeTest {

    @Test
    void everyModeWritesEverything(@TempDir Path dir) throws Exception {
        for (String mode : new String[]{"none", "interval", "every"}) {
            Path d = dir.resolve(mode);
            try (LogbackFixture f = LogbackFixture.fromXml(
                    "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                            + "<file>${CHATLOG_DIR}/master.log</file><sync>" + mode + "</sync>"
                            + "<syncInterval>50 milliseconds</syncInterval></appender>"
                            + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                            + "<fileNamePattern>%session.log</fileNamePattern><sync>" + mode + "</sync></appender>"
                            + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", d)) {
                MDC.put("session_id", "s");
                try {
                    for (int i = 0; i < 200; i++) {
                        f.logger("event").atInfo().addKeyValue("i", i).log("sync:tick");
                        f.logger("chat").atInfo().addKeyValue("role", "user").log("entry " + i);
                    }
                } finally {
                    MDC.clear();
                }
                assertEquals(List.of(), f.errors(), mode);
                // with every mode the lines are in the file before the calls return
                assertEquals(200, Files.readAllLines(d.resolve("master.log")).stream().filter(l -> l.contains("|sync:tick|"))
                        .count(), mode);
                assertTrue(Files.readString(d.resolve("chats/s.log")).contains("\nentry 199\n"), mode);
            }
        }
    }

    @Test
    void aBadModeIsAStatusError(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'><sync>always</sync>"
                        + "<syncInterval>never</syncInterval></appender>"
                        + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'><sync>fsync</sync>"
                        + "</appender><root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            List<String> errors = f.errors();
            assertTrue(errors.contains("[MASTER] property 'sync': 'always' is not one of none, interval, every"), errors.toString());
            assertTrue(errors.stream().anyMatch(e -> e.startsWith("[MASTER] property 'syncInterval': 'never'")), errors.toString());
            assertTrue(errors.contains("[CHAT] property 'sync': 'fsync' is not one of none, interval, every"), errors.toString());
        }
    }
}
