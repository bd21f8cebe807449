package io.github.chatlog.privacy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.logback.EntryPipeline;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The redaction settings as users write them in logback.xml, and the one-entry-per-event seam under them. */
class RedactionSettingsTest {

    @Test
    void customRulesAndRedactorsApplyToEveryOutput(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<contextListener class='io.github.chatlog.logback.RedactionSettings'><redact>secrets</redact>"
                        + "<rule><kind>order_id</kind><pattern>ORD-[0-9]{8}</pattern></rule>"
                        + "<redactor class='io.github.chatlog.privacy.UpperCaseDigitsRedactor'/></contextListener>"
                        + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'><logTurns>true</logTurns></appender>"
                        + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                        + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir)) {
            assertEquals(List.of(), f.errors());
            MDC.put("session_id", "c1");
            try {
                f.logger("chat").atInfo().addKeyValue("role", "user").addKeyValue("order", "ORD-12345678")
                        .log("where is ORD-87654321? it is classified, key sk-proj-abcdefghij0123456789ABCD");
                f.logger("event.shop").info("order:lookup ORD-11112222 classified");
            } finally {
                MDC.clear();
            }
            String transcript = transcript(dir);
            assertTrue(transcript.contains("where is [REDACTED:order_id]? it is [REDACTED:custom], key [REDACTED:api_key]"),
                    transcript);
            assertTrue(transcript.contains("order=[REDACTED:order_id]"), transcript);
            String master = Files.readString(f.master());
            assertTrue(master.contains("|order:lookup|shop|[REDACTED:order_id] [REDACTED:custom]"), master);
            assertTrue(master.contains("order=[REDACTED:order_id]"), "the turn line's metadata: " + master);
            assertFalse(master.contains("ORD-") || transcript.contains("ORD-") || transcript.contains("classified"));
        }
    }

    @Test
    void aSettingThatCannotBeReadIsAnErrorAndMasksMoreNotLess(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<contextListener class='io.github.chatlog.logback.RedactionSettings'><redact>secretz</redact>"
                        + "<rule><kind>bad kind!</kind><pattern>x</pattern></rule>"
                        + "<rule><kind>broken</kind><pattern>([a-z</pattern></rule></contextListener>"
                        + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'/>"
                        + "<root level='INFO'><appender-ref ref='MASTER'/></root>", dir)) {
            List<String> errors = f.errors();
            assertTrue(errors.stream().anyMatch(e -> e.contains("property 'redact'") && e.contains("'secretz'")), errors.toString());
            assertTrue(errors.stream().anyMatch(e -> e.contains("kind 'bad kind!'")), errors.toString());
            assertTrue(errors.stream().anyMatch(e -> e.contains("pattern of 'broken'")), errors.toString());
            f.logger("event.x").info("user:contact mail bob@example.org key sk-proj-abcdefghij0123456789ABCD");
            String master = Files.readString(f.master());
            // fail closed: the strictest built-in rules apply, personal data included
            assertTrue(master.contains("mail [REDACTED:email] key [REDACTED:api_key]"), master);
        }
    }

    @Test
    void aPersonalSessionIdBecomesTheSameKeyedPseudonymInEveryProcess(@TempDir Path dir) throws Exception {
        String xml = "<contextListener class='io.github.chatlog.logback.RedactionSettings'><redact>secrets,pii</redact>"
                + "</contextListener>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                + "<root level='INFO'><appender-ref ref='CHAT'/></root>";
        for (int process = 0; process < 2; process++) { // two contexts on one directory: two processes' worth
            try (LogbackFixture f = LogbackFixture.fromXml(xml, dir)) {
                MDC.put("session_id", "carol.jones@example.com");
                try {
                    f.logger("chat").atInfo().addKeyValue("role", "user").log("hello " + process);
                } finally {
                    MDC.clear();
                }
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            files = s.toList();
        }
        assertEquals(1, files.size(), "one transcript for the session: " + files);
        String name = files.get(0).getFileName().toString();
        assertTrue(name.matches("chat_.*_anon-[0-9a-f]{16}\\.log"), name);
        String text = Files.readString(files.get(0));
        assertTrue(text.contains("hello 0") && text.contains("hello 1"), text);
        assertFalse(text.contains("carol") || name.contains("carol"), text);
        assertTrue(Files.exists(dir.resolve(".pseudonym.key")));
    }

    @Test
    void everyAppenderOfAContextGetsTheOneEntryOfAnEvent(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<appender name='A' class='" + Recording.class.getName() + "'/>"
                        + "<appender name='B' class='" + Recording.class.getName() + "'/>"
                        + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'/>"
                        + "<root level='INFO'><appender-ref ref='A'/><appender-ref ref='MASTER'/><appender-ref ref='B'/></root>",
                dir)) {
            for (int i = 0; i < 3; i++) {
                f.logger("event.x").atInfo().addKeyValue("token", "t" + i).log("llm:request n=" + i);
            }
            Recording a = (Recording) f.context.getLogger("ROOT").getAppender("A");
            Recording b = (Recording) f.context.getLogger("ROOT").getAppender("B");
            assertEquals(3, a.entries.size());
            for (int i = 0; i < 3; i++) {
                assertSame(a.entries.get(i), b.entries.get(i), "mapped and redacted once, shared");
                assertEquals("[REDACTED:secret]", a.entries.get(i).value("token"));
            }
        }
    }

    private static String transcript(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            return Files.readString(s.findFirst().orElseThrow());
        }
    }

    /** An appender of the test's that keeps the entries the pipeline hands it. */
    public static class Recording extends UnsynchronizedAppenderBase<ILoggingEvent> {
        final List<LogEntry> entries = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            entries.add(EntryPipeline.of(getContext()).entry(event, "session_id"));
        }
    }
}
