package io.github.chatlog.api;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Carries the MDC (and so the {@code session_id}) into work handed to other threads, so a reply produced on a worker
 * thread or in a {@code CompletableFuture} lands in the right transcript. The MDC is captured when the task is
 * wrapped, set while it runs, and the worker's own MDC restored afterwards.
 *
 * <pre>{@code
 * Executor pool = MdcPropagation.executor(Executors.newFixedThreadPool(4));
 * CompletableFuture.supplyAsync(MdcPropagation.supplier(() -> llm.complete(prompt)), pool);
 * }</pre>
 */
public final class MdcPropagation {

    private MdcPropagation() {
    }

    public static Runnable runnable(Runnable task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = install(captured);
            try {
                task.run();
            } finally {
                install(previous);
            }
        };
    }

    public static <T> Callable<T> callable(Callable<T> task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = install(captured);
            try {
                return task.call();
            } finally {
                install(previous);
            }
        };
    }

    public static <T> Supplier<T> supplier(Supplier<T> task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = install(captured);
            try {
                return task.get();
            } finally {
                install(previous);
            }
        };
    }

    /** An executor that runs every task with the MDC of the thread that submitted it. */
    public static Executor executor(Executor delegate) {
        return task -> delegate.execute(runnable(task));
    }

    private static Map<String, String> install(Map<String, String> context) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        if (context == null || context.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
        return previous;
    }
}
