package io.github.chatlog.api;

import io.github.chatlog.event.ChatKeys;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The metadata of one chat entry (SPEC §2): provider, model, latency, tokens, confidence … Build it fluently:
 * {@code ChatMetadata.of().provider("local").model("phi3-mini.gguf").latencyMs(850).tokens(28)}. Not thread-safe.
 */
public final class ChatMetadata {

    private final List<Map.Entry<String, Object>> values = new ArrayList<>(6);

    private ChatMetadata() {
    }

    public static ChatMetadata of() {
        return new ChatMetadata();
    }

    public ChatMetadata provider(String provider) {
        return with(ChatKeys.PROVIDER, provider);
    }

    public ChatMetadata model(String model) {
        return with(ChatKeys.MODEL, model);
    }

    /** Generation time in milliseconds. */
    public ChatMetadata latencyMs(long millis) {
        return with(ChatKeys.LATENCY_MS, millis);
    }

    /** Output tokens. */
    public ChatMetadata tokens(long tokens) {
        return with(ChatKeys.TOKENS, tokens);
    }

    public ChatMetadata tokensIn(long tokens) {
        return with(ChatKeys.TOKENS_IN, tokens);
    }

    /** How sure the model was, 0..1. */
    public ChatMetadata confidence(double confidence) {
        return with(ChatKeys.CONFIDENCE, confidence);
    }

    /** The provider this answer replaced after it failed. */
    public ChatMetadata fallbackFrom(String provider) {
        return with(ChatKeys.FALLBACK_FROM, provider);
    }

    public ChatMetadata ttftMs(long millis) {
        return with(ChatKeys.TTFT_MS, millis);
    }

    /** Any other key; shown after the known ones. A key given twice keeps its last value. */
    public ChatMetadata with(String key, Object value) {
        if (key != null && value != null) {
            values.removeIf(e -> e.getKey().equals(key));
            values.add(Map.entry(key, value));
        }
        return this;
    }

    /** A copy, so a template can be reused. */
    public ChatMetadata copy() {
        ChatMetadata c = new ChatMetadata();
        c.values.addAll(values);
        return c;
    }

    Object get(String key) {
        for (Map.Entry<String, Object> e : values) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    List<Map.Entry<String, Object>> entries() {
        return Collections.unmodifiableList(values);
    }
}
