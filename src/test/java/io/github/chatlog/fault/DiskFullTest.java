package io.github.chatlog.fault;

import io.github.chatlog.Await;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.read.EventQuery;
import io.github.chatlog.read.MasterLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real full disk: a 1 MiB tmpfs (mounted by the test when it runs as root, as CI does), filled up, then 1,000 events
 * and chat entries, space freed, 1,000 more. Nothing reaches the caller, the failure names ENOSPC, writing resumes
 * on its own, and every event ends up in the files.
 */
class DiskFullTest {

    static boolean mount(String options, Path at) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        if (p.exitValue() != 0) {
            throw new AssertionError("running as root, yet mount failed: " + out);
        }
        return true;
    }

    static void umount(Path at) throws Exception {
        new ProcessBuilder("umount", "-l", at.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/mount"));
    }

    @Test
    void fullDiskThenSpaceAgain(@TempDir Path tmp) throws Exception {
        assumeTrue(root(), "needs root to mount a tmpfs");
        Path dir = tmp.resolve("small");
        mount("size=1m", dir);
        try {
            LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                    + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>16KB</maxFileSize></appender>"
                    + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                    + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/></root>", dir);
            f.logger("event").info("before:full");
            Path filler = dir.resolve("filler");
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
            }
            log(f, 0, 1000); // no exception may reach us
            // the files' last pages may still take a few records (and each rollover's compression frees a little):
            // go on logging until a write meets the full disk
            int[] logged = {1000};
            Await.until("a write on the full disk reported as ENOSPC", () -> {
                if (f.errors().stream().anyMatch(e -> e.contains("[MASTER] cannot write") && e.contains("ENOSPC"))) {
                    return true;
                }
                log(f, logged[0], logged[0] + 100);
                logged[0] += 100;
                return false;
            });
            int held = logged[0];

            Files.delete(filler);
            Path master = dir.resolve("master.log");
            // how soon it resumes depends on the machine's load: only that it does is asserted
            Await.until("the held events written once there was space", () -> containsUnchecked(dir, "seq=" + (held - 1)));
            // the writer reports the resumption once it has written what it held: wait for the report too
            Await.until("the resumption reported", () -> f.statusMessages(ch.qos.logback.core.status.Status.WARN).stream()
                    .anyMatch(w -> w.contains("resumed writing " + master)
                            && w.contains("records could not be written when logged")));
            log(f, held, held + 1000);
            int total = held + 1000;
            f.close();

            List<MasterLine> events = MasterLogReader.of(master).read(EventQuery.ALL.types("full:tick"));
            assertEquals(total, events.size());
            for (int i = 0; i < total; i++) {
                assertEquals(Integer.toString(i), events.get(i).value("seq"));
            }
            try (Stream<Path> archives = Files.list(dir.resolve("archive"))) {
                for (Path a : (Iterable<Path>) archives::iterator) {
                    assertTrue(Files.size(a) > 0, "zero-size archive " + a);
                    assertTrue(!a.toString().endsWith(".tmp"), "left " + a);
                    if (a.toString().endsWith(".gz")) {
                        try (InputStream in = new GZIPInputStream(Files.newInputStream(a))) {
                            in.readAllBytes(); // a truncated gzip throws
                        }
                    }
                }
            }
            String transcript;
            try (Stream<Path> chats = Files.list(dir.resolve("chats"))) {
                transcript = chats.map(p -> {
                    try {
                        return Files.readString(p);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).collect(Collectors.joining());
            }
            for (int i = 0; i < total; i++) {
                assertTrue(transcript.contains("\nentry " + i + "\n"), "transcript entry " + i);
            }
            System.out.printf("disk full: %d events logged on a full 1 MiB tmpfs, written once space came back; "
                    + "%d of %d in the master log and the transcript%n", held, total, total);
        } finally {
            umount(dir);
        }
    }

    private static void log(LogbackFixture f, int from, int to) {
        MDC.put("session_id", "full");
        try {
            for (int i = from; i < to; i++) {
                f.logger("event.disk").atInfo().addKeyValue("seq", i).log("full:tick");
                f.logger("chat").atInfo().addKeyValue("role", "user").log("entry " + i);
            }
        } finally {
            MDC.clear();
        }
    }

    private static boolean containsUnchecked(Path dir, String needle) {
        try {
            return contains(dir, needle);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean contains(Path dir, String needle) throws IOException {
        return MasterLogReader.of(dir.resolve("master.log")).read(EventQuery.ALL).stream()
                .anyMatch(l -> l.message().contains(needle));
    }
}
