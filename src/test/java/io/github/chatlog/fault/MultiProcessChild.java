package io.github.chatlog.fault;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * A child JVM for {@link MultiProcessTest}: {@value #THREADS} threads log through plain SLF4J with the example
 * configuration, each step a chat entry in one of {@value #SHARED_SESSIONS} sessions that every child shares and an
 * event, and print {@code ack <writer> <seq>} once both calls have returned. With a step count it then prints the
 * warnings and errors of Logback's status and exits cleanly; with {@code -1} it runs until it is killed.
 */
public final class MultiProcessChild {

    public static final int THREADS = 2;
    public static final int SHARED_SESSIONS = 6;

    private MultiProcessChild() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[0];
        long steps = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        Logger chat = LoggerFactory.getLogger("chat");
        Logger events = LoggerFactory.getLogger("event.multi");
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            String writer = run + "w" + t;
            threads[t] = new Thread(() -> {
                for (long seq = 0; steps < 0 || seq < steps; seq++) {
                    MDC.put("session_id", "shared-" + (seq % SHARED_SESSIONS));
                    chat.atInfo().addKeyValue("role", "user").log(writer + " seq " + seq);
                    events.atInfo().addKeyValue("w", writer).addKeyValue("seq", seq).log("multi:tick");
                    synchronized (out) {
                        out.println("ack " + writer + " " + seq);
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
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.stop(); // what the shutdown hook does, done here so its status can be printed
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= Status.WARN) {
                out.println("status " + s.getMessage().replace('\n', ' '));
            }
        }
        out.println("done");
    }
}
