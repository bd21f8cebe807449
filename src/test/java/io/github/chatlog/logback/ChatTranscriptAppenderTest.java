package io.github.chatlog.logback;

import io.github.chatlog.format.LineEscaper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transcripts from plain SLF4J through logback-example.xml, read back from the real files. */
class ChatTranscriptAppenderTest {

    private static final Pattern STAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    @Test
    void plainSlf4jGivesTheSpecifiedTranscript(@TempDir Path dir) throws Exception {
        String transcript;
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            Logger chat = f.logger("chat");
            MDC.put("session_id", "abc123");
            try {
                chat.atInfo().addKeyValue("role", "user").log("Hello, how are you today?");
                chat.atInfo().addMarker(MarkerFactory.getMarker("ASSISTANT")).addKeyValue("provider", "local")
                        .addKeyValue("model", "phi3-mini.gguf").addKeyValue("latency_ms", 850).addKeyValue("tokens", 28)
                        .log("I'm doing well, thank you for asking! How can I assist you today?");
                f.logger("error.websockets").error("sending the reply", new java.net.SocketException("Connection reset"));
                f.logger("event.agent").atInfo().addKeyValue("turns", 1).log("conversation:end");
            } finally {
                MDC.clear();
            }
            assertEquals(List.of(), f.errors());
            List<Path> files = TranscriptFiles.all(dir.resolve("chats"));
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.get(0).getFileName().toString().matches("chat_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}_abc123\\.log"));
            transcript = TranscriptFiles.read(files.get(0));
        }
        String normalized = STAMP.matcher(transcript).replaceAll("T");
        assertTrue(normalized.startsWith("""
                Chat Log - Session started at T
                Session: abc123
                ================================================================================

                [T] User:
                Hello, how are you today?

                [T] Assistant:
                I'm doing well, thank you for asking! How can I assist you today?

                [Metadata: provider=local, model=phi3-mini.gguf, time=0.85s, tokens=28, speed=32.94 tok/s]

                --------------------------------------------------------------------------------

                [T] Error:
                SocketException: Connection reset
                Context: sending the reply

                Session ended at T - turns=1, duration="""), normalized);
        assertTrue(normalized.endsWith(", tokens=28, avg speed=32.94 tok/s\n"), normalized);
    }

    @Test
    void finalizeMarkerEndsTheSessionAndALaterEntryStartsAFreshFile(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            MDC.put("session_id", "s1");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").log("one");
                f.logger("chat").atInfo().addMarker(MarkerFactory.getMarker("FINALIZE_SESSION"))
                        .addKeyValue("role", "assistant").log("bye");
            } finally {
                MDC.clear();
            }
            String text = TranscriptFiles.read(TranscriptFiles.of(dir.resolve("chats"), "s1"));
            assertTrue(text.contains("bye\n\n" + "-".repeat(80) + "\n\nSession ended at "), text);
            assertTrue(text.contains(" - turns=1, "), text);
        }
    }

    @Test
    void chatWithoutSessionGoesToDefault(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            f.logger("chat").info("no session in scope");
            f.logger("com.acme.X").error("no session: not in any transcript", new RuntimeException("x"));
            String text = TranscriptFiles.read(TranscriptFiles.of(dir.resolve("chats"), "default"));
            assertTrue(text.contains("] Note:\nno session in scope\n"), text);
            assertFalse(text.contains("not in any transcript"));
        }
    }

    @Test
    void hostileIdsStayInsideTheChatsDirectoryAndApart(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path chats = Files.createDirectories(dir.resolve("logs/chats"));
        String[] ids = {"../../etc/passwd", "..", ".", "a/b", "a\\b", "nul\u0000byte", "cr\rlf\n", "x".repeat(300),
                "😀".repeat(300), "${jndi:ldap://evil/x}", "CON", "caf\u00e9", "cafe\u0301", "Abc", "abc", "abc-1a2b3c4d",
                "planted", "", " "};
        // a planted symlink where the next session file would go must not be followed
        String plantedName = "chat_planted.log";
        Files.createSymbolicLink(chats.resolve(plantedName), outside.resolve("victim.log"));
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                        + "<directory>" + chats + "</directory><fileNamePattern>chat_%session.log</fileNamePattern></appender>"
                        + "<root level='INFO'><appender-ref ref='CHAT'/></root>", dir)) {
            for (String id : ids) {
                MDC.put("session_id", id);
                try {
                    f.logger("chat").atInfo().addKeyValue("role", "user").log("entry of <" + id + ">");
                } finally {
                    MDC.clear();
                }
            }
            assertEquals(List.of(), f.errors());
            assertTrue(f.statusMessages(ch.qos.logback.core.status.Status.WARN).stream()
                    .anyMatch(w -> w.contains("not following") && w.contains(plantedName)));
        }
        assertFalse(Files.exists(outside.resolve("victim.log")), "the symlink was followed");
        assertEquals(List.of(), TranscriptFiles.all(outside));
        List<Path> files = TranscriptFiles.all(dir);
        for (Path p : files) {
            assertTrue(p.startsWith(chats), "outside the chats dir: " + p);
            if (Files.isSymbolicLink(p)) {
                continue; // the planted one, left alone
            }
            assertTrue(p.getFileName().toString().matches("chat_[A-Za-z0-9_-]{1,64}(-[0-9a-f]{16})?\\.log"), p.toString());
        }
        for (String id : ids) {
            String effective = id.isBlank() ? "default" : id; // an empty or blank id is no session
            Path file = TranscriptFiles.of(chats, LineEscaper.escape(effective));
            assertTrue(TranscriptFiles.read(file).contains("entry of <" + id + ">"), effective);
        }
        // every id in a file of its own (the empty and the blank one go to "default"); the planted link is not a regular file
        assertEquals(ids.length - 1, files.size(), files.toString());
        assertTrue(Files.isSymbolicLink(chats.resolve(plantedName)));
    }
}
