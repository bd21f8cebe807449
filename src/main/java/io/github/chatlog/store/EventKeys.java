package io.github.chatlog.store;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys for events, unique across processes and machines without coordination: a random half drawn once per JVM and a
 * counter. Cheap enough for the logging thread (one atomic increment), where a record gets its key once, so that
 * every retry of its batch carries the same one.
 */
final class EventKeys {

    private static final long PROCESS = new SecureRandom().nextLong();
    private static final AtomicLong NEXT = new AtomicLong();

    private EventKeys() {
    }

    static UUID next() {
        return new UUID(PROCESS, NEXT.incrementAndGet());
    }
}
