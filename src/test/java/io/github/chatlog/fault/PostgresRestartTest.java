package io.github.chatlog.fault;

import ch.qos.logback.core.status.Status;
import io.github.chatlog.Await;
import io.github.chatlog.logback.EventStoreAppender;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.store.PostgresServer;
import io.github.chatlog.store.StoreBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: PostgreSQL restarted ({@code pg_ctl stop -m fast}, then started) in the middle of a run. The writer waits,
 * reconnects with growing pauses and goes on where it was: nothing the application logged is lost, nothing is stored
 * twice (a batch cut off by the stop may have been committed: it is written again and adds nothing). What a full queue
 * could not take is counted and reported, with the count, and the password in the URL is never shown.
 */
@Tag("slow")
class PostgresRestartTest {

    private static final int STEPS = 6_000;

    private static String config(String url, String extra) {
        return "<appender name='STORE' class='io.github.chatlog.logback.EventStoreAppender'><storage>"
                + url.replace("&", "&amp;") + "</storage>" + extra + "</appender>"
                + "<root level='INFO'><appender-ref ref='STORE'/></root>";
    }

    private static void step(LogbackFixture f, long i) {
        MDC.put("session_id", "restart-" + (i % 4));
        try {
            f.logger("chat").atInfo().addKeyValue("role", "user").log("entry " + i);
            f.logger("error.restart").atError().addKeyValue("i", i).log("error " + i);
            f.logger("event.restart").atInfo().addKeyValue("i", i).log("restart:tick");
        } finally {
            MDC.clear();
        }
    }

    @Test
    void aRestartMidRunLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.newDatabase("restart");
        CountDownLatch down = new CountDownLatch(1);
        // a queue that holds the whole run: the half logged while the database is down waits in it
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, "<queueSize>" + 4 * STEPS + "</queueSize>"), dir)) {
            EventStoreAppender store = (EventStoreAppender) f.context.getLogger("ROOT").getAppender("STORE");
            Thread app = new Thread(() -> {
                for (long i = 0; i < STEPS; i++) {
                    if (i == STEPS / 2) {
                        try {
                            assertTrue(down.await(60, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    step(f, i);
                }
            }, "application");
            app.start();
            Await.until("the store has written before the restart", () -> store.written() > 1_000);
            server.stop();
            Await.until("the writer met the stopped database", () -> f.errors().stream()
                    .anyMatch(e -> e.contains("cannot write to")));
            down.countDown(); // the second half is logged while the database is down
            app.join(120_000);
            long writtenWhileDown = store.written();
            server.start();
            Await.until("the writer is back", () -> f.statusMessages(Status.WARN).stream()
                    .anyMatch(m -> m.contains("writing to") && m.contains("again after")));
            f.close(); // drains the queue
            System.out.printf("postgres restart: %d steps (4 records each), %d records written before the restart, "
                    + "%d dropped%n", STEPS, writtenWhileDown, store.dropped());

            assertEquals(0, store.dropped());
            assertEquals(4L * STEPS, store.written(), "a chat entry, an error (its line and its entry), an event");
            assertEquals(List.of(List.of(String.valueOf(STEPS), String.valueOf(STEPS))), StoreBackend.rows(url,
                    "SELECT count(*), count(DISTINCT content) FROM messages WHERE type = 'message'"),
                    "every chat entry, once");
            // an error in a session is a conversation entry too
            assertEquals(STEPS, StoreBackend.count(url, "SELECT count(*) FROM messages WHERE type = 'error'"));
            for (String type : new String[]{"error:%", "restart:tick"}) {
                assertEquals(List.of(List.of(String.valueOf(STEPS), String.valueOf(STEPS))), StoreBackend.rows(url,
                        "SELECT count(*), count(DISTINCT raw_line) FROM events WHERE event_type LIKE '" + type + "'"),
                        type + ": every event, once");
            }
            assertEquals(2L * STEPS, StoreBackend.count(url, "SELECT sum(messages) FROM sessions"), "counted once");
            assertTrue(f.statusMessages(Status.WARN).stream().anyMatch(m -> m.contains("nothing was dropped")),
                    f.statusMessages(Status.WARN).toString());
            assertTrue(f.errors().stream().noneMatch(m -> m.contains("gave up")), "nothing given up");
        }
    }

    @Test
    void whatAFullQueueCouldNotTakeIsCountedAndReported(@TempDir Path dir) throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.newDatabase("drops") + "&password=not-for-the-log";
        try (LogbackFixture f = LogbackFixture.fromXml(config(url, "<queueSize>16</queueSize>"
                + "<batchSize>1</batchSize><blockTimeout>100 milliseconds</blockTimeout>"), dir)) {
            EventStoreAppender store = (EventStoreAppender) f.context.getLogger("ROOT").getAppender("STORE");
            f.logger("event").info("before:stop");
            Await.until("the store is writing", () -> store.written() == 1);
            server.stop();
            try {
                for (int i = 0; i < 200; i++) {
                    f.logger("event.drops").atInfo().addKeyValue("i", i).log("drop:tick");
                }
                f.logger("chat").atInfo().addKeyValue("role", "user").log("waits 100 ms for room, then is dropped");
            } finally {
                server.start();
            }
            f.close(); // drains the queue into the restarted database
            long stored = StoreBackend.count(url, "SELECT count(*) FROM events WHERE event_type = 'drop:tick'");
            long chats = StoreBackend.count(url, "SELECT count(*) FROM messages");
            assertEquals(201, stored + chats + store.dropped(), "stored or counted");
            // the queue's 16 and the one record the writer holds while it retries were kept
            assertTrue(store.dropped() >= 200 - 17, "dropped: " + store.dropped());
            String all = f.context.getStatusManager().getCopyOfStatusList().stream().map(Status::getMessage)
                    .collect(Collectors.joining("\n"));
            assertTrue(all.contains(store.dropped() + " in all"), all);
            // the writer may meet the stopped database before or after the queue overflows: either way no report
            // says nothing was dropped
            assertFalse(all.contains("nothing was dropped"), all);
            assertTrue(all.contains("password=***"), all);
            assertFalse(all.contains("not-for-the-log"), all);
        }
    }
}
