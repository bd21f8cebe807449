package io.github.chatlog.logback;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An appender never lets anything reach the logging call, an {@link Error} included: a key-value whose
 * {@code toString()} fails to link (as a class compiled against another library version does) is reported as a status
 * error of each appender, and logging goes on.
 */
class AppendNeverThrowsTest {

    /** A value whose text cannot be had: its {@code toString()} throws what a missing method would. */
    private static final Object UNLINKABLE = new Object() {
        @Override
        public String toString() {
            throw new NoSuchMethodError("simulated: compiled against another version");
        }
    };

    @Test
    void anErrorInsideTheAppendersStaysThereAndLoggingGoesOn(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            MDC.put("session_id", "linkage");
            try {
                assertDoesNotThrow(() -> f.logger("chat").atInfo().addKeyValue("model", UNLINKABLE).log("unlucky"));
                assertDoesNotThrow(() -> f.logger("event.agent").atInfo().addKeyValue("tokens", UNLINKABLE).log("llm:request"));
                f.logger("chat").atInfo().addKeyValue("role", "user").log("still here");
            } finally {
                MDC.remove("session_id");
            }
            List<String> errors = f.errors();
            for (String appender : List.of("MASTER", "CHAT")) {
                assertTrue(errors.stream().anyMatch(e -> e.startsWith("[" + appender + "] could not write")
                        && e.contains("NoSuchMethodError")), appender + " in " + errors);
            }
            try (var chats = Files.list(dir.resolve("chats"))) {
                String transcript = Files.readString(chats.findFirst().orElseThrow());
                assertTrue(transcript.contains("still here"), transcript);
            }
        }
    }
}
