package io.github.chatlog.fault;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Tag;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several JVMs logging at once into one directory through a copy of logback-example.xml with 64 KB rollovers (SPEC
 * §11): every acknowledged event is in the master log (live file and decompressed archives) exactly once, the master
 * log stays one live file, every shared session ends in one transcript with one header, and no process reports a
 * cooperating one as "another program". Then the same with one JVM killed (SIGKILL) mid-run and started again.
 */
@Tag("slow")
class MultiProcessTest {

    private static final int STEPS = 4_000; // per thread: 20-30 rollovers of the master log in all
    private static final Pattern TRANSCRIPT_ENTRY = Pattern.compile("^(r\\d+w\\d+) seq (\\d+)$");
    private static final long DEADLINE_MS = 120_000;

    @Test
    void twoProcessesLoseNothingAndDuplicateNothing(@TempDir Path dir) throws Exception {
        concurrently(dir, 2);
    }

    @Test
    void threeProcessesLoseNothingAndDuplicateNothing(@TempDir Path dir) throws Exception {
        concurrently(dir, 3);
    }

    @Test
    void oneProcessKilledAndRestartedMidRun(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Child steady = Child.start(config, dir, "r0", STEPS);
        Child doomed = Child.start(config, dir, "r1", -1);
        doomed.awaitAcks(STEPS / 2); // mid-run: the steady one is logging too
        doomed.process.destroyForcibly(); // SIGKILL
        assertTrue(doomed.process.waitFor(60, TimeUnit.SECONDS));
        doomed.reader.join(60_000);
        Child restarted = Child.start(config, dir, "r2", STEPS);
        steady.awaitExit();
        restarted.awaitExit();
        check(dir, List.of(steady, doomed, restarted), "2 JVMs, one SIGKILLed mid-run and restarted");
    }

    private static void concurrently(Path dir, int processes) throws Exception {
        Path config = config(dir);
        List<Child> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(Child.start(config, dir, "r" + i, STEPS));
        }
        for (Child c : children) {
            c.awaitExit();
        }
        check(dir, children, processes + " JVMs");
    }

    /** A copy of the example configuration, as a user would drop it in. */
    private static Path config(Path dir) throws IOException {
        Path copy = dir.resolveSibling(dir.getFileName() + "-logback.xml");
        Files.copy(Path.of("logback-example.xml"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    private static void check(Path dir, List<Child> children, String what) throws IOException {
        List<String> acked = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (Child c : children) {
            synchronized (c.out) {
                for (String l : c.out) {
                    if (l.startsWith("ack ")) {
                        acked.add(l.substring(4));
                    } else if (l.startsWith("status ")) {
                        statuses.add(l);
                    }
                }
            }
        }
        assertTrue(acked.size() >= 2 * STEPS * 2, "the children logged: " + acked.size());

        // the master log stays one file; every archive is finished
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("master.log"), s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("master")).sorted().toList());
        }
        List<Path> archives;
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            archives = s.sorted().toList();
        }
        List<Path> unfinished = archives.stream()
                .filter(a -> !a.getFileName().toString().matches("master_[0-9_-]+\\.log\\.gz")).toList();

        Map<String, Integer> master = new HashMap<>();
        int starts = 0;
        int rotated = 0;
        int unreadable = 0;
        for (Path f : concat(archives, dir.resolve("master.log"))) {
            if (f.toString().endsWith(".tmp")) {
                continue;
            }
            for (String line : lines(f)) {
                MasterLine parsed = MasterLineFormat.parse(line);
                if (parsed == null) {
                    unreadable++;
                    continue;
                }
                switch (parsed.eventType()) {
                    case "multi:tick" -> master.merge(parsed.value("w") + " " + parsed.value("seq"), 1, Integer::sum);
                    case "app:start" -> starts++;
                    case "system:log_rotated" -> rotated++;
                    default -> { }
                }
            }
        }
        List<String> twice = master.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        List<String> lost = acked.stream().filter(a -> !master.containsKey(a)).toList();

        // the transcripts: one file per shared session, one header, every entry once
        Map<String, List<Path>> bySession = new TreeMap<>();
        Map<String, Integer> entries = new HashMap<>();
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            for (Path f : s.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                Matcher session = Pattern.compile("\nSession: (\\S+)\n").matcher(text);
                assertTrue(session.find(), "no Session line in " + f);
                bySession.computeIfAbsent(session.group(1), k -> new ArrayList<>()).add(f);
                assertEquals(1, text.split("Chat Log - Session started at", -1).length - 1, "one header in " + f);
                for (String line : text.split("\n")) {
                    Matcher m = TRANSCRIPT_ENTRY.matcher(line);
                    if (m.matches()) {
                        entries.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
                    }
                }
            }
        }
        List<String> entriesTwice = entries.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        List<String> entriesLost = acked.stream().filter(a -> !entries.containsKey(a)).toList();

        System.out.printf("multi-process (%s, 64 KB rollovers): %d acknowledged events, %d archives; master log: %d lost,"
                        + " %d duplicated; transcripts: %d lost, %d duplicated, %d files for %d sessions; %d status warnings%n",
                what, acked.size(), archives.size(), lost.size(), twice.size(), entriesLost.size(), entriesTwice.size(),
                bySession.values().stream().mapToInt(List::size).sum(), bySession.size(), statuses.size());
        assertEquals(List.of(), lost.stream().limit(10).toList(), lost.size() + " acknowledged events lost");
        assertEquals(List.of(), twice.stream().limit(10).toList(), twice.size() + " events written twice");
        assertEquals(List.of(), entriesLost.stream().limit(10).toList(), entriesLost.size() + " transcript entries lost");
        assertEquals(List.of(), entriesTwice.stream().limit(10).toList(), "transcript entries written twice");
        assertEquals(List.of(), unfinished, "archives left unfinished");
        assertTrue(archives.size() >= 10, "the master log rolled: " + archives.size());
        assertEquals(0, unreadable, "unreadable lines in the master log");
        assertEquals(children.size(), starts, "one app:start per JVM");
        assertEquals(archives.size(), rotated, "one rotation line per archive");
        assertEquals(MultiProcessChild.SHARED_SESSIONS, bySession.size(), bySession.toString());
        bySession.forEach((id, files) -> assertEquals(1, files.size(), "files of session " + id + ": " + files));
        assertEquals(List.of(), statuses.stream().filter(s -> s.contains("another program")).toList(),
                "a cooperating process reported as another program");
    }

    private static List<Path> concat(List<Path> archives, Path live) {
        List<Path> all = new ArrayList<>(archives);
        all.add(live);
        return all;
    }

    private static List<String> lines(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        if (f.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.toList());
        }
    }

    /** One child JVM and what it printed. */
    private static final class Child {
        final Process process;
        final List<String> out = new ArrayList<>();
        final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read);
            this.reader.start();
        }

        static Child start(Path config, Path dir, String run, long steps) throws IOException {
            return new Child(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + config,
                    "-DCHATLOG_DIR=" + dir, "-DCHATLOG_MAX_FILE_SIZE=64KB", MultiProcessChild.class.getName(), run,
                    Long.toString(steps)).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        void awaitAcks(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            synchronized (out) {
                while (out.size() < count + 1 && System.currentTimeMillis() < deadline) {
                    out.wait(100);
                }
                assertTrue(out.size() > count, "the child logged " + out.size() + " lines");
            }
        }

        void awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the child did not finish");
            reader.join(DEADLINE_MS);
            synchronized (out) {
                assertTrue(out.contains("done"), "the child did not finish cleanly: exit " + process.exitValue());
            }
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.add(line);
                        out.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        }
    }
}
