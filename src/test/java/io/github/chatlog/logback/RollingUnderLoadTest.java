package io.github.chatlog.logback;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 4 threads x 25,000 events through a real configuration with maxFileSize 64 KB: the decompressed archives plus the
 * live file hold every event exactly once, in per-thread order; every gzip is valid; no .tmp is left; a restart
 * appends and never overwrites an archive.
 */
class RollingUnderLoadTest {

    private static final int THREADS = 4;
    private static final int EVENTS = 25_000;

    private static String config(Path dir) {
        return MasterLogAppenderTest.master("<archiveDirectory>" + dir.resolve("archive") + "</archiveDirectory>"
                + "<maxFileSize>64KB</maxFileSize>");
    }

    @Test
    void everyEventExactlyOnceAcrossRolloversAndARestart(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(config(dir), dir);
        logConcurrently(f, "a");
        f.close();
        Result first = readAll(dir);
        assertEquals(List.of(), f.errors());
        first.assertComplete("a", THREADS, EVENTS);
        assertTrue(first.archives.size() > 50, "rolled many times: " + first.archives.size());
        System.out.printf("rolling under load: %d events, %d archives, %d bytes of live file; then 3 restarts%n",
                THREADS * EVENTS, first.archives.size(), Files.size(dir.resolve("master.log")));

        // three stop/start cycles: each appends, none rewrites an archive
        Result previous = first;
        for (String run : new String[]{"b", "c", "d"}) {
            Map<Path, String> before = digests(previous.archives);
            LogbackFixture again = LogbackFixture.fromXml(config(dir), dir);
            logConcurrently(again, run);
            again.close();
            Result now = readAll(dir);
            assertEquals(List.of(), again.errors());
            for (String r : new String[]{"a", "b", "c", "d"}) {
                if (r.compareTo(run) <= 0) {
                    now.assertComplete(r, THREADS, EVENTS);
                }
            }
            for (Map.Entry<Path, String> archive : before.entrySet()) {
                assertEquals(archive.getValue(), digest(archive.getKey()), "archive rewritten: " + archive.getKey());
            }
            assertTrue(now.archives.size() > previous.archives.size());
            previous = now;
        }
    }

    private static void logConcurrently(LogbackFixture f, String run) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String writer = run + t;
            Logger log = f.logger("event.load");
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < EVENTS; i++) {
                    log.atInfo().addKeyValue("w", writer).addKeyValue("seq", i).log("load:tick payload|with\npipes");
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Everything the log holds, file by file in order: archives oldest first, then the live file. */
    static Result readAll(Path dir) throws IOException {
        Result r = new Result();
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            s.sorted().forEach(p -> {
                assertTrue(p.getFileName().toString().matches("master_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}-\\d{3}\\.log\\.gz"),
                        "unexpected file in archive dir: " + p);
                r.archives.add(p);
            });
        }
        String previousArchive = null;
        List<Path> files = new ArrayList<>(r.archives);
        files.add(dir.resolve("master.log"));
        for (Path file : files) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                MasterLine line = MasterLineFormat.parse(lines.get(i));
                assertTrue(line != null, "damaged line in " + file + ": " + lines.get(i));
                if (line.eventType().equals("system:log_rotated")) {
                    assertEquals(0, i, "the rotation line is the first of its file");
                    assertTrue(line.message().matches("old_size_mb=\\d+\\.\\d\\d archive=archive/master_.*\\.log\\.gz"));
                    String archive = line.value("archive");
                    assertTrue(Files.exists(dir.resolve(archive)), "named archive exists: " + archive);
                    previousArchive = archive;
                } else if (line.eventType().equals("load:tick")) {
                    r.add(line.value("w"), Integer.parseInt(line.value("seq")));
                    assertEquals("payload|with\npipes", line.message().substring(0, line.message().indexOf(" w=")));
                }
            }
        }
        assertTrue(previousArchive != null || r.archives.isEmpty());
        return r;
    }

    private static List<String> lines(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static Map<Path, String> digests(List<Path> files) throws Exception {
        Map<Path, String> m = new TreeMap<>();
        for (Path p : files) {
            m.put(p, digest(p));
        }
        return m;
    }

    private static String digest(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    static final class Result {
        final List<Path> archives = new ArrayList<>();
        final Map<String, List<Integer>> seqByWriter = new TreeMap<>();

        void add(String writer, int seq) {
            seqByWriter.computeIfAbsent(writer, w -> new ArrayList<>()).add(seq);
        }

        void assertComplete(String run, int threads, int events) {
            for (int t = 0; t < threads; t++) {
                List<Integer> seqs = seqByWriter.get(run + t);
                assertTrue(seqs != null, "writer " + run + t + " missing");
                assertEquals(events, seqs.size(), "events of writer " + run + t + " (lost or duplicated)");
                for (int i = 0; i < events; i++) {
                    if (seqs.get(i) != i) {
                        throw new AssertionError("writer " + run + t + ": position " + i + " holds seq " + seqs.get(i));
                    }
                }
            }
        }
    }
}
