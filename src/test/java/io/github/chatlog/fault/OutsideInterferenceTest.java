package io.github.chatlog.fault;

import io.github.chatlog.Await;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Other programs moving or deleting the files, and places the appenders cannot write at all. */
class OutsideInterferenceTest {

    private static final String BOTH = "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
            + "<file>${CHATLOG_DIR}/master.log</file></appender>"
            + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
            + "<fileNamePattern>%session.log</fileNamePattern></appender>"
            + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>";

    private static void log(LogbackFixture f, int from, int to) {
        MDC.put("session_id", "moved");
        try {
            for (int i = from; i < to; i++) {
                f.logger("event").atInfo().addKeyValue("seq", i).log("rot:tick");
                f.logger("chat").atInfo().addKeyValue("role", "user").log("entry " + i);
            }
        } finally {
            MDC.clear();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier done) {
        Await.until("new files after the outside change", done);
    }

    @Test
    void externalRotationAndDeletionContinueInANewFile(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(BOTH, dir);
        log(f, 0, 100);
        Path master = dir.resolve("master.log");
        Path transcript = dir.resolve("chats/moved.log");
        // logrotate-style: move both away
        Files.move(master, dir.resolve("master.log.1"));
        Files.move(transcript, dir.resolve("chats/moved.log.1"));
        waitUntil(() -> Files.exists(master) && Files.exists(transcript));
        assertTrue(Files.exists(master), "a new master.log appeared without new events");
        log(f, 100, 200);
        // a cleanup deletes the new ones
        Files.delete(master);
        Files.delete(transcript);
        waitUntil(() -> Files.exists(master) && Files.exists(transcript));
        log(f, 200, 300);
        f.close();

        List<String> warnings = f.statusMessages(Status.WARN);
        assertEquals(2, warnings.stream().filter(w -> w.startsWith("[MASTER] " + master + " was moved away or deleted by "
                + "another program; continuing in a new file")).count(), warnings.toString());
        assertEquals(2, warnings.stream().filter(w -> w.startsWith("[CHAT] " + transcript + " was moved away or deleted"))
                .count(), warnings.toString());
        List<Integer> first = seqs(dir.resolve("master.log.1"));
        List<Integer> last = seqs(master);
        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), first);
        assertEquals(java.util.stream.IntStream.range(200, 300).boxed().toList(), last);
        assertTrue(Files.readString(dir.resolve("chats/moved.log.1")).contains("\nentry 99\n"));
        assertTrue(Files.readString(transcript).contains("\nentry 299\n"));
        assertFalse(Files.readString(transcript).contains("\nentry 199\n"));
    }

    private static List<Integer> seqs(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(MasterLineFormat::parse).filter(l -> l != null
                && l.eventType().equals("rot:tick")).map(MasterLine::message)
                .map(m -> Integer.parseInt(m.substring(m.indexOf("seq=") + 4))).collect(Collectors.toList());
    }

    @Test
    void readOnlyDirectoryAndOverlongPathAreClearErrorsAndTheConsoleGoesOn(@TempDir Path tmp) throws Exception {
        assumeTrue(DiskFullTest.root(), "needs root to mount a read-only tmpfs (root ignores file permissions)");
        Path ro = tmp.resolve("ro");
        DiskFullTest.mount("ro,size=1m", ro);
        try {
            String longName = "x".repeat(300) + ".log";
            try (LogbackFixture f = LogbackFixture.fromXml(
                    "<appender name='LIST' class='ch.qos.logback.core.read.ListAppender'/>"
                            + "<appender name='RO' class='io.github.chatlog.logback.MasterLogAppender'>"
                            + "<file>" + ro.resolve("master.log") + "</file></appender>"
                            + "<appender name='LONG' class='io.github.chatlog.logback.MasterLogAppender'>"
                            + "<file>" + tmp.resolve(longName) + "</file></appender>"
                            + "<appender name='ROCHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                            + "<directory>" + ro.resolve("chats") + "</directory></appender>"
                            + "<root level='INFO'><appender-ref ref='LIST'/><appender-ref ref='RO'/>"
                            + "<appender-ref ref='LONG'/><appender-ref ref='ROCHAT'/></root>", tmp)) {
                List<String> errors = f.errors();
                assertTrue(errors.stream().anyMatch(e -> e.startsWith("[RO] property 'file'")
                        && e.contains(ro.resolve("master.log").toString())), errors.toString());
                assertTrue(errors.stream().anyMatch(e -> e.startsWith("[LONG] property 'file'") && e.contains(longName)),
                        errors.toString());
                assertTrue(errors.stream().anyMatch(e -> e.startsWith("[ROCHAT] property 'directory'")
                        && e.contains(ro.resolve("chats").toString())), errors.toString());
                f.logger("event").info("still:running");
                f.logger("chat").info("still chatting");
                @SuppressWarnings("unchecked")
                ListAppender<ILoggingEvent> list = (ListAppender<ILoggingEvent>) f.context.getLogger("ROOT").getAppender("LIST");
                assertEquals(2, list.list.size(), "the other appenders are unaffected");
            }
        } finally {
            DiskFullTest.umount(ro);
        }
    }
}
