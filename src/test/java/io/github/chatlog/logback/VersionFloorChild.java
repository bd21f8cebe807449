package io.github.chatlog.logback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Run by {@link SupportedVersionsTest} in a child JVM on another Logback: logs a chat entry, an event and an ordinary
 * logger's warning with an exception through the SLF4J API every version has, says whether the calls returned, prints
 * Logback's warnings and errors, and stops the context. Uses nothing newer than SLF4J 1.7 and Logback 1.2.
 */
public final class VersionFloorChild {

    private VersionFloorChild() {
    }

    public static void main(String[] args) {
        Logger chat = LoggerFactory.getLogger("chat");
        Logger event = LoggerFactory.getLogger("event.agent");
        Logger app = LoggerFactory.getLogger("com.example.App");
        MDC.put("session_id", "floor");
        try {
            chat.info("hello from the oldest Logback");
            event.info("llm:request sent tokens_in=3");
            app.warn("lookup failed", new java.io.IOException("disk gone"));
            System.out.println("calls-returned");
        } catch (Throwable t) {
            System.out.println("caller-got " + t);
        }
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        System.out.println("logback-from " + context.getClass().getProtectionDomain().getCodeSource().getLocation());
        for (ch.qos.logback.core.status.Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= ch.qos.logback.core.status.Status.WARN) {
                System.out.println("status-" + (s.getLevel() == ch.qos.logback.core.status.Status.ERROR ? "error " : "warn ")
                        + s.getMessage());
            }
        }
        context.stop();
        System.out.println("done");
    }
}
