package io.github.chatlog.cli;

import ch.qos.logback.classic.LoggerContext;
import io.github.chatlog.api.ChatMetadata;
import io.github.chatlog.api.ChatSession;
import io.github.chatlog.api.Errors;
import io.github.chatlog.api.Events;
import io.github.chatlog.api.MdcPropagation;
import io.github.chatlog.api.StreamingReply;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.format.TerminalText;
import io.github.chatlog.logback.ChatTranscriptAppender;
import io.github.chatlog.logback.MasterLogAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code chatlog demo}: three simulated agent sessions running at once, logged through plain SLF4J and the optional
 * chat API with whatever Logback configuration is in force (the launcher uses {@code logback-example.xml}), then a
 * report of where everything went and one session's transcript.
 */
final class Demo {

    private static final int PREVIEW_LINES = 12;
    private static final Logger LLM = LoggerFactory.getLogger("event.llm");

    private Demo() {
    }

    static int run(PrintWriter out) throws Exception {
        String run = Long.toHexString(System.currentTimeMillis());
        List<String> sessions = List.of("weather-" + run, "support-" + run, "voice-" + run);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            all.add(CompletableFuture.runAsync(() -> weather(sessions.get(0)), pool));
            all.add(CompletableFuture.runAsync(() -> support(sessions.get(1)), pool));
            all.add(CompletableFuture.runAsync(() -> voice(sessions.get(2), pool), pool));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        // an exception logged at WARN+ by ordinary application code is captured too
        LoggerFactory.getLogger(Demo.class).warn("cache refresh failed", new UncheckedIOException(new IOException("disk busy")));

        // a clean stop writes app:shutdown and finishes files and archives
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        return report(out, "logback-chatlog demo: 3 sessions logged at once", sessions.get(0));
    }

    /** A tool call and a plain-SLF4J request/response pair. */
    private static void weather(String id) {
        try (ChatSession chat = ChatSession.open(id)) {
            chat.user("What's the weather like in Lisbon tomorrow?");
            LLM.atInfo().addKeyValue("provider", "local").addKeyValue("model", "llama3.2").addKeyValue("tokens_in", 512)
                    .log(EventTypes.LLM_REQUEST);
            chat.toolCall("weather_forecast", "{\"city\":\"Lisbon\",\"day\":\"tomorrow\"}", "{\"high\":24,\"sky\":\"sunny\"}");
            pause(80);
            LLM.atInfo().addKeyValue("provider", "local").addKeyValue("model", "llama3.2").addKeyValue("latency_ms", 850)
                    .addKeyValue("tokens", 28).log(EventTypes.LLM_RESPONSE);
            chat.assistant("Sunny with a high of 24°C, light wind from the north.", ChatMetadata.of().provider("local")
                    .model("llama3.2").latencyMs(850).tokens(28).confidence(0.92));
            chat.user("Should I take an umbrella?");
            chat.assistant("I'm not sure: the forecast only covers the morning.", ChatMetadata.of().provider("local")
                    .model("llama3.2").latencyMs(610).tokens(14).confidence(0.38));
            // users paste secrets into chats: masked before any file sees them (CHATLOG_REDACT, README: Privacy)
            chat.user("My key sk-proj-DEMOdemoDEMOdemo0123456789EXAMPLE stopped working, can you check it?");
            chat.assistant("I can't check keys here, and please don't share them: rotate that one.", ChatMetadata.of()
                    .provider("local").model("llama3.2").latencyMs(540).tokens(16));
            Events.event(EventTypes.STATE_WRITE).source("memory").with("key", "last_city").with("value", "Lisbon").log();
        }
    }

    /** A fallback after a provider error, and an error in the conversation. */
    private static void support(String id) {
        try (ChatSession chat = ChatSession.open(id)) {
            chat.system("You are a support agent for ACME routers.");
            chat.user("My router keeps rebooting.");
            try {
                Errors.run("llm", () -> {
                    throw new IllegalStateException("openai: 429 Too Many Requests");
                });
            } catch (IllegalStateException rateLimited) {
                chat.fallback("openai", "local", "rate limited");
            }
            chat.assistant("Let's check the power supply first: is the LED steady or blinking?",
                    ChatMetadata.of().provider("local").model("phi3-mini.gguf").latencyMs(920).tokens(17));
            chat.decision("escalate to a human", "the user reported a hardware fault twice");
            LoggerFactory.getLogger("error.websockets")
                    .error("sending the escalation notice", new SocketException("Connection reset"));
        }
    }

    /** A streamed reply, with user speech logged from another thread of the pipeline. */
    private static void voice(String id, ExecutorService pool) {
        try (ChatSession chat = ChatSession.open(id)) {
            CompletableFuture.runAsync(MdcPropagation.runnable(() -> LoggerFactory.getLogger("chat.stt").atInfo()
                    .addKeyValue("role", "user").log("Play something relaxing.")), pool).join();
            StreamingReply reply = chat.stream(ChatMetadata.of().provider("local").model("llama3.2"));
            pause(60);
            for (String chunk : new String[]{"Here is ", "a calm ", "piano ", "playlist."}) {
                reply.chunk(chunk);
                pause(15);
            }
            reply.complete();
        }
    }

    /**
     * Where everything went: the directories, the last lines of the master log, the transcript of {@code shownSession}
     * (and how many others this run wrote: those whose id ends as its does after the first {@code -}), then what the
     * reading commands make of it.
     */
    static int report(PrintWriter out, String title, String shownSession) throws IOException {
        Path dir = Paths.get(CliSupport.defaultDirectory()).toAbsolutePath().normalize();
        Path master = dir.resolve(MasterLogAppender.DEFAULT_FILE_NAME);
        Path chats = dir.resolve(ChatTranscriptAppender.DEFAULT_DIRECTORY_NAME);
        out.println();
        out.println(title);
        out.println("  master event log : " + master);
        out.println("  archives         : " + dir.resolve(MasterLogAppender.DEFAULT_ARCHIVE_DIRECTORY_NAME));
        out.println("  transcripts      : " + chats);
        if (!Files.exists(master)) {
            out.println("  (no master log was written: is logback-example.xml the configuration in force?)");
            return 1;
        }
        List<String> lines = Files.readAllLines(master, StandardCharsets.UTF_8);
        int from = Math.max(0, lines.size() - PREVIEW_LINES);
        out.println();
        out.println("Last " + (lines.size() - from) + " of " + lines.size() + " lines of " + master.getFileName() + ":");
        for (String line : lines.subList(from, lines.size())) {
            out.println("  " + TerminalText.line(line));
        }
        List<Path> transcripts;
        try (Stream<Path> s = Files.exists(chats) ? Files.list(chats) : Stream.empty()) {
            transcripts = s.sorted().collect(Collectors.toList());
        }
        Path shown = transcripts.stream().filter(p -> p.getFileName().toString().endsWith("_" + shownSession + ".log"))
                .findFirst().orElse(null);
        out.println();
        out.println("Transcripts written in this run: " + transcripts.stream()
                .filter(p -> p.getFileName().toString().contains(shownSession.substring(shownSession.indexOf('-'))))
                .count());
        if (shown == null) {
            out.println("  (no transcript found for " + shownSession + ")");
            return 1;
        }
        out.println();
        out.println("Transcript of session " + shownSession + " (" + shown + "):");
        out.println();
        out.print(TerminalText.text(Files.readString(shown, StandardCharsets.UTF_8)));
        // what the reading commands make of it
        picocli.CommandLine cli = new picocli.CommandLine(new ChatlogCli());
        cli.setOut(out);
        for (String command : new String[]{"sessions", "stats"}) {
            out.println();
            out.println("$ chatlog " + command);
            cli.execute(command, "--dir", dir.toString());
        }
        out.flush();
        return 0;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
