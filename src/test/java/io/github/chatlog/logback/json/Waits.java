package io.github.chatlog.logback.json;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waiting for a condition with a deadline, polling it; never a fixed sleep standing in for the condition. */
final class Waits {

    private Waits() {
    }

    static void until(long deadlineMs, String what, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + deadlineMs * 1_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadlineMs + " ms waiting for " + what);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }
}
