package io.github.chatlog.logback.json;

import ch.qos.logback.classic.LoggerContext;
import net.logstash.logback.composite.JsonProvider;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run by {@link Jackson2TreeTest} in a JVM whose class path has logstash-logback-encoder 8.x and Jackson 2 instead of
 * 9.x: boots the example configuration with {@code CHATLOG_JSON=file} in the directory given and logs a chat entry,
 * an event and an error. Prints where {@code JsonProvider} was loaded from, and the status errors.
 */
public final class Jackson2TreeChild {

    public static void main(String[] args) throws Exception {
        System.out.println("provider-api " + JsonProvider.class.getProtectionDomain().getCodeSource().getLocation());
        LoggerContext context = JsonFixture.example(Path.of(args[0]), Map.of("CHATLOG_JSON", "file"));
        MDC.put("session_id", "j2");
        context.getLogger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("model", "phi3")
                .addKeyValue("tokens", 7).log("hidden content");
        context.getLogger("event.agent").atInfo().addKeyValue("tokens_in", 3).log("llm:request sent");
        context.getLogger("error.io").atError().setCause(new java.io.IOException("disk")).log("write failed");
        MDC.clear();
        context.stop();
        JsonFixture.errors(context).forEach(e -> System.out.println("status-error " + e));
        System.out.println("done");
    }
}
