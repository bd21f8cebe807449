package io.github.chatlog.api;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.logback.LoggerFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call to a language model, logged as it happens through plain SLF4J: what the call carries in (the new user turn,
 * the tool results it hands back) as chat entries and an {@code llm:request} event when it starts; then either the
 * assistant reply with its metadata and an {@code llm:response} event, or an error entry and an {@code llm:error} event.
 * The LangChain4j listener and the Spring AI advisor are built on it; any other model client can use it the same way:
 *
 * <pre>{@code
 * ModelCall call = ModelCall.builder("my-client").session("abc123").provider("openai").model("gpt-4o-mini")
 *         .user("Hello").start();
 * ...
 * call.response("Hi!").model("gpt-4o-mini-2024-07-18").tokensIn(9).tokens(3).finishReason("stop").log();
 * }</pre>
 *
 * Entries go to the logger {@code chat.<source>}, events to {@code event.<source>}. Every entry and event names its
 * session itself (when one is known), so the reply may be logged from whichever thread the client completes on. The
 * reply or failure is logged once; no method throws into the caller.
 */
public final class ModelCall {

    /** Key-value of {@code llm:request}: the number of messages sent. */
    public static final String MESSAGES = "messages";
    /** Key-value of {@code llm:request}: the number of tools offered to the model. */
    public static final String TOOLS = "tools";
    /** Key-value of {@code llm:response}: why the model stopped ({@code stop}, {@code length}, {@code tool_calls} ...). */
    public static final String FINISH_REASON = "finish_reason";
    /** Key-value of {@code llm:response}: how many tools the model asked to run. */
    public static final String TOOL_CALLS = "tool_calls";
    /** Key-value of {@code llm:error}: the exception's simple class name. */
    public static final String ERROR_TYPE = "error_type";
    /** Key-value of {@code llm:error}: the exception's message. */
    public static final String ERROR_MESSAGE = "error_message";
    /** The context line of the error entry a failed call writes to the transcript. {@value} */
    public static final String FAILED = "model call failed";

    private final String session;
    private final String provider;
    private final String model;
    private final boolean stream;
    private final Logger chat;
    private final Logger events;
    private final long startNanos;
    private final AtomicLong firstTokenNanos = new AtomicLong(-1);
    private final AtomicBoolean finished = new AtomicBoolean();

    private ModelCall(Builder b) {
        this.session = b.session;
        this.provider = b.provider;
        this.model = b.model;
        this.stream = b.stream;
        this.chat = b.chat;
        this.events = b.events;
        this.startNanos = System.nanoTime();
    }

    /**
     * Starts describing a call made by {@code source} (the name of the client or framework, e.g. {@code langchain4j}),
     * which names its loggers: {@code chat.<source>} and {@code event.<source>}.
     */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** The session this call logs into; null when it had none (the appenders then use their default session). */
    public String session() {
        return session;
    }

    /** Records that the first token (or tool-call fragment) arrived now; only the first call counts. */
    public void firstToken() {
        firstTokenAt(System.nanoTime());
    }

    /** Records the {@link System#nanoTime()} at which the first token arrived; only the first call counts. */
    public void firstTokenAt(long nanoTime) {
        firstTokenNanos.compareAndSet(-1, nanoTime);
    }

    /**
     * A tool the model asked for ran during this call (clients that run tools inside the call, like Spring AI): a
     * tool-call entry with its name, arguments and result.
     */
    public void toolCall(String tool, String args, String result) {
        safely(() -> {
            LoggingEventBuilder b = withSession(chat.atInfo()).addKeyValue(ChatKeys.ROLE, "tool")
                    .addKeyValue(ChatKeys.TYPE, ChatKeys.TYPE_TOOL_CALL).addKeyValue(ChatKeys.TOOL, tool == null ? "unknown" : tool);
            add(add(b, ChatKeys.ARGS, args), ChatKeys.RESULT, result).log("");
        });
    }

    /** Starts the reply of a successful call; {@link Response#log()} writes it. {@code text} may be null (tools only). */
    public Response response(String text) {
        return new Response(text);
    }

    /**
     * The call failed: an error entry in the transcript (and so an {@code error:runtime} line in the master log) and an
     * {@code llm:error} event with the provider, model, latency and the exception's type and message. Logged once; a
     * call that already logged its reply logs nothing more.
     */
    public void failed(Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long latency = elapsedMs(System.nanoTime());
        safely(() -> {
            LoggingEventBuilder entry = withSession(chat.atError());
            entry = add(add(entry, ChatKeys.PROVIDER, provider), ChatKeys.MODEL, model);
            entry.addKeyValue(ChatKeys.LATENCY_MS, latency).setCause(error).log(FAILED);
        });
        safely(() -> {
            LoggingEventBuilder event = withSession(events.atWarn().addKeyValue(ChatKeys.EVENT_TYPE, EventTypes.LLM_ERROR));
            event = add(add(event, ChatKeys.PROVIDER, provider), ChatKeys.MODEL, model)
                    .addKeyValue(ChatKeys.LATENCY_MS, latency);
            if (stream) {
                event = event.addKeyValue(ChatKeys.STREAM, true);
            }
            event = event.addKeyValue(ERROR_TYPE, error == null ? "unknown" : error.getClass().getSimpleName());
            String message = error == null ? null : error.getMessage();
            add(event, ERROR_MESSAGE, message).log("");
        });
    }

    private long elapsedMs(long nowNanos) {
        return Math.max(0, (nowNanos - startNanos) / 1_000_000);
    }

    private LoggingEventBuilder withSession(LoggingEventBuilder b) {
        return session == null ? b : b.addKeyValue(ChatKeys.SESSION_ID, session);
    }

    private static LoggingEventBuilder add(LoggingEventBuilder b, String key, Object value) {
        return value == null ? b : b.addKeyValue(key, value);
    }

    /** Logging must never break the model call it describes. */
    private static void safely(Runnable log) {
        try {
            log.run();
        } catch (RuntimeException | LinkageError ignored) {
            // an appender reports its own failures as Logback statuses; nothing else can be done here
        }
    }

    /** The reply of a call, built up and then {@link #log() logged}; not thread-safe, meant for one expression. */
    public final class Response {
        private final String text;
        private String responseModel;
        private Long tokensIn;
        private Long tokens;
        private String finishReason;
        private int toolCalls;

        private Response(String text) {
            this.text = text;
        }

        /** The model that answered, as the provider reports it (the requested one when not set). */
        public Response model(String model) {
            this.responseModel = model;
            return this;
        }

        /** Input (prompt) tokens, when the provider reports them. */
        public Response tokensIn(Number tokens) {
            this.tokensIn = tokens == null ? null : tokens.longValue();
            return this;
        }

        /** Output tokens, when the provider reports them. */
        public Response tokens(Number tokens) {
            this.tokens = tokens == null ? null : tokens.longValue();
            return this;
        }

        public Response finishReason(String reason) {
            this.finishReason = reason;
            return this;
        }

        /** How many tools the model asked to run in this reply. */
        public Response toolCalls(int count) {
            this.toolCalls = count;
            return this;
        }

        /**
         * Logs the reply: an assistant entry with provider, model, latency, tokens (and for streams {@code stream=true}
         * and {@code ttft_ms}) unless the reply is only a request to run tools (the tool calls are logged with their
         * results when those go back to the model), then an {@code llm:response} event with the same figures.
         * Logged once; a call that already failed logs nothing more.
         */
        public void log() {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            long now = System.nanoTime();
            long first = firstTokenNanos.get();
            ChatMetadata meta = ChatMetadata.of();
            if (provider != null) {
                meta.provider(provider);
            }
            String answered = responseModel != null ? responseModel : model;
            if (answered != null) {
                meta.model(answered);
            }
            meta.latencyMs(elapsedMs(now));
            if (tokens != null) {
                meta.tokens(tokens);
            }
            if (tokensIn != null) {
                meta.tokensIn(tokensIn);
            }
            if (stream) {
                meta.with(ChatKeys.STREAM, true);
                if (first >= 0) {
                    meta.ttftMs(elapsedMs(first));
                }
            }
            boolean toolsOnly = toolCalls > 0 && (text == null || text.isEmpty());
            if (!toolsOnly) {
                safely(() -> {
                    LoggingEventBuilder b = withSession(chat.atInfo()).addKeyValue(ChatKeys.ROLE, "assistant");
                    for (var e : meta.entries()) {
                        b = b.addKeyValue(e.getKey(), e.getValue());
                    }
                    b.log(text == null ? "" : text);
                });
            }
            safely(() -> {
                LoggingEventBuilder b = withSession(events.atInfo().addKeyValue(ChatKeys.EVENT_TYPE, EventTypes.LLM_RESPONSE));
                for (var e : meta.entries()) {
                    b = b.addKeyValue(e.getKey(), e.getValue());
                }
                b = add(b, FINISH_REASON, finishReason);
                if (toolCalls > 0) {
                    b = b.addKeyValue(TOOL_CALLS, toolCalls);
                }
                b.log("");
            });
        }
    }

    /** What a call is about to send; {@link #start()} logs it and starts the clock. Not thread-safe. */
    public static final class Builder {
        private final Logger chat;
        private final Logger events;
        private String session;
        private String provider;
        private String model;
        private boolean stream;
        private String user;
        private final List<String[]> toolResults = new ArrayList<>(2);
        private final List<Object[]> values = new ArrayList<>(2);

        private Builder(String source) {
            String s = source == null || source.isEmpty() ? "llm" : source;
            this.chat = LoggerFactory.getLogger(LoggerFamily.CHAT.root() + "." + s);
            this.events = LoggerFactory.getLogger(LoggerFamily.EVENT.root() + "." + s);
        }

        /** The session id; null or empty leaves it to the MDC of the thread that logs, else the default session. */
        public Builder session(String session) {
            this.session = session == null || session.isEmpty() ? null : session;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        /** The model asked for. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Whether the reply is streamed: the reply then carries {@code stream=true} and {@code ttft_ms}. */
        public Builder stream(boolean stream) {
            this.stream = stream;
            return this;
        }

        /** The user turn this call sends, logged as a user entry before {@code llm:request}. */
        public Builder user(String text) {
            this.user = text;
            return this;
        }

        /** A tool call whose result this call hands back to the model, logged as a tool-call entry. */
        public Builder toolCall(String tool, String args, String result) {
            toolResults.add(new String[]{tool, args, result});
            return this;
        }

        /** Another key-value of the {@code llm:request} event, e.g. {@link #MESSAGES} or {@link #TOOLS}. */
        public Builder with(String key, Object value) {
            if (key != null && value != null) {
                values.add(new Object[]{key, value});
            }
            return this;
        }

        /** Logs the user turn, the tool calls and the {@code llm:request} event, and starts timing the call. */
        public ModelCall start() {
            ModelCall call = new ModelCall(this);
            if (user != null) {
                safely(() -> call.withSession(chat.atInfo()).addKeyValue(ChatKeys.ROLE, "user").log(user));
            }
            for (String[] t : toolResults) {
                call.toolCall(t[0], t[1], t[2]);
            }
            safely(() -> {
                LoggingEventBuilder b = call.withSession(events.atInfo().addKeyValue(ChatKeys.EVENT_TYPE, EventTypes.LLM_REQUEST));
                b = add(add(b, ChatKeys.PROVIDER, provider), ChatKeys.MODEL, model);
                if (stream) {
                    b = b.addKeyValue(ChatKeys.STREAM, true);
                }
                for (Object[] kv : values) {
                    b = b.addKeyValue((String) kv[0], kv[1]);
                }
                b.log("");
            });
            return call;
        }
    }
}
