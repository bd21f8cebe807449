package io.github.chatlog.fault;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 25 child JVMs logging through logback-example.xml, each killed with SIGKILL at a random moment, all into one log
 * directory: every event whose logging call returned before the kill is in the master log and in its transcript, none
 * twice, and the files stay readable.
 */
class CrashTest {

    private static final int KILLS = 25;
    private static final Pattern TRANSCRIPT_ENTRY = Pattern.compile("^(r\\d+w\\d+) seq (\\d+)$");

    @Test
    void everyReturnedCallSurvivesSigkill(@TempDir Path dir) throws Exception {
        Random random = new Random(2026);
        Set<String> acked = new HashSet<>();
        long totalAcked = 0;
        int killsDuringCompression = 0;
        for (int run = 0; run < KILLS; run++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dlogback.configurationFile=" + Path.of("logback-example.xml").toAbsolutePath(),
                    "-DCHATLOG_DIR=" + dir, "-DCHATLOG_MAX_FILE_SIZE=64KB", CrashChild.class.getName(), Integer.toString(run))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> acks = new ArrayList<>();
            Thread reader = new Thread(() -> read(p.getInputStream(), acks));
            reader.start();
            synchronized (acks) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (!acks.contains("ready") && System.currentTimeMillis() < deadline) {
                    acks.wait(100);
                }
            }
            // killed after a random amount of work (not of time, which a loaded machine stretches)
            int killAfter = 50 + random.nextInt(1500);
            synchronized (acks) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (acks.size() < killAfter && p.isAlive() && System.nanoTime() - deadline < 0) {
                    acks.wait(100);
                }
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            reader.join(30_000);
            if (leftovers(dir) > 0) {
                killsDuringCompression++; // an archive was being compressed when the process died
            }
            synchronized (acks) {
                for (String a : acks) {
                    if (a.startsWith("ack ")) {
                        acked.add(a.substring(4));
                        totalAcked++;
                    }
                }
            }
        }
        assertTrue(totalAcked > 1000, "the children logged: " + totalAcked);
        // with 64 KB archives compression runs most of the time, so some kills land in one (how many is reported;
        // RollingFileSinkTest.recoveryFinishesWhatACrashLeft covers the leftovers deterministically)

        // the next start finishes what the kills left: no .tmp, no uncompressed archive, every gzip whole
        io.github.chatlog.logback.LogbackFixture.fromFile(io.github.chatlog.logback.LogbackFixture.EXAMPLE_CONFIG, dir).close();
        assertEquals(0, leftovers(dir), "leftovers after a restart");
        try (Stream<Path> archives = Files.list(dir.resolve("archive"))) {
            for (Path a : (Iterable<Path>) archives::iterator) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(a))) {
                    in.readAllBytes();
                }
            }
        }

        // the master log, archives included: no event twice, every acknowledged one present
        Map<String, Integer> master = new HashMap<>();
        int unreadable = 0;
        for (String line : lines(dir)) {
            MasterLine parsed = MasterLineFormat.parse(line);
            if (parsed == null) {
                unreadable++;
                continue;
            }
            if (parsed.eventType().equals("crash:tick")) {
                master.merge(parsed.value("w") + " " + parsed.value("seq"), 1, Integer::sum);
            }
        }
        assertTrue(unreadable <= KILLS, "at most one cut line per kill: " + unreadable);
        assertEquals(List.of(), master.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList(),
                "events written twice");
        List<String> missing = acked.stream().filter(a -> !master.containsKey(a)).sorted().limit(10).toList();
        assertEquals(List.of(), missing, "acknowledged events missing from the master log");

        // the transcripts: same
        Map<String, Integer> transcripts = new HashMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("chats"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    Matcher m = TRANSCRIPT_ENTRY.matcher(line);
                    if (m.matches()) {
                        transcripts.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
                    }
                }
            }
        }
        assertEquals(List.of(), transcripts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList(), "entries written twice");
        missing = acked.stream().filter(a -> !transcripts.containsKey(a)).sorted().limit(10).toList();
        assertEquals(List.of(), missing, "acknowledged entries missing from the transcripts");
        System.out.printf("crash: %d SIGKILLs (%d during a compression), %d acknowledged events, all in the master log "
                + "and the transcripts, 0 duplicates, %d unreadable lines%n", KILLS, killsDuringCompression, totalAcked,
                unreadable);
    }

    /** Temporary or not yet compressed archives in the archive directory. */
    private static long leftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir.resolve("archive"))) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.endsWith(".log")).count();
        }
    }

    private static void read(InputStream in, List<String> acks) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (acks) {
                    acks.add(line);
                    acks.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the child was killed
        }
    }

    private static List<String> lines(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir.resolve("archive"))) {
            try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
                s.sorted().forEach(files::add);
            }
        }
        files.add(dir.resolve("master.log"));
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            InputStream in = Files.newInputStream(f);
            if (f.toString().endsWith(".gz")) {
                in = new GZIPInputStream(in);
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            }
        }
        return lines;
    }
}
