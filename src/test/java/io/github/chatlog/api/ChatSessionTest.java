package io.github.chatlog.api;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat API over the SLF4J-bound context configured by logback-example.xml, read back from the files. */
class ChatSessionTest {

    private LogbackFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
        MDC.clear();
    }

    private static String transcript(Path dir, String id) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith("_" + id + ".log")).collect(Collectors.toList());
            assertEquals(1, files.size(), files.toString());
            return Files.readString(files.get(0));
        }
    }

    @Test
    void sessionScopeEntriesStreamingAndFallback(@TempDir Path dir) throws Exception {
        f = LogbackFixture.globalFromExample(dir);
        MDC.put("session_id", "outer");
        try (ChatSession chat = ChatSession.open("api-1")) {
            assertEquals("api-1", MDC.get("session_id"));
            chat.system("You are terse.");
            chat.user("Weather in Lisbon?");
            chat.toolCall("weather", "{\"city\":\"Lisbon\"}", "24°C, sunny");
            chat.decision("answer from the tool", "fresh data");
            chat.fallback("openai", "local", "timeout");
            chat.assistant("24°C and sunny.", ChatMetadata.of().provider("local").model("phi3").latencyMs(400)
                    .tokens(8).confidence(0.35));
            chat.user("And tomorrow?");
            StreamingReply reply = chat.stream(ChatMetadata.of().provider("local").model("phi3"));
            reply.chunk("Rain ").chunk("likely.");
            assertEquals("Rain likely.", reply.complete());
            chat.error("tool crashed", new IllegalStateException("quota"));
            // plain SLF4J in the same scope lands in the same transcript
            LoggerFactory.getLogger("chat").atInfo().addKeyValue("role", "user").log("plain slf4j");
            assertEquals(2, chat.turns());
        }
        assertEquals("outer", MDC.get("session_id"), "the previous MDC is restored");
        String text = transcript(dir, "api-1");
        assertTrue(text.contains("] System:\nYou are terse.\n"), text);
        assertTrue(text.contains("] Tool call: weather\nArguments: {\"city\":\"Lisbon\"}\nResult: 24°C, sunny\n"), text);
        assertTrue(text.contains("] Decision:\nanswer from the tool\nRationale: fresh data\n"), text);
        assertTrue(text.contains("[Metadata: provider=local, model=phi3, time=0.40s, tokens=8, speed=20.00 tok/s, "
                + "confidence=0.35, fallback_from=openai]"), text);
        // the times are measured, so any value: what matters is that each is there, in its place and form
        assertTrue(text.matches("(?s).*Rain likely\\.\n\n\\[Metadata: provider=local, model=phi3, time=\\d+\\.\\d\\ds, tokens=2, "
                + "(speed=\\d+\\.\\d\\d tok/s, )?ttft=\\d+\\.\\d\\ds, stream=true]\n.*"), text);
        assertTrue(text.contains("] Error:\nIllegalStateException: quota\nContext: tool crashed\n"), text);
        assertTrue(text.contains("] User:\nplain slf4j\n"), text);
        assertTrue(text.matches("(?s).*Session ended at [^\n]* - turns=3, duration=[^\n]*, tokens=10, avg speed=[^\n]*\n"), text);

        f.close();
        List<String> master = f.masterLines();
        assertTrue(master.stream().anyMatch(l -> l.contains("|conversation:start|chat|session_id=api-1")), master.toString());
        assertTrue(master.stream().anyMatch(l -> l.contains("|llm:fallback|chat|session_id=api-1 from=openai to=local reason=timeout")), master.toString());
        assertTrue(master.stream().anyMatch(l -> l.matches(".*\\|conversation:end\\|chat\\|session_id=api-1 turns=2 duration_ms=\\d+")), master.toString());
        assertTrue(master.stream().anyMatch(l -> l.contains("|error:runtime|chat|tool crashed session_id=api-1 - IllegalStateException: quota")), master.toString());
        assertTrue(master.stream().noneMatch(l -> l.contains("Lisbon")), "no chat content in the master log");
    }

    @Test
    void mdcFollowsWorkToExecutorsAndFutures(@TempDir Path dir) throws Exception {
        f = LogbackFixture.globalFromExample(dir);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            MDC.put("session_id", "voice-7");
            var executor = MdcPropagation.executor(pool);
            CompletableFuture<Void> speech = CompletableFuture.runAsync(() ->
                    LoggerFactory.getLogger("chat").atInfo().addKeyValue("role", "user").log("heard on a worker"), executor);
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(MdcPropagation.supplier(() -> {
                LoggerFactory.getLogger("chat").atInfo().addKeyValue("role", "assistant").log("said from a future");
                return MDC.get("session_id");
            }));
            speech.get(10, TimeUnit.SECONDS);
            assertEquals("voice-7", reply.get(10, TimeUnit.SECONDS));
            MDC.clear();
            // the workers' own MDC is restored: nothing leaks into the next task
            assertNull(CompletableFuture.supplyAsync(() -> MDC.get("session_id"), pool).get(10, TimeUnit.SECONDS));
            assertEquals("x", pool.submit(MdcPropagation.callable(() -> "x")).get());
        } finally {
            pool.shutdown();
        }
        String text = transcript(dir, "voice-7");
        assertTrue(text.contains("] User:\nheard on a worker\n"), text);
        assertTrue(text.contains("] Assistant:\nsaid from a future\n"), text);
    }
}
