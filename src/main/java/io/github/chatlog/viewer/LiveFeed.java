package io.github.chatlog.viewer;

import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands what the logs gain to the open {@code /api/events} streams as server-sent events: {@code line} (a master-log
 * line) and {@code entry} (a conversation entry). The producers (a master-log follower, a transcript or store poller)
 * run on threads of their own from the server's start, so nothing written after a stream opened is missed. Each
 * stream has a bounded queue; a stream that falls that far behind gets a {@code reset} event (reload) instead of
 * holding memory.
 */
final class LiveFeed implements AutoCloseable {

    /** Open streams at most: {@value}; more are answered 503. */
    static final int MAX_STREAMS = 32;
    /** Events a stream may fall behind by: {@value}. */
    static final int QUEUE = 2_000;

    private static final byte[] CLOSED = new byte[0];
    private static final byte[] RESET = "event: reset\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

    /** One open stream's queue of SSE frames. */
    static final class Subscriber {
        private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicBoolean overflowed = new AtomicBoolean();

        /** The next frame, a reset after an overflow, null after {@code timeoutMs} without one, or empty when closed. */
        byte[] next(long timeoutMs) throws InterruptedException {
            if (overflowed.getAndSet(false)) {
                frames.clear();
                return RESET;
            }
            return frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }

        static boolean closed(byte[] frame) {
            return frame == CLOSED;
        }

        void offer(byte[] frame) {
            if (!frames.offer(frame)) {
                overflowed.set(true);
            }
        }
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final List<Thread> producers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Whether the feed was closed: producers stop when it says so. */
    boolean isClosed() {
        return closed;
    }

    /** Runs {@code producer} on a daemon thread of its own until the feed closes. */
    void produce(String name, Runnable producer) {
        Thread t = new Thread(() -> {
            try {
                producer.run();
            } catch (RuntimeException e) {
                if (!closed) {
                    publish("warning", JsonViews.object().put("message", "live updates stopped: " + e));
                }
            }
        }, "chatlog-viewer-" + name);
        t.setDaemon(true);
        producers.add(t);
        t.start();
    }

    /** A new stream, or null when {@link #MAX_STREAMS} are open. */
    Subscriber subscribe() {
        synchronized (subscribers) {
            if (closed || subscribers.size() >= MAX_STREAMS) {
                return null;
            }
            Subscriber s = new Subscriber();
            subscribers.add(s);
            return s;
        }
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** Sends {@code data} as event {@code event} to every open stream. */
    void publish(String event, JsonNode data) {
        if (subscribers.isEmpty()) {
            return;
        }
        byte[] frame = frame(event, data);
        for (Subscriber s : subscribers) {
            s.offer(frame);
        }
    }

    /** One SSE frame: JSON has no line breaks, so the data is one {@code data:} line. */
    static byte[] frame(String event, JsonNode data) {
        return ("event: " + event + "\ndata: " + JsonViews.text(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        for (Subscriber s : subscribers) {
            s.frames.clear();
            s.frames.offer(CLOSED);
        }
        subscribers.clear();
        for (Thread t : producers) {
            t.interrupt();
        }
        for (Thread t : producers) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
