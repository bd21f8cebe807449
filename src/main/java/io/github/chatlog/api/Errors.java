package io.github.chatlog.api;

import io.github.chatlog.logback.LoggerFamily;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;

/**
 * Logs exceptions to the {@code error.<source>} logger, so they land in the master log as {@code error:runtime}
 * lines (and, within a session, in its transcript). The wrappers rethrow: they record, they do not swallow.
 *
 * <pre>{@code
 * Errors.run("websockets", () -> socket.send(frame));
 * String reply = Errors.call("llm", () -> client.complete(prompt));
 * Errors.installUncaughtHandler();
 * }</pre>
 */
public final class Errors {

    /** The source of errors that reached a thread's top without being caught. */
    public static final String UNCAUGHT_SOURCE = "uncaught";

    private Errors() {
    }

    /** Runs {@code task}; an exception is logged with {@code source} and rethrown. */
    public static void run(String source, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log(source, "", e);
            throw e;
        }
    }

    /** Calls {@code task}; an exception is logged with {@code source} and rethrown as it was. */
    public static <T> T call(String source, Callable<T> task) throws Exception {
        try {
            return task.call();
        } catch (Exception | Error e) {
            log(source, "", e);
            throw e;
        }
    }

    /** Logs {@code error} to {@code error.<source>} with {@code context} as the text before the exception. */
    public static void log(String source, String context, Throwable error) {
        String root = LoggerFamily.ERROR.root();
        org.slf4j.Logger logger = LoggerFactory.getLogger(source == null || source.isEmpty() ? root : root + "." + source);
        try {
            logger.error(context, error);
        } catch (RuntimeException unreadable) {
            // Logback reads getMessage() on this thread before any appender runs; an exception whose getMessage()
            // throws would escape into the caller. Log a stand-in that names it instead.
            logger.error(context, new UnreadableException(error, unreadable));
        }
    }

    /** Stands in for an exception that could not be read: its class, and what went wrong reading it. */
    public static final class UnreadableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableException(Throwable original, RuntimeException whileReading) {
            super(original.getClass().getName() + " (its getMessage() threw " + whileReading.getClass().getSimpleName()
                    + ")", null, false, false);
        }
    }

    /**
     * Makes uncaught exceptions of every thread land in the master log as {@code error:runtime} with source
     * {@value #UNCAUGHT_SOURCE}; the handler installed before (if any) still runs afterwards. Returns a handle that
     * restores it.
     */
    public static AutoCloseable installUncaughtHandler() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.UncaughtExceptionHandler handler = (thread, error) -> {
            try {
                log(UNCAUGHT_SOURCE, "thread " + thread.getName(), error);
            } finally {
                if (previous != null) {
                    previous.uncaughtException(thread, error);
                } else {
                    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                    error.printStackTrace(System.err);
                }
            }
        };
        Thread.setDefaultUncaughtExceptionHandler(handler);
        return () -> {
            if (Thread.getDefaultUncaughtExceptionHandler() == handler) {
                Thread.setDefaultUncaughtExceptionHandler(previous);
            }
        };
    }
}
