package io.github.chatlog.logback;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import io.github.chatlog.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run per process and master log (SPEC §12): {@code app:start} once, {@code app:shutdown} last, however often the
 * logging is reconfigured. Logback's own {@code scan} is the reconfigurer here (Spring Boot's is run by SpringBootAppIT).
 */
class MasterLogRunsTest {

    private final List<LoggerContext> contexts = new ArrayList<>();

    @AfterEach
    void stopAll() {
        contexts.forEach(LoggerContext::stop);
    }

    private static String config(Path dir, String extra) {
        return "<configuration scan='true' scanPeriod='50 milliseconds'>"
                + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'><file>" + dir.resolve("master.log")
                + "</file></appender>" + extra
                + "<logger name='event' additivity='false'><appender-ref ref='MASTER'/></logger></configuration>";
    }

    private LoggerContext configured(Path xml) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        contexts.add(context);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(xml.toFile()); // a file: scan watches it
        return context;
    }

    /** Rewrites the configuration and waits until scan has loaded it (the event logger has a new appender). */
    private static void reconfigure(LoggerContext context, Path xml, String text) throws Exception {
        Logger events = context.getLogger("event");
        Appender<?> before = events.getAppender("MASTER");
        Files.writeString(xml, text);
        Files.setLastModifiedTime(xml, FileTime.from(Instant.now().plusSeconds(5))); // newer than any file time seen
        Await.until("scan reconfigured the context", () -> {
            Appender<?> now = events.getAppender("MASTER");
            return now != null && now != before && now.isStarted();
        });
    }

    private static List<String> types(Path master) throws Exception {
        return Files.readAllLines(master).stream().map(l -> l.split("\\|")[1]).toList();
    }

    @Test
    void aReconfigurationContinuesTheRunWithoutAStartOrShutdownLine(@TempDir Path dir) throws Exception {
        Path xml = Files.writeString(dir.resolve("logback.xml"), config(dir, ""));
        LoggerContext context = configured(xml);
        context.getLogger("event.app").info("llm:before the reconfiguration");
        reconfigure(context, xml, config(dir, "<!-- edited -->"));
        context.getLogger("event.app").info("llm:after the reconfiguration");
        context.stop();
        assertEquals(List.of("app:start", "llm:before", "llm:after", "app:shutdown"), types(dir.resolve("master.log")));
    }

    @Test
    void aRunThatNoConfigurationResumesEndsAtExit(@TempDir Path dir) throws Exception {
        Path xml = Files.writeString(dir.resolve("logback.xml"), config(dir, ""));
        LoggerContext context = configured(xml);
        context.getLogger("event.app").info("llm:before the master log left the configuration");
        String withoutMaster = "<configuration scan='true' scanPeriod='50 milliseconds'>"
                + "<appender name='OTHER' class='ch.qos.logback.core.helpers.NOPAppender'/>"
                + "<logger name='event'><appender-ref ref='OTHER'/></logger></configuration>";
        Logger events = context.getLogger("event");
        Files.writeString(xml, withoutMaster);
        Files.setLastModifiedTime(xml, FileTime.from(Instant.now().plusSeconds(5)));
        Await.until("scan loaded the configuration without MASTER", () -> events.getAppender("OTHER") != null);
        assertEquals(List.of("app:start", "llm:before"), types(dir.resolve("master.log")), "suspended, not ended");

        MasterLogRuns.endSuspended(); // what the JVM shutdown hook does at exit
        List<String> types = types(dir.resolve("master.log"));
        assertEquals(List.of("app:start", "llm:before", "app:shutdown"), types);
    }

    @Test
    void twoAppendersOfOneProcessOnOneFileWriteOneRun(@TempDir Path dir) throws Exception {
        LoggerContext first = configured(Files.writeString(dir.resolve("a.xml"), config(dir, "")));
        LoggerContext second = configured(Files.writeString(dir.resolve("b.xml"), config(dir, "")));
        first.getLogger("event.a").info("llm:first");
        second.getLogger("event.b").info("llm:second");
        first.stop();
        assertEquals(List.of("app:start", "llm:first", "llm:second"), types(dir.resolve("master.log")),
                "the other appender goes on writing the run");
        second.stop();
        assertEquals(List.of("app:start", "llm:first", "llm:second", "app:shutdown"), types(dir.resolve("master.log")));
        // a start after the run ended is a new run
        LoggerContext third = configured(Files.writeString(dir.resolve("c.xml"), config(dir, "")));
        third.stop();
        List<String> types = types(dir.resolve("master.log"));
        assertEquals(List.of("app:start", "llm:first", "llm:second", "app:shutdown", "app:start", "app:shutdown"), types);
        assertNotNull(types);
        assertTrue(Files.readString(dir.resolve("master.log")).lines().skip(3).findFirst().orElseThrow().contains("uptime_ms="));
    }
}
