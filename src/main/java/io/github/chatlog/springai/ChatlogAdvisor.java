package io.github.chatlog.springai;

import io.github.chatlog.api.ModelCall;
import io.github.chatlog.event.ChatKeys;
import org.slf4j.MDC;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;

/**
 * Logs every {@code ChatClient} call and stream into the chatlog transcript and master log, added once as an advisor:
 *
 * <pre>{@code
 * ChatClient chat = ChatClient.builder(chatModel).defaultAdvisors(new ChatlogAdvisor()).build();
 * }</pre>
 *
 * Each call writes the user turn, each tool the model runs (name, arguments, result, as it runs), then the assistant
 * reply with provider, model, latency, token counts and, for streams, time to first token; or an error. Alongside go
 * {@code llm:request}, {@code llm:response} / {@code llm:error} events. Entries go to the logger {@code chat.spring-ai},
 * events to {@code event.spring-ai}, so redaction, formats, JSON shipping and the store apply unchanged.
 *
 * <p>Session: the MDC {@code session_id} of the thread that calls (or subscribes to the stream); else the chat memory's
 * conversation id ({@code ChatMemory.CONVERSATION_ID} advisor parameter); else the appenders' default session.
 * Provider: as set, else the package of the model's options ({@code org.springframework.ai.openai...} gives
 * {@code openai}). Tools given to the {@code ChatClient} as callbacks or objects are logged; tools resolved only by name
 * inside the model are not. Never throws into the caller: the model's own errors reach it unchanged.
 */
public final class ChatlogAdvisor implements CallAdvisor, StreamAdvisor {

    /** The source of the entries and events: loggers {@code chat.spring-ai} and {@code event.spring-ai}. */
    public static final String SOURCE = "spring-ai";
    /**
     * The default order: after the chat memory advisors (so the conversation id is known) and close to the model, so the
     * latency is the model's. {@value}
     */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

    private static final List<String> NOT_PROVIDERS = List.of("chat", "model", "tool", "client");

    private final boolean logUserTurns;
    private final String provider;
    private final String sessionKey;
    private final int order;

    /** An advisor with the defaults: user turns logged, provider from the model's options, {@link #DEFAULT_ORDER}. */
    public ChatlogAdvisor() {
        this(builder());
    }

    private ChatlogAdvisor(Builder b) {
        this.logUserTurns = b.logUserTurns;
        this.provider = b.provider;
        this.sessionKey = b.sessionKey;
        this.order = b.order;
    }

    /** Options: {@code ChatlogAdvisor.builder().provider("openai").logUserTurns(false).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getName() {
        return "ChatlogAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        ModelCall call = start(request, session(request), false);
        ChatClientRequest next = call == null ? request : withLoggedTools(request, call);
        ChatClientResponse response;
        try {
            response = chain.nextCall(next);
        } catch (RuntimeException | Error e) {
            if (call != null) {
                call.failed(e);
            }
            throw e;
        }
        if (call != null) {
            StreamedReply reply = new StreamedReply();
            reply.add(response == null ? null : response.chatResponse());
            reply.log(call);
        }
        return response;
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        String session = session(request); // the caller's MDC, before any scheduler takes over
        return Flux.defer(() -> {
            ModelCall call = start(request, session, true);
            if (call == null) {
                return chain.nextStream(request);
            }
            StreamedReply reply = new StreamedReply();
            return chain.nextStream(withLoggedTools(request, call))
                    .doOnNext(r -> {
                        if (reply.add(r == null ? null : r.chatResponse())) {
                            call.firstToken();
                        }
                    })
                    .doOnComplete(() -> reply.log(call))
                    .doOnCancel(() -> reply.cancelled().log(call))
                    .doOnError(call::failed);
        });
    }

    private String session(ChatClientRequest request) {
        try {
            String fromMdc = MDC.get(sessionKey);
            if (fromMdc != null && !fromMdc.isEmpty()) {
                return fromMdc;
            }
            Object conversation = request.context().get(ChatMemory.CONVERSATION_ID);
            return conversation == null ? null : String.valueOf(conversation);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Logs the request; null when even that failed, so the call goes on unobserved rather than not at all. */
    private ModelCall start(ChatClientRequest request, String session, boolean stream) {
        try {
            Prompt prompt = request.prompt();
            ChatOptions options = prompt.getOptions();
            List<Message> messages = prompt.getInstructions();
            ModelCall.Builder call = ModelCall.builder(SOURCE).session(session).provider(providerOf(options))
                    .model(options == null ? null : options.getModel()).stream(stream)
                    .with(ModelCall.MESSAGES, messages.size());
            if (options instanceof ToolCallingChatOptions tools && tools.getToolCallbacks() != null
                    && !tools.getToolCallbacks().isEmpty()) {
                call.with(ModelCall.TOOLS, tools.getToolCallbacks().size());
            }
            if (logUserTurns && !messages.isEmpty() && messages.get(messages.size() - 1) instanceof UserMessage user) {
                call.user(user.getText());
            }
            return call.start();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The request with each tool callback replaced by one that logs its call into this call's session. */
    private static ChatClientRequest withLoggedTools(ChatClientRequest request, ModelCall call) {
        try {
            if (!(request.prompt().getOptions() instanceof ToolCallingChatOptions options)
                    || options.getToolCallbacks() == null || options.getToolCallbacks().isEmpty()) {
                return request;
            }
            List<ToolCallback> logged = new ArrayList<>(options.getToolCallbacks().size());
            for (ToolCallback tool : options.getToolCallbacks()) {
                logged.add(tool instanceof LoggedToolCallback ? tool : new LoggedToolCallback(tool, call));
            }
            Prompt prompt = new Prompt(request.prompt().getInstructions(), withToolCallbacks(options, logged));
            return request.mutate().prompt(prompt).build();
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            return request; // the tools run unlogged rather than the call fail
        }
    }

    /** A copy of {@code options} with other tool callbacks: set on a copy (Spring AI 1.x), else rebuilt (2.x). */
    private static ChatOptions withToolCallbacks(ToolCallingChatOptions options, List<ToolCallback> callbacks)
            throws ReflectiveOperationException {
        try {
            ToolCallingChatOptions copy = (ToolCallingChatOptions) options.copy();
            copy.setToolCallbacks(callbacks);
            return copy;
        } catch (LinkageError immutableOptions) {
            // Spring AI 2 options are immutable: options.mutate().toolCallbacks(callbacks).build(), which 1.x lacks
            Object builder = ToolCallingChatOptions.class.getMethod("mutate").invoke(options);
            Class<?> builderType = Class.forName(ToolCallingChatOptions.class.getName() + "$Builder", false,
                    ToolCallingChatOptions.class.getClassLoader());
            builderType.getMethod("toolCallbacks", List.class).invoke(builder, callbacks);
            return (ChatOptions) builderType.getMethod("build").invoke(builder);
        }
    }

    private String providerOf(ChatOptions options) {
        if (provider != null || options == null) {
            return provider;
        }
        // org.springframework.ai.<provider>.XxxOptions, as every Spring AI model module names its package
        String pkg = options.getClass().getPackageName();
        String prefix = "org.springframework.ai.";
        if (!pkg.startsWith(prefix)) {
            return null;
        }
        String rest = pkg.substring(prefix.length());
        String first = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
        return first.isEmpty() || NOT_PROVIDERS.contains(first) ? null : first;
    }

    /** The options of a {@link ChatlogAdvisor}. */
    public static final class Builder {
        private boolean logUserTurns = true;
        private String provider;
        private String sessionKey = ChatKeys.SESSION_ID;
        private int order = DEFAULT_ORDER;

        private Builder() {
        }

        /** Whether the user message of each call is logged as a user entry (default true). */
        public Builder logUserTurns(boolean log) {
            this.logUserTurns = log;
            return this;
        }

        /** The provider name written with each call (default: from the model's options, e.g. {@code openai}). */
        public Builder provider(String name) {
            this.provider = name;
            return this;
        }

        /** The MDC key that holds the session id (default {@code session_id}, as the appenders use). */
        public Builder sessionKey(String key) {
            if (key != null && !key.isEmpty()) {
                this.sessionKey = key;
            }
            return this;
        }

        /** The advisor's place in the chain (default {@link ChatlogAdvisor#DEFAULT_ORDER}). */
        public Builder order(int order) {
            this.order = order;
            return this;
        }

        public ChatlogAdvisor build() {
            return new ChatlogAdvisor(this);
        }
    }

    /** The parts of a reply as they arrive (one for a call, many for a stream), logged once complete. */
    private static final class StreamedReply {
        private final StringBuilder text = new StringBuilder();
        private String model;
        private Integer tokensIn;
        private Integer tokens;
        private String finishReason;
        private int toolCalls;
        private boolean any;

        /** Adds one response or chunk; true when it is the first that carries output. */
        synchronized boolean add(ChatResponse response) {
            if (response == null) {
                return false;
            }
            boolean output = false;
            try {
                if (response.getMetadata() != null) {
                    if (response.getMetadata().getModel() != null && !response.getMetadata().getModel().isEmpty()) {
                        model = response.getMetadata().getModel();
                    }
                    var usage = response.getMetadata().getUsage();
                    if (usage != null && usage.getPromptTokens() != null && usage.getPromptTokens() > 0) {
                        tokensIn = usage.getPromptTokens();
                    }
                    if (usage != null && usage.getCompletionTokens() != null && usage.getCompletionTokens() > 0) {
                        tokens = usage.getCompletionTokens();
                    }
                }
                for (var generation : response.getResults()) {
                    if (generation == null || generation.getOutput() == null) {
                        continue;
                    }
                    String part = generation.getOutput().getText();
                    if (part != null && !part.isEmpty()) {
                        text.append(part);
                        output = true;
                    }
                    if (generation.getOutput().hasToolCalls()) {
                        toolCalls += generation.getOutput().getToolCalls().size();
                        output = true;
                    }
                    var meta = generation.getMetadata();
                    if (meta != null && meta.getFinishReason() != null && !meta.getFinishReason().isEmpty()) {
                        finishReason = meta.getFinishReason().toLowerCase(java.util.Locale.ROOT);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                // a chunk shaped unlike any seen: keep what was read
            }
            boolean first = output && !any;
            any |= output;
            return first;
        }

        synchronized StreamedReply cancelled() {
            if (finishReason == null) {
                finishReason = "cancelled";
            }
            return this;
        }

        synchronized void log(ModelCall call) {
            call.response(text.toString()).model(model).tokensIn(tokensIn).tokens(tokens).finishReason(finishReason)
                    .toolCalls(toolCalls).log();
        }
    }
}
