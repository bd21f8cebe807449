package io.github.chatlog.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.github.chatlog.api.ModelCall;
import io.github.chatlog.event.ChatKeys;
import org.slf4j.MDC;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Logs every call of a LangChain4j {@code ChatModel} or {@code StreamingChatModel} into the chatlog transcript and
 * master log, registered once on the model:
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o-mini")
 *         .listeners(List.of(new ChatlogChatModelListener()))
 *         .build();
 * }</pre>
 *
 * Each call writes the user turn it sends, the tool calls whose results it hands back (name, arguments, result), then
 * the assistant reply with provider, model, latency and token counts, or an error; and {@code llm:request},
 * {@code llm:response} / {@code llm:error} events. Entries go to the logger {@code chat.langchain4j}, events to
 * {@code event.langchain4j}, so redaction, formats, JSON shipping and the store apply unchanged.
 *
 * <p>Session: the MDC {@code session_id} of the thread that makes the call; else the listener attribute
 * {@value #MEMORY_ID_ATTRIBUTE} passed with {@code ChatRequestOptions}; else the appenders' default session. LangChain4j
 * 1.19 does not hand an AI service's {@code @MemoryId} to model listeners: put it in the MDC around the call.
 *
 * <p>Streams: the listener API reports no partial responses, so time to first token needs the model wrapped with
 * {@link #streaming(StreamingChatModel)}, which also marks its calls {@code stream=true}. One listener may serve many
 * models and threads; its options are meant to be set before it is registered.
 */
public class ChatlogChatModelListener implements ChatModelListener {

    /** The source of the entries and events: loggers {@code chat.langchain4j} and {@code event.langchain4j}. */
    public static final String SOURCE = "langchain4j";
    /** The listener attribute (in {@code ChatRequestOptions}) that names the conversation when the MDC does not. */
    public static final String MEMORY_ID_ATTRIBUTE = "memory_id";

    /** Where the listener keeps the call between request and response, in LangChain4j's per-call attributes. */
    private static final Object CALL = new Object();

    private volatile boolean logUserTurns = true;
    private volatile String provider;
    private volatile String sessionKey = ChatKeys.SESSION_ID;

    /** A listener with the defaults: user turns logged, provider named after the model's {@code ModelProvider}. */
    public ChatlogChatModelListener() {
    }

    /**
     * Wraps a streaming model so that its calls carry {@code stream=true} and {@code ttft_ms}, the time from the request
     * to the first partial response or tool-call fragment. Register the listener on the model itself as usual.
     */
    public static StreamingChatModel streaming(StreamingChatModel model) {
        return new TimedStreamingChatModel(model);
    }

    /** Whether the user message a call sends is logged as a user entry (default true). */
    public ChatlogChatModelListener logUserTurns(boolean log) {
        this.logUserTurns = log;
        return this;
    }

    /** The provider name written with each call (default: the model's {@code ModelProvider}, e.g. {@code openai}). */
    public ChatlogChatModelListener provider(String name) {
        this.provider = name;
        return this;
    }

    /** The MDC key that holds the session id (default {@code session_id}, as the appenders use). */
    public ChatlogChatModelListener sessionKey(String key) {
        if (key != null && !key.isEmpty()) {
            this.sessionKey = key;
        }
        return this;
    }

    @Override
    public void onRequest(ChatModelRequestContext context) {
        try {
            ChatRequest request = context.chatRequest();
            Map<Object, Object> attributes = context.attributes();
            FirstToken first = attributes.get(FirstToken.KEY) instanceof FirstToken f ? f : null;
            ModelCall.Builder call = ModelCall.builder(SOURCE)
                    .session(session(attributes))
                    .provider(providerName(context.modelProvider()))
                    .model(request.parameters() == null ? null : request.parameters().modelName())
                    .stream(first != null)
                    .with(ModelCall.MESSAGES, request.messages().size());
            List<?> tools = request.parameters() == null ? null : request.parameters().toolSpecifications();
            if (tools != null && !tools.isEmpty()) {
                call.with(ModelCall.TOOLS, tools.size());
            }
            addInputs(call, request.messages());
            attributes.put(CALL, call.start());
        } catch (RuntimeException | LinkageError e) {
            // never into the model call (LangChain4j catches exceptions from listeners, not errors)
        }
    }

    @Override
    public void onResponse(ChatModelResponseContext context) {
        try {
            if (!(context.attributes().get(CALL) instanceof ModelCall call)) {
                return;
            }
            if (context.attributes().get(FirstToken.KEY) instanceof FirstToken first && first.nanos() >= 0) {
                call.firstTokenAt(first.nanos());
            }
            ChatResponse response = context.chatResponse();
            AiMessage message = response.aiMessage();
            ModelCall.Response reply = call.response(message == null ? null : message.text());
            if (response.metadata() != null) {
                TokenUsage usage = response.metadata().tokenUsage();
                if (usage != null) {
                    reply.tokensIn(usage.inputTokenCount()).tokens(usage.outputTokenCount());
                }
                reply.model(response.metadata().modelName());
                if (response.metadata().finishReason() != null) {
                    reply.finishReason(response.metadata().finishReason().name().toLowerCase(Locale.ROOT));
                }
            }
            if (message != null && message.hasToolExecutionRequests()) {
                reply.toolCalls(message.toolExecutionRequests().size());
            }
            reply.log();
        } catch (RuntimeException | LinkageError e) {
            // never into the model call (LangChain4j catches exceptions from listeners, not errors)
        }
    }

    @Override
    public void onError(ChatModelErrorContext context) {
        try {
            if (context.attributes().get(CALL) instanceof ModelCall call) {
                call.failed(context.error());
            }
        } catch (RuntimeException | LinkageError e) {
            // never into the model call (LangChain4j catches exceptions from listeners, not errors)
        }
    }

    private String session(Map<Object, Object> attributes) {
        String fromMdc = MDC.get(sessionKey);
        if (fromMdc != null && !fromMdc.isEmpty()) {
            return fromMdc;
        }
        Object memoryId = attributes.get(MEMORY_ID_ATTRIBUTE);
        return memoryId == null ? null : String.valueOf(memoryId);
    }

    private String providerName(ModelProvider modelProvider) {
        String named = provider;
        if (named != null) {
            return named;
        }
        if (modelProvider == null || modelProvider == ModelProvider.OTHER) {
            return null;
        }
        return modelProvider.name().toLowerCase(Locale.ROOT).replace("_", "");
    }

    /**
     * What this call adds to the conversation: the tool results at the end of the messages (each with the request of
     * the assistant message before them), else a user message at the end. Earlier messages were logged by earlier calls.
     */
    private void addInputs(ModelCall.Builder call, List<ChatMessage> messages) {
        int end = messages.size();
        int first = end;
        while (first > 0 && messages.get(first - 1) instanceof ToolExecutionResultMessage) {
            first--;
        }
        if (first < end) {
            AiMessage asked = first > 0 && messages.get(first - 1) instanceof AiMessage ai ? ai : null;
            for (ChatMessage m : messages.subList(first, end)) {
                ToolExecutionResultMessage result = (ToolExecutionResultMessage) m;
                ToolExecutionRequest request = requestOf(asked, result);
                call.toolCall(result.toolName() != null ? result.toolName() : request == null ? null : request.name(),
                        request == null ? null : request.arguments(), result.text());
            }
        } else if (logUserTurns && end > 0 && messages.get(end - 1) instanceof UserMessage user) {
            call.user(text(user));
        }
    }

    private static ToolExecutionRequest requestOf(AiMessage asked, ToolExecutionResultMessage result) {
        if (asked == null || !asked.hasToolExecutionRequests()) {
            return null;
        }
        for (ToolExecutionRequest r : asked.toolExecutionRequests()) {
            if (r.id() != null && r.id().equals(result.id())) {
                return r;
            }
        }
        for (ToolExecutionRequest r : asked.toolExecutionRequests()) {
            if (r.name() != null && r.name().equals(result.toolName())) {
                return r;
            }
        }
        return null;
    }

    private static String text(UserMessage user) {
        StringBuilder text = new StringBuilder();
        for (Content c : user.contents()) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(c instanceof TextContent t ? t.text() : "[" + c.type().name().toLowerCase(Locale.ROOT) + "]");
        }
        return text.toString();
    }
}
