package io.github.chatlog.springai;

import io.github.chatlog.adapters.AdapterLogs;
import io.github.chatlog.adapters.OpenAiStub;
import io.github.chatlog.adapters.OpenAiStub.Reply;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.retry.support.RetryTemplate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring AI advisor on a real {@code ChatClient} over Spring AI's real OpenAI chat model, talking to a local
 * OpenAI-compatible server, logged through logback-example.xml: the transcript and the master log say exactly what went
 * over the wire.
 */
class SpringAiAdapterTest {

    @TempDir
    Path dir;
    private OpenAiStub stub;
    private LogbackFixture logs;

    @BeforeEach
    void start() throws Exception {
        stub = OpenAiStub.start();
        logs = LogbackFixture.globalFromExample(dir);
    }

    @AfterEach
    void stop() {
        MDC.clear();
        logs.close();
        stub.close();
    }

    private ChatClient client(ChatlogAdvisor advisor) {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .openAiApi(OpenAiApi.builder().baseUrl(stub.baseUrl()).apiKey("test-key").build())
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").streamUsage(true).build())
                .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
                .build();
        return ChatClient.builder(model).defaultAdvisors(advisor).build();
    }

    @Test
    void aPlainCallIsAUserTurnAndAnAssistantReplyWithTheServersModelAndTokens() throws Exception {
        stub.script(r -> Reply.text("Sunny, 24°C.", 14, 6));
        ChatClient chat = client(new ChatlogAdvisor());
        MDC.put("session_id", "sa-plain");
        assertEquals("Sunny, 24°C.", chat.prompt().user("Weather in Lisbon?").call().content());
        MDC.remove("session_id");
        logs.close();

        assertEquals("""
                Chat Log - Session started at ts
                Session: sa-plain
                ================================================================================

                [ts] User:
                Weather in Lisbon?

                [ts] Assistant:
                Sunny, 24°C.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=6, speed=? tok/s, tokens_in=14]

                --------------------------------------------------------------------------------

                """, AdapterLogs.transcript(dir, "sa-plain"));
        assertEquals(List.of(
                "llm:request|spring-ai|session_id=sa-plain provider=openai model=gpt-4o-mini messages=1",
                "llm:response|spring-ai|session_id=sa-plain provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=6 tokens_in=14 finish_reason=stop"), AdapterLogs.masterBody(dir));
    }

    @Test
    void aStreamIsOneEntryWithTimeToFirstTokenAndTheUsageOfTheLastChunk() throws Exception {
        stub.script(r -> Reply.stream(List.of("Here ", "is ", "a calm ", "playlist."), 21, 9));
        ChatClient chat = client(new ChatlogAdvisor());
        MDC.put("session_id", "sa-stream");
        List<String> pieces = chat.prompt().user("Play something relaxing.").stream().content().collectList().block();
        MDC.remove("session_id");
        assertEquals(List.of("Here ", "is ", "a calm ", "playlist."), pieces);
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "sa-stream");
        assertTrue(transcript.endsWith("""
                [ts] User:
                Play something relaxing.

                [ts] Assistant:
                Here is a calm playlist.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=9, speed=? tok/s, ttft=?, \
                tokens_in=21, stream=true]

                --------------------------------------------------------------------------------

                """), transcript);
        assertEquals(List.of(
                "llm:request|spring-ai|session_id=sa-stream provider=openai model=gpt-4o-mini stream=true messages=1",
                "llm:response|spring-ai|session_id=sa-stream provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=9 tokens_in=21 stream=true ttft_ms=? finish_reason=stop"), AdapterLogs.masterBody(dir));
        assertTrue(OpenAiStub.streams(stub.requests().get(0)), "the client streamed");
        String line = AdapterLogs.master(dir).stream().filter(l -> l.eventType().equals("llm:response")).findFirst()
                .orElseThrow().message();
        assertTrue(number(line, "ttft_ms") <= number(line, "latency_ms"), line);
    }

    /** The tool's input: record components keep their names without {@code -parameters}. */
    record City(String city) {
    }

    @Test
    void aToolTheModelAsksForIsLoggedAsItRunsWithItsArgumentsAndResult() throws Exception {
        stub.script(r -> "tool".equals(OpenAiStub.lastRole(r))
                ? Reply.text("Sunny with a high of 24.", 40, 8)
                : Reply.toolCall("call_1", "forecast", "{\"city\":\"Lisbon\"}", 30, 12));
        List<String> asked = new CopyOnWriteArrayList<>();
        var forecast = FunctionToolCallback.builder("forecast", (City c) -> {
            asked.add(c.city());
            return "{\"city\":\"" + c.city() + "\",\"high\":24,\"sky\":\"sunny\"}";
        }).description("The weather forecast for a city").inputType(City.class).build();
        ChatClient chat = client(new ChatlogAdvisor());
        MDC.put("session_id", "sa-tool");
        assertEquals("Sunny with a high of 24.",
                chat.prompt().user("Weather in Lisbon tomorrow?").toolCallbacks(forecast).call().content());
        MDC.remove("session_id");
        logs.close();

        assertEquals(List.of("Lisbon"), asked, "Spring AI ran the tool");
        assertEquals(2, stub.requests().size());
        assertTrue(stub.requests().get(1).get("messages").toString().contains("\\\"high\\\":24"),
                "the second request carries the result");
        String transcript = AdapterLogs.transcript(dir, "sa-tool");
        assertTrue(transcript.endsWith("""
                [ts] User:
                Weather in Lisbon tomorrow?

                [ts] Tool call: forecast
                Arguments: {"city":"Lisbon"}
                Result: {"city":"Lisbon","high":24,"sky":"sunny"}

                [ts] Assistant:
                Sunny with a high of 24.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=20, speed=? tok/s, tokens_in=70]

                --------------------------------------------------------------------------------

                """), transcript);
        // Spring AI runs the tool inside the model call: one request/response pair for the ChatClient call, whose usage
        // Spring AI adds up over both model replies (12 + 8 output, 30 + 40 input tokens)
        assertEquals(List.of(
                "llm:request|spring-ai|session_id=sa-tool provider=openai model=gpt-4o-mini messages=1 tools=1",
                "llm:response|spring-ai|session_id=sa-tool provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=20 tokens_in=70 finish_reason=stop"), AdapterLogs.masterBody(dir));
    }

    @Test
    void anHttp429IsAnErrorEntryAndAnLlmErrorEventAndStillReachesTheCaller() throws Exception {
        stub.script(r -> Reply.error(429, "Rate limit reached for gpt-4o-mini"));
        ChatClient chat = client(new ChatlogAdvisor());
        MDC.put("session_id", "sa-429");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> chat.prompt().user("Hello?").call().content());
        MDC.remove("session_id");
        logs.close();

        String type = thrown.getClass().getSimpleName();
        String transcript = AdapterLogs.transcript(dir, "sa-429");
        assertTrue(transcript.contains("[ts] User:\nHello?\n"), transcript);
        assertTrue(transcript.contains("[ts] Error:\n" + type + ": "), transcript);
        assertTrue(transcript.contains("Rate limit reached for gpt-4o-mini"), transcript);
        List<String> master = AdapterLogs.masterBody(dir);
        assertEquals(3, master.size(), master.toString());
        assertEquals("llm:request|spring-ai|session_id=sa-429 provider=openai model=gpt-4o-mini messages=1", master.get(0));
        assertTrue(master.get(1).startsWith("error:runtime|spring-ai|model call failed session_id=sa-429 provider=openai "
                + "model=gpt-4o-mini latency_ms=? - " + type + ": "), master.get(1));
        assertTrue(master.get(2).startsWith("llm:error|spring-ai|session_id=sa-429 provider=openai model=gpt-4o-mini "
                + "latency_ms=? error_type=" + type + " error_message="), master.get(2));
        assertTrue(master.get(2).contains("429"), master.get(2));
    }

    @Test
    void withoutAnMdcSessionTheChatMemoryConversationIdNamesTheSession() throws Exception {
        stub.script(r -> Reply.text("Hi.", 3, 1));
        ChatClient chat = client(ChatlogAdvisor.builder().logUserTurns(false).provider("acme").build());
        chat.prompt().user("Hello").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conversation-7")).call().content();
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "conversation-7");
        assertTrue(!transcript.contains("User:"), "user turns off: " + transcript);
        assertTrue(transcript.contains("[ts] Assistant:\nHi.\n\n[Metadata: provider=acme, "), transcript);
    }

    @Test
    void manySessionsThroughOneClientEachKeepOnlyTheirOwnTurns() throws Exception {
        stub.script(r -> OpenAiStub.streams(r)
                ? Reply.stream(List.of("echo: ", OpenAiStub.lastContent(r)), 5, 3)
                : Reply.text("echo: " + OpenAiStub.lastContent(r), 5, 3));
        ChatClient chat = client(new ChatlogAdvisor());
        int sessions = 8;
        int turns = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String id = "sa-many-" + s;
                all.add(CompletableFuture.runAsync(() -> {
                    MDC.put("session_id", id);
                    try {
                        for (int t = 0; t < turns; t++) {
                            String text = id + " turn " + t;
                            // calls and streams alternate: a stream completes on Reactor's threads, not this one
                            String reply = t % 2 == 0 ? chat.prompt().user(text).call().content()
                                    : String.join("", chat.prompt().user(text).stream().content().collectList().block());
                            assertEquals("echo: " + text, reply);
                        }
                    } finally {
                        MDC.remove("session_id");
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        logs.close();

        assertEquals(sessions, AdapterLogs.transcripts(dir).size());
        for (int s = 0; s < sessions; s++) {
            String id = "sa-many-" + s;
            StringBuilder expected = new StringBuilder();
            for (int t = 0; t < turns; t++) {
                expected.append("[ts] User:\n").append(id).append(" turn ").append(t)
                        .append("\n\n[ts] Assistant:\necho: ").append(id).append(" turn ").append(t).append("\n\n")
                        .append("[Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=3, speed=? tok/s, ")
                        .append(t % 2 == 0 ? "tokens_in=5]" : "ttft=?, tokens_in=5, stream=true]")
                        .append("\n\n").append("-".repeat(80)).append("\n\n");
            }
            String transcript = AdapterLogs.transcript(dir, id);
            assertTrue(transcript.endsWith("=".repeat(80) + "\n\n" + expected), transcript);
        }
    }

    private static long number(String line, String key) {
        Matcher m = Pattern.compile(key + "=(\\d+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Long.parseLong(m.group(1));
    }
}
