package io.github.chatlog.cli;

import ch.qos.logback.classic.LoggerContext;
import io.github.chatlog.api.Errors;
import io.github.chatlog.api.Events;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.logback.MasterLogAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * {@code chatlog demo}: a simulated agent session logged through plain SLF4J (and once through the optional facade)
 * with whatever Logback configuration is in force (the launcher uses {@code logback-example.xml}), then a report of
 * where everything went.
 */
final class Demo {

    private static final int PREVIEW_LINES = 15;

    private Demo() {
    }

    static int run(PrintStream out) throws IOException {
        Logger agent = LoggerFactory.getLogger("event.agent_service");
        Logger llm = LoggerFactory.getLogger("event.llm");
        Logger chat = LoggerFactory.getLogger("chat");
        Logger app = LoggerFactory.getLogger(Demo.class);

        String session = "demo-" + Long.toHexString(System.currentTimeMillis());
        MDC.put("session_id", session);
        try {
            String question = "What's the weather like in Lisbon tomorrow?";
            agent.atInfo().addKeyValue("user_msg_len", question.length()).log(EventTypes.CONVERSATION_START);
            chat.atInfo().addKeyValue("role", "user").log(question);

            llm.atInfo().addKeyValue("provider", "local").addKeyValue("model", "llama3.2")
                    .addKeyValue("tokens_in", 512).log(EventTypes.LLM_REQUEST);
            pause(120);
            llm.atInfo().addKeyValue("provider", "local").addKeyValue("model", "llama3.2")
                    .addKeyValue("latency_ms", 850).addKeyValue("tokens", 28).log(EventTypes.LLM_RESPONSE);
            chat.atInfo().addKeyValue("role", "assistant").addKeyValue("model", "llama3.2").addKeyValue("latency_ms", 850)
                    .addKeyValue("tokens", 28).log("Sunny, 24°C, light wind from the north.");

            // the optional facade writes the same kind of line
            Events.event(EventTypes.STATE_WRITE).source("memory").with("key", "last_city").with("value", "Lisbon").log();

            // an error: one line in the master log, no stack trace
            LoggerFactory.getLogger("error.websockets")
                    .error("session " + session, new SocketException("Connection reset"));
            // a wrapper that logs and rethrows
            try {
                Errors.run("tools", () -> {
                    throw new IllegalStateException("weather API quota exceeded");
                });
            } catch (IllegalStateException expected) {
                // the agent answers from its cache instead
            }
            // an exception logged at WARN+ by ordinary application code is captured too
            app.warn("cache refresh failed", new java.io.UncheckedIOException(new IOException("disk busy")));
            agent.atInfo().addKeyValue("turns", 1).addKeyValue("duration_ms", 1450).log(EventTypes.CONVERSATION_END);
        } finally {
            MDC.remove("session_id");
        }

        // a clean stop writes app:shutdown and finishes any archive
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }

        Path dir = Paths.get(directory()).toAbsolutePath().normalize();
        Path master = dir.resolve(MasterLogAppender.DEFAULT_FILE_NAME);
        out.println();
        out.println("logback-chatlog demo: session " + session);
        out.println("  master event log : " + master);
        out.println("  archives         : " + dir.resolve(MasterLogAppender.DEFAULT_ARCHIVE_DIRECTORY_NAME));
        if (!Files.exists(master)) {
            out.println("  (no master log was written: is logback-example.xml the configuration in force?)");
            return 1;
        }
        List<String> lines = Files.readAllLines(master, StandardCharsets.UTF_8);
        int from = Math.max(0, lines.size() - PREVIEW_LINES);
        out.println();
        out.println("Last " + (lines.size() - from) + " of " + lines.size() + " lines of " + master.getFileName() + ":");
        for (String line : lines.subList(from, lines.size())) {
            out.println("  " + line);
        }
        return 0;
    }

    static String directory() {
        String dir = System.getProperty(MasterLogAppender.DIR_PROPERTY);
        if (dir == null) {
            dir = System.getenv(MasterLogAppender.DIR_PROPERTY);
        }
        return dir == null || dir.isBlank() ? MasterLogAppender.DEFAULT_DIR : dir;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
