package io.github.chatlog.langchain4j;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import io.github.chatlog.adapters.AdapterLogs;
import io.github.chatlog.adapters.OpenAiStub;
import io.github.chatlog.adapters.OpenAiStub.Reply;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LangChain4j adapter with LangChain4j's real OpenAI clients, talking to a local OpenAI-compatible server, logged
 * through logback-example.xml: the transcript and the master log say exactly what went over the wire.
 */
class LangChain4jAdapterTest {

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

    private ChatModel chatModel(ChatlogChatModelListener listener) {
        return OpenAiChatModel.builder().baseUrl(stub.baseUrl() + "/v1").apiKey("test-key").modelName("gpt-4o-mini")
                .maxRetries(0).timeout(Duration.ofSeconds(30)).listeners(List.of(listener)).build();
    }

    @Test
    void aPlainReplyIsAUserTurnAndAnAssistantReplyWithTheServersModelAndTokens() throws Exception {
        stub.script(r -> Reply.text("Sunny, 24°C.", 14, 6));
        ChatModel model = chatModel(new ChatlogChatModelListener());
        MDC.put("session_id", "lc-plain");
        assertEquals("Sunny, 24°C.", model.chat("Weather in Lisbon?"));
        MDC.remove("session_id");
        logs.close();

        assertEquals("""
                Chat Log - Session started at ts
                Session: lc-plain
                ================================================================================

                [ts] User:
                Weather in Lisbon?

                [ts] Assistant:
                Sunny, 24°C.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=6, speed=? tok/s, tokens_in=14]

                --------------------------------------------------------------------------------

                """, AdapterLogs.transcript(dir, "lc-plain"));
        assertEquals(List.of(
                "llm:request|langchain4j|session_id=lc-plain provider=openai model=gpt-4o-mini messages=1",
                "llm:response|langchain4j|session_id=lc-plain provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=6 tokens_in=14 finish_reason=stop"), AdapterLogs.masterBody(dir));
        assertEquals(1, stub.requests().size());
    }

    @Test
    void aStreamedReplyIsOneEntryWithTimeToFirstTokenAndTheUsageOfTheLastChunk() throws Exception {
        stub.script(r -> Reply.stream(List.of("Here ", "is ", "a calm ", "playlist."), 21, 9));
        ChatlogChatModelListener listener = new ChatlogChatModelListener();
        StreamingChatModel model = ChatlogChatModelListener.streaming(OpenAiStreamingChatModel.builder()
                .baseUrl(stub.baseUrl() + "/v1").apiKey("test-key").modelName("gpt-4o-mini")
                .timeout(Duration.ofSeconds(30)).listeners(List.of(listener)).build());
        MDC.put("session_id", "lc-stream");
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        List<String> pieces = new ArrayList<>();
        model.chat("Play something relaxing.", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        MDC.remove("session_id");
        assertEquals("Here is a calm playlist.", done.get(60, TimeUnit.SECONDS).aiMessage().text());
        assertEquals(List.of("Here ", "is ", "a calm ", "playlist."), pieces);
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "lc-stream");
        assertTrue(transcript.contains("""
                [ts] Assistant:
                Here is a calm playlist.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=9, speed=? tok/s, ttft=?, \
                tokens_in=21, stream=true]
                """), transcript);
        assertTrue(transcript.contains("[ts] User:\nPlay something relaxing.\n"), transcript);
        List<String> master = AdapterLogs.masterBody(dir);
        assertEquals(List.of(
                "llm:request|langchain4j|session_id=lc-stream provider=openai model=gpt-4o-mini stream=true messages=1",
                "llm:response|langchain4j|session_id=lc-stream provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=9 tokens_in=21 stream=true ttft_ms=? finish_reason=stop"), master);
        assertTrue(OpenAiStub.streams(stub.requests().get(0)), "the client streamed");

        // the time to first token is measured, and is no later than the whole reply
        String line = AdapterLogs.master(dir).stream().filter(l -> l.eventType().equals("llm:response")).findFirst()
                .orElseThrow().message();
        assertTrue(number(line, "ttft_ms") <= number(line, "latency_ms"), line);
    }

    interface Assistant {
        String chat(String message);
    }

    static final class WeatherTools {
        final List<String> asked = new ArrayList<>();

        @Tool("The weather forecast for a city")
        String forecast(String city) {
            asked.add(city);
            return "{\"city\":\"" + city + "\",\"high\":24,\"sky\":\"sunny\"}";
        }
    }

    @Test
    void aToolCallIsLoggedWithItsArgumentsAndTheResultTheServiceSentBack() throws Exception {
        stub.script(r -> "tool".equals(OpenAiStub.lastRole(r))
                ? Reply.text("Sunny with a high of 24.", 40, 8)
                : Reply.toolCall("call_1", "forecast", "{\"arg0\":\"Lisbon\"}", 30, 12));
        WeatherTools tools = new WeatherTools();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(chatModel(new ChatlogChatModelListener())).tools(tools).build();
        MDC.put("session_id", "lc-tool");
        assertEquals("Sunny with a high of 24.", assistant.chat("Weather in Lisbon tomorrow?"));
        MDC.remove("session_id");
        logs.close();

        assertEquals(List.of("Lisbon"), tools.asked, "LangChain4j ran the tool");
        assertEquals(2, stub.requests().size());
        assertTrue(stub.requests().get(1).get("messages").toString().contains("\\\"high\\\":24"),
                "the second request carries the result");
        String transcript = AdapterLogs.transcript(dir, "lc-tool");
        assertEquals("""
                Chat Log - Session started at ts
                Session: lc-tool
                ================================================================================

                [ts] User:
                Weather in Lisbon tomorrow?

                [ts] Tool call: forecast
                Arguments: {"arg0":"Lisbon"}
                Result: {"city":"Lisbon","high":24,"sky":"sunny"}

                [ts] Assistant:
                Sunny with a high of 24.

                [Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=8, speed=? tok/s, tokens_in=40]

                --------------------------------------------------------------------------------

                """, transcript);
        assertEquals(List.of(
                "llm:request|langchain4j|session_id=lc-tool provider=openai model=gpt-4o-mini messages=1 tools=1",
                "llm:response|langchain4j|session_id=lc-tool provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=12 tokens_in=30 finish_reason=tool_execution tool_calls=1",
                "llm:request|langchain4j|session_id=lc-tool provider=openai model=gpt-4o-mini messages=3 tools=1",
                "llm:response|langchain4j|session_id=lc-tool provider=openai model=gpt-4o-mini-2024-07-18 latency_ms=? "
                        + "tokens=8 tokens_in=40 finish_reason=stop"), AdapterLogs.masterBody(dir));
    }

    @Test
    void anHttp429IsAnErrorEntryAndAnLlmErrorEventAndStillReachesTheCaller() throws Exception {
        stub.script(r -> Reply.error(429, "Rate limit reached for gpt-4o-mini"));
        ChatModel model = chatModel(new ChatlogChatModelListener());
        MDC.put("session_id", "lc-429");
        assertThrows(RateLimitException.class, () -> model.chat("Hello?"));
        MDC.remove("session_id");
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "lc-429");
        assertTrue(transcript.contains("[ts] User:\nHello?\n"), transcript);
        assertTrue(transcript.contains("[ts] Error:\nRateLimitException: "), transcript);
        assertTrue(transcript.contains("Rate limit reached for gpt-4o-mini"), transcript);
        assertTrue(transcript.contains("Context: model call failed\n"), transcript);
        List<String> master = AdapterLogs.masterBody(dir);
        assertEquals(3, master.size(), master.toString());
        assertEquals("llm:request|langchain4j|session_id=lc-429 provider=openai model=gpt-4o-mini messages=1", master.get(0));
        assertTrue(master.get(1).startsWith("error:runtime|langchain4j|model call failed session_id=lc-429 provider=openai "
                + "model=gpt-4o-mini latency_ms=? - RateLimitException: "), master.get(1));
        assertTrue(master.get(2).startsWith("llm:error|langchain4j|session_id=lc-429 provider=openai model=gpt-4o-mini "
                + "latency_ms=? error_type=RateLimitException error_message="), master.get(2));
        assertTrue(master.get(2).contains("Rate limit reached for gpt-4o-mini"), master.get(2));
    }

    @Test
    void withoutAnMdcSessionTheMemoryIdAttributeNamesTheSession() throws Exception {
        stub.script(r -> Reply.text("Hi.", 3, 1));
        ChatModel model = chatModel(new ChatlogChatModelListener().logUserTurns(false).provider("acme"));
        model.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).build(), ChatRequestOptions.builder()
                .addListenerAttribute(ChatlogChatModelListener.MEMORY_ID_ATTRIBUTE, "memory-7").build());
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "memory-7");
        assertTrue(!transcript.contains("User:"), "user turns off: " + transcript);
        assertTrue(transcript.contains("[ts] Assistant:\nHi.\n\n[Metadata: provider=acme, "), transcript);
    }

    @Test
    void whatTheAdapterLogsIsRedactedLikeAnyCallSite() throws Exception {
        String key = "sk-proj-DEMOdemoDEMOdemo0123456789EXAMPLE";
        stub.script(r -> Reply.text("Never share " + OpenAiStub.lastContent(r).substring(7), 9, 4));
        ChatModel model = chatModel(new ChatlogChatModelListener());
        MDC.put("session_id", "lc-secret");
        assertEquals("Never share " + key, model.chat("My key " + key));
        MDC.remove("session_id");
        logs.close();

        String transcript = AdapterLogs.transcript(dir, "lc-secret");
        assertTrue(transcript.contains("[ts] User:\nMy key [REDACTED:api_key]\n"), transcript);
        assertTrue(transcript.contains("[ts] Assistant:\nNever share [REDACTED:api_key]\n"), transcript);
        assertTrue(!transcript.contains(key), transcript);
    }

    @Test
    void manySessionsThroughOneModelEachKeepOnlyTheirOwnTurns() throws Exception {
        stub.script(r -> Reply.text("echo: " + OpenAiStub.lastContent(r), 5, 3));
        ChatModel model = chatModel(new ChatlogChatModelListener());
        int sessions = 8;
        int turns = 5;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String id = "lc-many-" + s;
                all.add(CompletableFuture.runAsync(() -> {
                    MDC.put("session_id", id);
                    try {
                        for (int t = 0; t < turns; t++) {
                            assertEquals("echo: " + id + " turn " + t, model.chat(id + " turn " + t));
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
            String id = "lc-many-" + s;
            String transcript = AdapterLogs.transcript(dir, id);
            StringBuilder expected = new StringBuilder();
            for (int t = 0; t < turns; t++) {
                expected.append("[ts] User:\n").append(id).append(" turn ").append(t)
                        .append("\n\n[ts] Assistant:\necho: ").append(id).append(" turn ").append(t).append("\n\n")
                        .append("[Metadata: provider=openai, model=gpt-4o-mini-2024-07-18, time=?, tokens=3, speed=? tok/s, "
                                + "tokens_in=5]\n\n").append("-".repeat(80)).append("\n\n");
            }
            assertTrue(transcript.endsWith("=".repeat(80) + "\n\n" + expected), transcript);
        }
        long responses = AdapterLogs.master(dir).stream().filter(l -> l.eventType().equals("llm:response")).count();
        assertEquals(sessions * turns, responses);
    }

    private static long number(String line, String key) {
        Matcher m = Pattern.compile(key + "=(\\d+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Long.parseLong(m.group(1));
    }
}
