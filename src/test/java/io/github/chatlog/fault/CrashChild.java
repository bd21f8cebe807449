package io.github.chatlog.fault;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * A child JVM for the crash test: 4 threads, 128 sessions each, logging a chat entry and an event per step through
 * plain SLF4J with logback-example.xml, and printing {@code ack <writer> <seq>} once both calls have returned. The
 * parent kills it with SIGKILL at a random moment.
 */
public final class CrashChild {

    public static final int THREADS = 4;
    public static final int SESSIONS = 128;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[0];
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        Logger chat = LoggerFactory.getLogger("chat");
        Logger events = LoggerFactory.getLogger("event.crash");
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            String writer = "r" + run + "w" + t;
            threads[t] = new Thread(() -> {
                for (long seq = 0; ; seq++) {
                    MDC.put("session_id", writer + "-s" + (seq % SESSIONS));
                    chat.atInfo().addKeyValue("role", "user").log(writer + " seq " + seq);
                    events.atInfo().addKeyValue("w", writer).addKeyValue("seq", seq).log("crash:tick");
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
    }
}
