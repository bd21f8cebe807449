package io.github.chatlog.privacy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM for the file-mode test: logs through the configuration it is started with until the master log has rolled
 * a few times, prints {@code written}, keeps the database open until a line arrives on standard input, then exits
 * cleanly (the shutdown hook stops the appenders).
 */
public final class ModesChild {

    private ModesChild() {
    }

    public static void main(String[] args) throws Exception {
        Logger chat = LoggerFactory.getLogger("chat");
        Logger events = LoggerFactory.getLogger("event.modes");
        for (int i = 0; i < 2000; i++) {
            MDC.put("session_id", "s" + (i % 7));
            chat.atInfo().addKeyValue("role", i % 2 == 0 ? "user" : "assistant").log("entry " + i + " " + "x".repeat(60));
            events.atInfo().addKeyValue("i", i).log("modes:tick " + "y".repeat(60));
        }
        LoggerFactory.getLogger("com.acme.Orders").warn("failed", new IllegalStateException("boom"));
        MDC.clear();
        System.out.println("written");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
