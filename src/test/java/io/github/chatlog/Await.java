package io.github.chatlog;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition, for tests that must hold on a busy machine: it looks every few milliseconds until the
 * condition holds or a generous deadline ({@link #DEFAULT_DEADLINE}) passes, then fails naming what it waited for. The
 * time it took is never asserted: only that the condition came true.
 */
public final class Await {

    /** How long a condition may take on a loaded machine before the test fails: {@value #DEFAULT_SECONDS} s. */
    public static final long DEFAULT_SECONDS = 60;
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(DEFAULT_SECONDS);

    private Await() {
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after the deadline. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEFAULT_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + DEFAULT_SECONDS + " s for: " + what);
            }
            LockSupport.parkNanos(5_000_000); // the poll interval, not a stand-in for the condition
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what);
            }
        }
    }
}
