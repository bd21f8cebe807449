package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries without a session id (no MDC value, an empty or a blank one) go to the default session, and a real session
 * that happens to be called {@code default} is another conversation in its own file.
 */
class DefaultSessionTest {

    @Test
    void entriesWithoutASessionNeverLandInARealSessionNamedDefault(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                + "<root level='INFO'><appender-ref ref='CHAT'/></root>", dir)) {
            Logger chat = f.logger("chat");
            try {
                chat.atInfo().addKeyValue("role", "user").log("no session at all");
                MDC.put("session_id", "");
                chat.atInfo().addKeyValue("role", "user").log("an empty session id");
                MDC.put("session_id", "default");
                chat.atInfo().addKeyValue("role", "user").log("real default asks");
                MDC.put("session_id", " \t");
                chat.atInfo().addKeyValue("role", "user").log("a blank session id");
                MDC.put("session_id", "default");
                chat.atInfo().addKeyValue("role", "assistant").log("real default answers");
                f.logger("event").info("conversation:end");
            } finally {
                MDC.clear();
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            files = s.sorted().toList();
        }
        assertEquals(2, files.size(), files.toString());
        Path none = files.stream().filter(p -> p.getFileName().toString().endsWith("_default.log")).findFirst().orElseThrow();
        Path real = files.stream().filter(p -> p.getFileName().toString().matches("chat_.*_default-[0-9a-f]{16}\\.log"))
                .findFirst().orElseThrow(() -> new AssertionError("the real session's own name: " + files));
        String noneText = Files.readString(none, StandardCharsets.UTF_8);
        String realText = Files.readString(real, StandardCharsets.UTF_8);
        for (String s : List.of("no session at all", "an empty session id", "a blank session id")) {
            assertTrue(noneText.contains("\n" + s + "\n"), noneText);
            assertFalse(realText.contains(s), realText);
        }
        assertTrue(realText.contains("\nreal default asks\n") && realText.contains("\nreal default answers\n"), realText);
        assertFalse(noneText.contains("real default"), noneText);
        assertTrue(noneText.contains("\nSession: default\n") && realText.contains("\nSession: default\n"));
        // ending the real session writes its footer and leaves the default session open
        assertTrue(realText.contains("Session ended at "), realText);
        assertFalse(noneText.contains("Session ended at "), noneText);

        // read back: two conversations, each with its own entries
        ReadCommandsTest.Run sessions = ReadCommandsTest.chatlog("sessions", "--json", "--dir", dir.toString());
        assertEquals(0, sessions.code(), sessions.err());
        List<String> rows = sessions.out().lines().sorted().toList();
        assertEquals(2, rows.size(), sessions.out());
        assertTrue(rows.stream().allMatch(r -> r.contains("\"session_id\":\"default\"")), sessions.out());
        assertTrue(rows.stream().anyMatch(r -> r.contains("\"turns\":3") && r.contains(none.getFileName().toString())),
                sessions.out());
        assertTrue(rows.stream().anyMatch(r -> r.contains("\"turns\":1") && r.contains(real.getFileName().toString())),
                sessions.out());
    }
}
