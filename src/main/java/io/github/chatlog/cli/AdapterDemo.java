package io.github.chatlog.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.langchain4j.ChatlogChatModelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code chatlog demo-adapter}: a LangChain4j conversation through its real OpenAI clients, pointed at a pretend OpenAI
 * on loopback ({@link DemoModelServer}), with {@link ChatlogChatModelListener} registered once on the models and no
 * logging call of its own: the transcript and the master-log events all come from the listener.
 */
final class AdapterDemo {

    private AdapterDemo() {
    }

    static int run(PrintWriter out) throws Exception {
        String session = "langchain4j-" + Long.toHexString(System.currentTimeMillis());
        try (DemoModelServer server = new DemoModelServer()) {
            ChatlogChatModelListener chatlog = new ChatlogChatModelListener();
            ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("demo-key")
                    .modelName("gpt-4o-mini").maxRetries(0).timeout(Duration.ofSeconds(30)).listeners(List.of(chatlog))
                    .build();
            StreamingChatModel streaming = ChatlogChatModelListener.streaming(OpenAiStreamingChatModel.builder()
                    .baseUrl(server.baseUrl()).apiKey("demo-key").modelName("gpt-4o-mini")
                    .timeout(Duration.ofSeconds(30)).listeners(List.of(chatlog)).build());
            // the application names the conversation in the MDC, as it would for any logging; every chat entry and
            // llm:* event below comes from the listener
            Logger events = LoggerFactory.getLogger("event.demo");
            MDC.put("session_id", session);
            try {
                events.atInfo().addKeyValue("event_type", EventTypes.CONVERSATION_START).log("");
                converse(model, streaming);
                events.atInfo().addKeyValue("event_type", EventTypes.CONVERSATION_END).log("");
            } finally {
                MDC.remove("session_id");
            }
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        return Demo.report(out, "logback-chatlog demo-adapter: LangChain4j (OpenAiChatModel, OpenAiStreamingChatModel) "
                + "with ChatlogChatModelListener, against a local stub server", session);
    }

    private static void converse(ChatModel model, StreamingChatModel streaming) throws Exception {
        List<ChatMessage> history = new ArrayList<>();
        history.add(SystemMessage.from("You are a helpful assistant."));
        history.add(UserMessage.from("Hi there!"));
        history.add(model.chat(history).aiMessage());

        // a tool loop, run by hand: the model asks for the tool, we run it, the next request carries the result
        ToolSpecification forecast = ToolSpecification.builder().name("weather_forecast")
                .description("The weather forecast for a city and day")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").addStringProperty("day")
                        .required("city").build())
                .build();
        history.add(UserMessage.from("What's the weather like in Lisbon tomorrow?"));
        AiMessage asked = model.chat(ChatRequest.builder().messages(history).toolSpecifications(forecast).build()).aiMessage();
        history.add(asked);
        for (ToolExecutionRequest call : asked.toolExecutionRequests()) {
            history.add(ToolExecutionResultMessage.from(call, "{\"high\":24,\"sky\":\"sunny\",\"wind\":\"N 10 km/h\"}"));
        }
        history.add(model.chat(ChatRequest.builder().messages(history).toolSpecifications(forecast).build()).aiMessage());

        // a streamed reply: one entry with the time to first token
        history.add(UserMessage.from("Play something relaxing."));
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(history, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        history.add(done.get(60, TimeUnit.SECONDS).aiMessage());

        // the provider refuses (HTTP 429): an error entry and an llm:error event; the caller still gets the exception
        history.add(UserMessage.from("What is my rate limit?"));
        try {
            model.chat(history);
        } catch (RuntimeException rateLimited) {
            history.remove(history.size() - 1);
        }
    }
}
