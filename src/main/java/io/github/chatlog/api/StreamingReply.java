package io.github.chatlog.api;

import io.github.chatlog.event.ChatKeys;

/**
 * Collects a streamed assistant reply and logs it once, on {@link #complete()}, with {@code ttft_ms} (time to the first
 * chunk), {@code latency_ms} (time to the last), {@code tokens} (given, or the number of chunks) and
 * {@code stream=true}; the transcript computes the speed from those. Feed it from one thread at a time.
 */
public final class StreamingReply {

    private final ChatSession session;
    private final ChatMetadata meta;
    private final long startNanos;
    private final StringBuilder text = new StringBuilder();
    private long firstChunkNanos = -1;
    private int chunks;
    private boolean completed;

    StreamingReply(ChatSession session, ChatMetadata meta) {
        this.session = session;
        this.meta = meta == null ? ChatMetadata.of() : meta.copy();
        this.startNanos = System.nanoTime();
    }

    /** Adds a chunk as it arrives. */
    public StreamingReply chunk(String chunk) {
        if (firstChunkNanos < 0) {
            firstChunkNanos = System.nanoTime();
        }
        text.append(chunk);
        chunks++;
        return this;
    }

    /** The output token count, when the provider reports it (otherwise the number of chunks is used). */
    public StreamingReply tokens(long tokens) {
        meta.tokens(tokens);
        return this;
    }

    /** Logs the whole reply as one assistant entry and returns its text. Only the first call logs. */
    public String complete() {
        if (!completed) {
            completed = true;
            long end = System.nanoTime();
            meta.latencyMs((end - startNanos) / 1_000_000);
            if (firstChunkNanos >= 0) {
                meta.ttftMs((firstChunkNanos - startNanos) / 1_000_000);
            }
            if (meta.get(ChatKeys.TOKENS) == null) {
                meta.tokens(chunks);
            }
            meta.with(ChatKeys.STREAM, true);
            session.assistant(text.toString(), meta);
        }
        return text.toString();
    }
}
