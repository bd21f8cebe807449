package io.github.chatlog.fault;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import io.github.chatlog.Await;
import io.github.chatlog.logback.EventStoreAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One application instance for {@link PostgresInstancesTest}: the example configuration (only {@code LOG_STORAGE} set,
 * to the shared PostgreSQL database), {@value #THREADS} threads logging through plain SLF4J, each step an event and,
 * every {@value #CHAT_EVERY}th, a chat entry in one of {@value #SHARED_SESSIONS} sessions every instance shares. Like a
 * service taking requests rather than a loop, it lets at most {@value #IN_FLIGHT} records wait for the store, so that
 * no event is dropped for a full queue (what the test counts is the store's, not an overload's). Then it stops Logback,
 * prints what the store wrote and dropped and every warning and error of the status, and {@code done}.
 */
public final class StoreInstanceChild {

    public static final int THREADS = 2;
    public static final int CHAT_EVERY = 5;
    public static final int SHARED_SESSIONS = 6;
    static final int IN_FLIGHT = 4_000;

    private StoreInstanceChild() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[0];
        long steps = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        Logger chat = LoggerFactory.getLogger("chat");
        Logger events = LoggerFactory.getLogger("event.multi");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        EventStoreAppender store = (EventStoreAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STORE");
        AtomicLong submitted = new AtomicLong();
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            String writer = run + "w" + t;
            threads[t] = new Thread(() -> {
                for (long seq = 0; seq < steps; seq++) {
                    MDC.put("session_id", "shared-" + (seq % SHARED_SESSIONS));
                    try {
                        events.atInfo().addKeyValue("w", writer).addKeyValue("seq", seq).log("multi:tick");
                        submitted.incrementAndGet();
                        if (seq % CHAT_EVERY == 0) {
                            chat.atInfo().addKeyValue("role", "user").log(writer + " seq " + seq);
                            submitted.incrementAndGet();
                        }
                    } finally {
                        MDC.remove("session_id");
                    }
                    if (seq % 200 == 0) {
                        Await.until("the store keeps up", () -> submitted.get() - store.written() < IN_FLIGHT);
                    }
                }
            });
        }
        out.println("ready");
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] counts = new long[2];
        store.stop(); // drains the queue; what the shutdown hook does, done here so its figures can be printed
        counts[0] = store.written();
        counts[1] = store.dropped();
        context.stop();
        out.println("store written=" + counts[0] + " dropped=" + counts[1]);
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= Status.WARN) {
                out.println("status " + s.getMessage().replace('\n', ' '));
            }
        }
        out.println("done");
    }
}
