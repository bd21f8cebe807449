package io.github.chatlog.fault;

import io.github.chatlog.cli.CliRun;
import io.github.chatlog.store.EventStore;
import io.github.chatlog.store.PostgresServer;
import io.github.chatlog.store.StoreBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §11, issue 15: four application instances (child JVMs, each in its own working directory as on its own
 * machine) with the example configuration and only {@code LOG_STORAGE} set to one PostgreSQL database, 25,000 events
 * each: 100,000 rows, none twice, each saying which instance wrote it; the sessions every instance wrote to read back
 * as one conversation each, in time order, through {@code chatlog sessions} and {@code chatlog show --db}.
 */
@Tag("slow")
class PostgresInstancesTest {

    private static final int INSTANCES = 4;
    private static final int EVENTS_PER_INSTANCE = 25_000;
    private static final long STEPS = EVENTS_PER_INSTANCE / StoreInstanceChild.THREADS;
    private static final long DEADLINE_S = 300;

    @Test
    void fourInstancesIntoOneDatabaseLoseNothingAndDuplicateNothing(@TempDir Path dir) throws Exception {
        String url = PostgresServer.shared().newDatabase("instances");
        Path config = dir.resolve("logback.xml");
        Files.copy(Path.of("logback-example.xml"), config);
        List<Process> children = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            Path machine = Files.createDirectory(dir.resolve("instance-" + i));
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + config,
                    "-DLOG_STORAGE=" + url, StoreInstanceChild.class.getName(), "r" + i, Long.toString(STEPS))
                    .directory(machine.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> out = new ArrayList<>();
            Thread reader = new Thread(() -> read(p, out));
            reader.start();
            children.add(p);
            outputs.add(out);
            readers.add(reader);
        }
        for (int i = 0; i < INSTANCES; i++) {
            assertTrue(children.get(i).waitFor(DEADLINE_S, TimeUnit.SECONDS), "instance " + i + " did not finish");
            readers.get(i).join(60_000);
            List<String> out = outputs.get(i);
            synchronized (out) {
                assertTrue(out.contains("done"), "instance " + i + " did not finish cleanly: " + out);
                assertTrue(out.stream().anyMatch(l -> l.startsWith("store written=") && l.endsWith(" dropped=0")),
                        "instance " + i + ": " + out);
                assertEquals(List.of(), out.stream().filter(l -> l.startsWith("status ")).toList(), "instance " + i);
            }
            // every instance kept its own files, as on its own machine
            assertTrue(Files.readString(dir.resolve("instance-" + i).resolve("logs/master.log")).contains("|multi:tick|"));
        }

        long chats = INSTANCES * StoreInstanceChild.THREADS * ((STEPS + StoreInstanceChild.CHAT_EVERY - 1)
                / StoreInstanceChild.CHAT_EVERY);
        assertEquals(List.of(List.of(String.valueOf(INSTANCES * EVENTS_PER_INSTANCE),
                        String.valueOf(INSTANCES * EVENTS_PER_INSTANCE), String.valueOf(INSTANCES * EVENTS_PER_INSTANCE))),
                StoreBackend.rows(url, "SELECT count(*), count(DISTINCT message), count(DISTINCT event_key) FROM events "
                        + "WHERE event_type = 'multi:tick'"), "100,000 rows, none twice");
        List<List<String>> perInstance = StoreBackend.rows(url, "SELECT instance, count(*) FROM events WHERE "
                + "event_type = 'multi:tick' GROUP BY instance ORDER BY instance");
        assertEquals(INSTANCES, perInstance.size(), perInstance.toString());
        for (List<String> row : perInstance) {
            assertTrue(row.get(0).matches(".+:\\d+"), "host:pid, not " + row.get(0));
            assertEquals(String.valueOf(EVENTS_PER_INSTANCE), row.get(1), row.toString());
        }
        assertEquals(List.of(List.of(String.valueOf(chats), String.valueOf(chats))), StoreBackend.rows(url,
                "SELECT count(*), count(DISTINCT content) FROM messages"), "every chat entry once");

        // the shared sessions: one conversation each, written by every instance, read back in time order
        CliRun sessions = CliRun.of("sessions", "--db", url, "--json");
        assertEquals(0, sessions.code, sessions.err);
        assertEquals(StoreInstanceChild.SHARED_SESSIONS, sessions.out.split("\n").length, sessions.out);
        try (EventStore store = EventStore.openForReading(url)) {
            for (int s = 0; s < StoreInstanceChild.SHARED_SESSIONS; s++) {
                String id = "shared-" + s;
                List<String> times = new ArrayList<>();
                Set<String> instances = new HashSet<>();
                store.forEachMessage(id, m -> {
                    times.add(m.message().timestamp());
                    instances.add(m.instance());
                });
                assertEquals(INSTANCES, instances.size(), id + " was written by every instance: " + instances);
                assertEquals(times.stream().sorted().toList(), times, id + " reads in time order");
                CliRun show = CliRun.of("show", id, "--db", url);
                assertEquals(0, show.code, show.err);
                assertEquals("", show.err, "one conversation, not several");
                assertEquals(times.size(), show.out.split("] User:\n", -1).length - 1, id);
                for (int i = 0; i < INSTANCES; i++) {
                    assertTrue(show.out.contains("r" + i + "w0 seq "), id + " shows instance " + i);
                }
            }
        }
        System.out.printf("postgres instances: %d instances, %d events and %d chat entries into one database%n",
                INSTANCES, INSTANCES * EVENTS_PER_INSTANCE, chats);
    }

    private static void read(Process p, List<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (out) {
                    out.add(line);
                }
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
