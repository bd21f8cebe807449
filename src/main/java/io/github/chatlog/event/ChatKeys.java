package io.github.chatlog.event;

import java.util.List;
import java.util.Set;

/** The key-value names a chat entry understands (SPEC §2). Other keys are kept and shown after these. */
public final class ChatKeys {

    /** The session an entry or event belongs to (also the default MDC key). */
    public static final String SESSION_ID = "session_id";
    /** A chat entry's role: {@code user}, {@code assistant}, {@code system}, {@code tool}, {@code note}. */
    public static final String ROLE = "role";
    /** A chat entry's type: one of the {@code TYPE_*} values. */
    public static final String TYPE = "type";
    /** A master-log event's type, {@code category:action} (see {@link EventTypes}). */
    public static final String EVENT_TYPE = "event_type";

    public static final String PROVIDER = "provider";
    public static final String MODEL = "model";
    public static final String LATENCY_MS = "latency_ms";
    /** Output tokens. */
    public static final String TOKENS = "tokens";
    public static final String TOKENS_IN = "tokens_in";
    /** 0..1. */
    public static final String CONFIDENCE = "confidence";
    public static final String FALLBACK_FROM = "fallback_from";
    public static final String STREAM = "stream";
    /** Time to first token. */
    public static final String TTFT_MS = "ttft_ms";
    public static final String TOOL = "tool";
    public static final String ARGS = "args";
    public static final String RESULT = "result";
    public static final String RATIONALE = "rationale";

    /** Entry types. */
    public static final String TYPE_MESSAGE = "message";
    public static final String TYPE_TOOL_CALL = "tool_call";
    public static final String TYPE_DECISION = "decision";
    public static final String TYPE_ERROR = "error";

    /** Metadata keys in the order transcripts show them. */
    public static final List<String> METADATA = List.of(PROVIDER, MODEL, LATENCY_MS, TOKENS, TOKENS_IN, CONFIDENCE,
            FALLBACK_FROM, STREAM, TTFT_MS);

    /** Keys that are part of an entry's body rather than metadata. */
    public static final Set<String> BODY = Set.of(TOOL, ARGS, RESULT, RATIONALE, SESSION_ID);

    private ChatKeys() {
    }

    /** Whether {@code key} is neither body nor known metadata: shown after the known metadata. */
    public static boolean isExtra(String key) {
        return !BODY.contains(key) && !METADATA.contains(key);
    }

    /** Parses a number a call site gave as text; NaN when it is not one. */
    public static double number(String value) {
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
