package io.github.chatlog.logback;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chat backends on Java 21+ log from virtual threads (Spring Boot's {@code spring.threads.virtual.enabled}): 10,000 of
 * them, each logging a few entries into one of 1,000 sessions through a real {@code logback.xml}, lose nothing,
 * interleave nothing, and never pin their carrier on the write path. Pinning is what JFR's
 * {@code jdk.VirtualThreadPinned} records (Java 21 and later; on 21 a {@code synchronized} block that blocks pins, on
 * 24 and later only native frames and class initialisers do); and, since a virtual thread waiting for a monitor holds
 * its carrier on 21, no {@code synchronized} of the plugin or Logback is contended on the write path (JFR's
 * {@code jdk.JavaMonitorEnter}). Both detectors are shown a case on purpose first. Skipped on Java 17, the build's own
 * release: the suite runs on a newer JDK in {@code .ci/run}.
 */
class VirtualThreadTest {

    static final int THREADS = 10_000;
    static final int SESSIONS = 1_000;
    static final int ENTRIES = 3;

    private static final String CONFIG = "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
            + "<format>jsonl</format><fileNamePattern>%session.jsonl</fileNamePattern></appender>"
            + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
            + "<file>${CHATLOG_DIR}/master.log</file><logTurns>true</logTurns></appender>"
            + "<logger name='chat' additivity='false'><appender-ref ref='CHAT'/><appender-ref ref='MASTER'/></logger>"
            + "<root level='INFO'><appender-ref ref='MASTER'/></root>";

    @Test
    void tenThousandVirtualThreadsIntoOneThousandSessions(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 or later");
        ThreadFactory virtual = virtualThreadFactory();
        warmUp(virtual, dir.resolve("warm-up"));
        LogbackFixture f = LogbackFixture.fromXml(CONFIG, dir.resolve("run"));
        Path jfr = dir.resolve("pinning.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            join(logFromVirtualThreads(f.logger("chat"), virtual, failure, THREADS, SESSIONS));
            assertNull(failure.get(), () -> "a logging call threw: " + failure.get());
            f.close();
            // the detector must see a pin when there is one, or its silence about the write path would prove nothing
            pinOnPurpose(virtual);
            recording.stop();
            recording.dump(jfr);
        }
        assertEquals(List.of(), f.errors());

        List<RecordedEvent> all = RecordingFile.readAllEvents(jfr);
        List<RecordedEvent> pins = all.stream().filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                .collect(Collectors.toList());
        List<RecordedEvent> onPurpose = pins.stream().filter(e -> inStack(e, ON_PURPOSE))
                .collect(Collectors.toList());
        assertTrue(!onPurpose.isEmpty(), "JFR recorded no pin even for a parking class initialiser: "
                + pins.stream().map(VirtualThreadTest::describe).collect(Collectors.joining("\n")));
        List<String> writePathPins = pins.stream().filter(e -> !onPurpose.contains(e))
                .filter(e -> inStack(e, "io.github.chatlog.") || inStack(e, "ch.qos.logback."))
                .map(VirtualThreadTest::describe).collect(Collectors.toList());
        assertEquals(List.of(), writePathPins, "carrier pinned on the write path");

        // on Java 21 a virtual thread blocked on a monitor holds its carrier: none may block on one on the write path
        // (JFR records a wait once the JVM stops spinning for the monitor: short contended sections go unseen)
        List<RecordedEvent> waits = all.stream().filter(e -> e.getEventType().getName().equals("jdk.JavaMonitorEnter"))
                .filter(e -> inStack(e, "io.github.chatlog.") || inStack(e, "ch.qos.logback.")).collect(Collectors.toList());
        assertTrue(waits.stream().anyMatch(e -> inStack(e, ON_PURPOSE)), "JFR recorded no wait even for the held monitor");
        List<String> ownMonitors = waits.stream().filter(e -> !inStack(e, ON_PURPOSE)).filter(VirtualThreadTest::ownMonitor)
                .map(VirtualThreadTest::describe).collect(Collectors.toList());
        assertEquals(List.of(), ownMonitors, "a synchronized block or method on the write path was contended");
        long jdkMonitors = waits.stream().filter(e -> !inStack(e, ON_PURPOSE) && !ownMonitor(e)).count();

        assertEverySessionHoldsItsEntries(f.dir.resolve("chats"));
        assertTheMasterLogHoldsOneTurnPerEntry(f.master());
        System.out.printf("virtual threads on Java %d: %d threads x %d entries into %d sessions, nothing lost or "
                        + "interleaved, %d pins recorded (%d on purpose, 0 on the write path), contended monitors on the "
                        + "write path: 0 of its own, %d inside the JDK%n", Runtime.version().feature(),
                THREADS, ENTRIES, SESSIONS, pins.size(), onPurpose.size(), jdkMonitors);
    }

    /** The name of the class {@link #pinOnPurpose} initialises. */
    private static final String ON_PURPOSE = VirtualThreadTest.class.getName() + "$1PinsOnPurpose";
    private static final Object HELD = new Object();

    /**
     * Pins a carrier on purpose, the ways each Java version records: a class initialiser (which no virtual thread can
     * leave) that parks, then waits for a monitor the caller holds. A local class, so that test discovery, which
     * initialises nested classes, does not run it first.
     */
    private static void pinOnPurpose(ThreadFactory virtual) throws InterruptedException {
        final class PinsOnPurpose {
            static {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                synchronized (HELD) {
                    HELD.notifyAll();
                }
            }

            static void load() {
            }
        }
        Thread v = virtual.newThread(PinsOnPurpose::load);
        synchronized (HELD) {
            v.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (v.getState() != Thread.State.BLOCKED && v.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        join(List.of(v));
    }

    /**
     * The same work, smaller, in another context before the recording starts: a class loaded for the first time is
     * loaded under a lock that pins (once per class, not per entry), and those pins are not what this test is after.
     * 400 sessions, so that closing the least recently used file (past {@code maxOpenFiles}, 256) is warmed up too.
     */
    private static void warmUp(ThreadFactory virtual, Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(CONFIG, dir);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        join(logFromVirtualThreads(f.logger("chat"), virtual, failure, 2_000, 400));
        f.close();
        assertNull(failure.get(), () -> "a logging call threw: " + failure.get());
    }

    /** Thread t logs ENTRIES two-line entries into session {@code t % sessions}, all threads released at once. */
    private static List<Thread> logFromVirtualThreads(Logger chat, ThreadFactory virtual, AtomicReference<Throwable> failure,
                                                      int count, int sessions) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            int thread = t;
            Thread v = virtual.newThread(() -> {
                try {
                    go.await();
                    MDC.put("session_id", session(thread % sessions));
                    for (int e = 0; e < ENTRIES; e++) {
                        chat.atInfo().addKeyValue("role", e % 2 == 0 ? "user" : "assistant").log(content(thread, e));
                    }
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                } finally {
                    MDC.clear();
                }
            });
            v.start();
            threads.add(v);
        }
        go.countDown();
        return threads;
    }

    private static void assertEverySessionHoldsItsEntries(Path chats) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        for (int s = 0; s < SESSIONS; s++) {
            Path file = chats.resolve(session(s) + ".jsonl");
            Map<Integer, Integer> nextEntryOfThread = new HashMap<>();
            int entries = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode entry = json.readTree(line); // a line two writers mixed would not parse
                assertEquals(session(s), entry.get("session_id").asString(), line);
                String content = entry.get("content").asString();
                int thread = Integer.parseInt(content.substring("thread ".length(), content.indexOf(' ', "thread ".length())));
                assertEquals(s, thread % SESSIONS, "an entry of another session in " + file + ": " + line);
                int e = nextEntryOfThread.merge(thread, 1, Integer::sum) - 1;
                assertEquals(content(thread, e), content, "one thread's entries keep their order");
                entries++;
            }
            assertEquals(THREADS / SESSIONS * ENTRIES, entries, file.toString());
            for (int e : nextEntryOfThread.values()) {
                assertEquals(ENTRIES, e);
            }
        }
        try (var files = Files.list(chats)) {
            assertEquals(SESSIONS, files.filter(p -> !p.getFileName().toString().equals(
                    io.github.chatlog.file.SessionFileNames.DESCRIPTION)).count(), "one file per session, no stray files");
        }
    }

    private static void assertTheMasterLogHoldsOneTurnPerEntry(Path master) throws Exception {
        Map<String, Integer> turns = new HashMap<>();
        for (String line : Files.readAllLines(master, StandardCharsets.UTF_8)) {
            String[] fields = line.split("\\|", 4);
            if (fields[1].equals("conversation:turn")) {
                String id = fields[3].replaceAll(".*\\bsession_id=(\\S+).*", "$1");
                turns.merge(id, 1, Integer::sum);
            }
        }
        assertEquals(SESSIONS, turns.size());
        for (Map.Entry<String, Integer> t : turns.entrySet()) {
            assertEquals(THREADS / SESSIONS * ENTRIES, t.getValue(), t.getKey());
        }
    }

    private static String session(int s) {
        return "vt-" + s;
    }

    private static String content(int thread, int entry) {
        return "thread " + thread + " entry " + entry + "\nits second line";
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0 && joined(t, left), "a virtual thread still running after 120 s: " + t);
        }
    }

    private static boolean joined(Thread t, long nanos) throws InterruptedException {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        return !t.isAlive();
    }

    private static boolean inStack(RecordedEvent e, String prefix) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(frame -> frame.getMethod().getType().getName().startsWith(prefix));
    }

    /** A monitor the plugin or Logback chose: a synchronized method or block of theirs, or a synchronized collection. */
    private static boolean ownMonitor(RecordedEvent e) {
        String top = e.getStackTrace().getFrames().get(0).getMethod().getType().getName();
        return top.startsWith("io.github.chatlog.") || top.startsWith("ch.qos.logback.")
                || top.startsWith("java.util.Collections$Synchronized");
    }

    private static String describe(RecordedEvent e) {
        return e.getStackTrace().getFrames().stream().map(VirtualThreadTest::frame).collect(Collectors.joining(" < "));
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    /** {@code Thread.ofVirtual().factory()}, called reflectively so that this class compiles for Java 17. */
    static ThreadFactory virtualThreadFactory() throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
    }
}
