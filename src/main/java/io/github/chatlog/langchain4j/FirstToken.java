package io.github.chatlog.langchain4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the first partial response of one streamed call arrived ({@link System#nanoTime()}, -1 until then). It travels
 * as a listener attribute: LangChain4j copies the attribute map per call, but not the objects in it, so the
 * {@link TimedStreamingChatModel}'s handler and the listener see the same one.
 */
final class FirstToken {

    /** The listener attribute that holds it. */
    static final Object KEY = new Object();

    private final AtomicLong nanos = new AtomicLong(-1);

    void arrived() {
        nanos.compareAndSet(-1, System.nanoTime());
    }

    long nanos() {
        return nanos.get();
    }
}
