package io.github.chatlog.api;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.logback.LoggerFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A conversation, as a scope over plain SLF4J: opening puts {@code session_id} in the MDC and logs
 * {@code conversation:start}; closing logs {@code conversation:end} with {@code turns} and {@code duration_ms} (which
 * writes the transcript's footer) and restores the MDC as it was.
 *
 * <pre>{@code
 * try (ChatSession chat = ChatSession.open("abc123")) {
 *     chat.user("Hello, how are you today?");
 *     chat.assistant("I'm doing well!", ChatMetadata.of().provider("local").model("phi3-mini.gguf").latencyMs(850).tokens(28));
 * }
 * }</pre>
 *
 * Every entry names its session itself, so the methods may be called from any thread (a voice pipeline logging user
 * and agent speech from two threads writes one transcript). Plain SLF4J calls need the MDC: see {@link MdcPropagation}.
 */
public final class ChatSession implements AutoCloseable {

    /** The MDC key and key-value name of the session id. */
    public static final String SESSION_KEY = "session_id";

    private static final Logger CHAT = LoggerFactory.getLogger(LoggerFamily.CHAT.root());
    private static final Logger EVENTS = LoggerFactory.getLogger(LoggerFamily.EVENT.root() + ".chat");

    private final String id;
    private final String previousMdc;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicInteger assistants = new AtomicInteger();
    private final AtomicReference<String> pendingFallback = new AtomicReference<>();
    private boolean closed;

    private ChatSession(String id) {
        this.id = id;
        this.previousMdc = MDC.get(SESSION_KEY);
        MDC.put(SESSION_KEY, id);
        EVENTS.atInfo().addKeyValue("event_type", EventTypes.CONVERSATION_START).addKeyValue(SESSION_KEY, id).log("");
    }

    /** Opens a conversation with the given id (untrusted text is fine: file names are made safe). */
    public static ChatSession open(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw new IllegalArgumentException("a session needs an id");
        }
        return new ChatSession(sessionId);
    }

    public String id() {
        return id;
    }

    public void user(String text) {
        users.incrementAndGet();
        message("user", text, null);
    }

    public void assistant(String text) {
        assistant(text, null);
    }

    /** An assistant reply with its metadata; a pending {@link #fallback} adds {@code fallback_from}. */
    public void assistant(String text, ChatMetadata meta) {
        assistants.incrementAndGet();
        String from = pendingFallback.getAndSet(null);
        if (from != null && (meta == null || meta.get(ChatKeys.FALLBACK_FROM) == null)) {
            meta = (meta == null ? ChatMetadata.of() : meta.copy()).fallbackFrom(from);
        }
        message("assistant", text, meta);
    }

    public void system(String text) {
        message("system", text, null);
    }

    public void note(String text) {
        message("note", text, null);
    }

    /** A tool call: its name, arguments (JSON text is kept as JSON in jsonl transcripts) and result. */
    public void toolCall(String tool, String args, String result) {
        LoggingEventBuilder b = entry("tool", ChatKeys.TYPE_TOOL_CALL).addKeyValue(ChatKeys.TOOL, tool);
        if (args != null) {
            b = b.addKeyValue(ChatKeys.ARGS, args);
        }
        if (result != null) {
            b = b.addKeyValue(ChatKeys.RESULT, result);
        }
        b.log("");
    }

    /** A decision the agent took and why. */
    public void decision(String decision, String rationale) {
        LoggingEventBuilder b = entry("assistant", ChatKeys.TYPE_DECISION);
        if (rationale != null) {
            b = b.addKeyValue(ChatKeys.RATIONALE, rationale);
        }
        b.log(decision == null ? "" : decision);
    }

    public void error(Throwable error) {
        error("", error);
    }

    /** An error in this conversation: in its transcript, and as an {@code error:runtime} line in the master log. */
    public void error(String context, Throwable error) {
        CHAT.atError().addKeyValue(SESSION_KEY, id).setCause(error).log(context == null ? "" : context);
    }

    /** Starts a streamed assistant reply; chunks are collected and logged once on {@link StreamingReply#complete()}. */
    public StreamingReply stream(ChatMetadata meta) {
        return new StreamingReply(this, meta);
    }

    /**
     * Records that {@code fromProvider} failed and {@code toProvider} takes over: an {@code llm:fallback} event now, and
     * {@code fallback_from} on the next assistant reply.
     */
    public void fallback(String fromProvider, String toProvider, String reason) {
        pendingFallback.set(fromProvider);
        LoggingEventBuilder b = EVENTS.atWarn().addKeyValue("event_type", EventTypes.LLM_FALLBACK)
                .addKeyValue(SESSION_KEY, id).addKeyValue("from", fromProvider).addKeyValue("to", toProvider);
        if (reason != null) {
            b = b.addKeyValue("reason", reason);
        }
        b.log("");
    }

    /** Exchanges so far: the larger of the user and assistant message counts. */
    public int turns() {
        return Math.max(users.get(), assistants.get());
    }

    /** Logs {@code conversation:end} and restores the MDC. Idempotent; call it on the thread that opened the session. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        EVENTS.atInfo().addKeyValue("event_type", EventTypes.CONVERSATION_END).addKeyValue(SESSION_KEY, id)
                .addKeyValue("turns", turns()).addKeyValue("duration_ms", (System.nanoTime() - startNanos) / 1_000_000)
                .log("");
        if (previousMdc == null) {
            MDC.remove(SESSION_KEY);
        } else {
            MDC.put(SESSION_KEY, previousMdc);
        }
    }

    private void message(String role, String text, ChatMetadata meta) {
        LoggingEventBuilder b = entry(role, null);
        if (meta != null) {
            for (Map.Entry<String, Object> e : meta.entries()) {
                b = b.addKeyValue(e.getKey(), e.getValue());
            }
        }
        b.log(text == null ? "" : text);
    }

    private LoggingEventBuilder entry(String role, String type) {
        LoggingEventBuilder b = CHAT.atInfo().addKeyValue(SESSION_KEY, id).addKeyValue("role", role);
        return type == null ? b : b.addKeyValue("type", type);
    }
}
