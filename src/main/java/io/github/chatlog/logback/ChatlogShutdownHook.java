package io.github.chatlog.logback;

import ch.qos.logback.core.hook.ShutdownHookBase;

/**
 * Logback's shutdown hook, except under Spring Boot: a clean JVM exit stops the logging context, so the master log
 * gets its {@code app:shutdown} and transcripts and archives are finished. When Spring Boot configured the context
 * (its logging system loaded this configuration, even one named {@code logback.xml}), the hook leaves the context
 * alone: Spring Boot stops it itself once the application context is closed, after the {@code @PreDestroy} methods
 * and the web server's graceful shutdown have logged. Stopping it earlier, as Logback's own hook does, races with
 * them and loses what they log.
 *
 * <pre>{@code <shutdownHook class="io.github.chatlog.logback.ChatlogShutdownHook"/>}</pre>
 */
public class ChatlogShutdownHook extends ShutdownHookBase {

    /** The context object Spring Boot's logging system sets before it configures Logback (its Environment). */
    static final String SPRING_ENVIRONMENT = "org.springframework.core.env.Environment";

    @Override
    public void run() {
        if (getContext() == null) {
            return;
        }
        if (getContext().getObject(SPRING_ENVIRONMENT) != null) {
            addInfo("Spring Boot configured this logging context and stops it after the application: the hook leaves it");
            return;
        }
        stop();
    }
}
