package io.github.chatlog.logback;

import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad setting is a status error naming the appender and the property; the application keeps logging. */
class MisconfigurationTest {

    private static LogbackFixture boot(Path dir, String fileValue, String extra) throws Exception {
        return LogbackFixture.fromXml(
                "<appender name='LIST' class='ch.qos.logback.core.read.ListAppender'/>"
                        + "<appender name='BROKEN' class='io.github.chatlog.logback.MasterLogAppender'>"
                        + "<file>" + fileValue + "</file>" + extra + "</appender>"
                        + "<root level='INFO'><appender-ref ref='LIST'/><appender-ref ref='BROKEN'/></root>", dir);
    }

    private static void assertOtherLoggingContinues(LogbackFixture f) {
        f.logger("event.app").info("still:logging");
        f.logger("com.acme.X").error("boom", new RuntimeException("x")); // must not throw into the caller
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> list = (ListAppender<ILoggingEvent>) f.context.getLogger("ROOT").getAppender("LIST");
        assertEquals(2, list.list.size());
        assertFalse(f.context.getLogger("ROOT").getAppender("BROKEN").isStarted());
    }

    private static void assertErrorNames(LogbackFixture f, String property, String detail) {
        List<String> errors = f.errors();
        assertTrue(errors.stream().anyMatch(e -> e.contains("[BROKEN]") && e.contains("property '" + property + "'")
                && e.contains(detail)), "errors: " + errors);
    }

    @Test
    void badSize(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = boot(dir, dir.resolve("m.log").toString(), "<maxFileSize>ten megs</maxFileSize>")) {
            assertErrorNames(f, "maxFileSize", "'ten megs' is not a file size");
            assertOtherLoggingContinues(f);
            assertFalse(Files.exists(dir.resolve("m.log")));
        }
    }

    @Test
    void badTotalSizeCapCompressionAndInterval(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = boot(dir, dir.resolve("m.log").toString(),
                "<totalSizeCap>-3</totalSizeCap><compression>zip</compression><flushInterval>soon</flushInterval>")) {
            assertErrorNames(f, "totalSizeCap", "'-3'");
            assertErrorNames(f, "compression", "'zip' is not one of gzip, none");
            assertErrorNames(f, "flushInterval", "'soon' is not a duration");
            assertOtherLoggingContinues(f);
        }
    }

    @Test
    void fileThatCannotBeCreated(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "a regular file where a directory should be");
        try (LogbackFixture f = boot(dir, blocker.resolve("master.log").toString(), "")) {
            assertErrorNames(f, "file", "cannot open '" + blocker.resolve("master.log") + "'");
            assertOtherLoggingContinues(f);
        }
    }

    @Test
    void archiveDirectoryThatCannotBeCreated(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("archive"), "a regular file where the archive directory should be");
        try (LogbackFixture f = boot(dir, dir.resolve("master.log").toString(), "<archiveDirectory>" + blocker
                + "</archiveDirectory>")) {
            assertErrorNames(f, "archiveDirectory", "cannot create '" + blocker + "'");
            assertOtherLoggingContinues(f);
        }
    }

    @Test
    void fileThatIsADirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("master.log"));
        try (LogbackFixture f = boot(dir, dir.resolve("master.log").toString(), "")) {
            assertErrorNames(f, "file", "is a directory");
            assertOtherLoggingContinues(f);
        }
    }

    @Test
    void missingFileFallsBackToTheDocumentedDefault(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(
                "<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'/>"
                        + "<root level='INFO'><appender-ref ref='M'/></root>", dir)) {
            // no <file>: ${CHATLOG_DIR}/master.log, CHATLOG_DIR being a context property here
            f.logger("event").info("a:b");
            assertEquals(List.of(), f.errors());
            assertTrue(Files.readString(dir.resolve("master.log")).contains("|a:b|event|"));
        }
    }
}
