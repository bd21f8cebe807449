package io.github.chatlog.logback;

import io.github.chatlog.file.SessionFileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many sessions from many threads, with the descriptor limit biting; every entry checked in the real files. */
class TranscriptConcurrencyTest {

    private static LogbackFixture boot(Path dir, int maxOpenFiles) throws Exception {
        return LogbackFixture.fromXml("<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<format>plain</format><fileNamePattern>%session.log</fileNamePattern>"
                + "<maxOpenFiles>" + maxOpenFiles + "</maxOpenFiles></appender>"
                + "<root level='INFO'><appender-ref ref='CHAT'/></root>", dir);
    }

    /** Runs {@code threads} writers; writer t logs, round after round, one entry to each of its sessions. */
    private static void run(LogbackFixture f, int threads, int sessionsPerThread, int entries) throws InterruptedException {
        Logger chat = f.logger("chat");
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                    for (int e = 0; e < entries; e++) {
                        for (int s = 0; s < sessionsPerThread; s++) {
                            MDC.put("session_id", "t" + thread + "-s" + s);
                            chat.atInfo().addKeyValue("role", "user").log("e" + e);
                        }
                    }
                } catch (Throwable x) {
                    failures.incrementAndGet();
                } finally {
                    MDC.clear();
                }
            });
            w.start();
            workers.add(w);
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, failures.get());
    }

    private static void assertEveryFileHoldsItsOwnEntriesInOrder(Path chats, int threads, int sessions, int entries)
            throws IOException {
        int files = 0;
        for (int t = 0; t < threads; t++) {
            for (int s = 0; s < sessions; s++) {
                List<String> lines = Files.readAllLines(chats.resolve("t" + t + "-s" + s + ".log"));
                assertEquals(entries, lines.size(), "t" + t + "-s" + s);
                for (int e = 0; e < entries; e++) {
                    assertEquals("user: e" + e, lines.get(e));
                }
                files++;
            }
        }
        try (Stream<Path> all = Files.list(chats)) {
            assertEquals(files, all.filter(p -> !p.getFileName().toString().equals(SessionFileNames.DESCRIPTION)).count(),
                    "no stray files");
        }
    }

    @Test
    void eightThreadsTimes256SessionsTimes50Entries(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        LogbackFixture f = boot(dir, 256); // fewer descriptors than sessions: files close and reopen under load
        run(f, 8, 256, 50);
        ChatTranscriptAppender appender = (ChatTranscriptAppender) f.context.getLogger("ROOT").getAppender("CHAT");
        int peak = appender.peakOpenFiles();
        f.close();
        assertEquals(List.of(), f.errors());
        assertEveryFileHoldsItsOwnEntriesInOrder(dir.resolve("chats"), 8, 256, 50);
        assertTrue(peak <= 256, "peak " + peak);
        System.out.printf("transcripts: 8 threads x 256 sessions x 50 entries = 102400 entries, peak open files %d, %d ms%n",
                peak, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void tenThousandSessionsWithSixtyFourDescriptors(@TempDir Path dir) throws Exception {
        LogbackFixture f = boot(dir, 64);
        Path chats = dir.resolve("chats");
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxSeen.accumulateAndGet(descriptorsInto(chats), Math::max);
                samples.incrementAndGet();
            }
        });
        sampler.start();
        long start = System.nanoTime();
        run(f, 2, 5_000, 5);
        sampling.set(false);
        sampler.join();
        ChatTranscriptAppender appender = (ChatTranscriptAppender) f.context.getLogger("ROOT").getAppender("CHAT");
        int peak = appender.peakOpenFiles();
        f.close();
        assertEquals(List.of(), f.errors());
        assertEveryFileHoldsItsOwnEntriesInOrder(chats, 2, 5_000, 5);
        assertTrue(peak <= 64, "peak " + peak);
        assertTrue(maxSeen.get() <= 64, "descriptors seen " + maxSeen.get());
        System.out.printf("transcripts: 10000 sessions x 5 entries, maxOpenFiles 64: peak %d by count, %d seen in "
                + "/proc/self/fd over %d samples, %d ms%n", peak, maxSeen.get(), samples.get(), (System.nanoTime() - start) / 1_000_000);
    }

    /** Open descriptors of this process pointing into {@code dir} (Linux); 0 where /proc is missing. */
    static int descriptorsInto(Path dir) {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> s = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(dir)) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
        return n;
    }
}
