package io.github.chatlog.api;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional convenience API, through the SLF4J-bound context configured by logback-example.xml. */
class FacadeTest {

    private static List<String> body(LogbackFixture f) throws IOException {
        f.close();
        List<String> lines = f.masterLines();
        return lines.subList(1, lines.size() - 1).stream().map(l -> l.substring(25)).collect(Collectors.toList());
    }

    @Test
    void fluentEventsErrorsAndUncaughtExceptions(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.globalFromExample(dir);
        Events.event("llm:request").source("agent").with("model", "llama3.2").with("tokens_in", 512).log();
        Events.event("state:write").message("saved | state").with("key", "a b").log();
        Events.event("llm:error").source("agent").error(new IllegalStateException("timeout")).log();

        IllegalStateException thrown = new IllegalStateException("bad frame");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> Errors.run("websockets", () -> {
            throw thrown;
        })));
        Callable<String> failing = () -> {
            throw new java.io.IOException("disk gone");
        };
        assertThrows(java.io.IOException.class, () -> Errors.call("storage", failing));
        assertEquals("ok", Errors.call("storage", () -> "ok"));

        RuntimeException unreadable = new RuntimeException() {
            @Override
            public String getMessage() {
                throw new IllegalStateException("broken");
            }
        };
        Errors.log("bad", "reading it", unreadable); // plain Logback would throw this into the caller

        try (AutoCloseable handler = Errors.installUncaughtHandler()) {
            Thread t = new Thread(() -> {
                throw new UnsupportedOperationException("nobody caught me");
            }, "worker-7");
            t.start();
            t.join();
        }
        List<String> lines = body(f);
        assertEquals(List.of(
                "llm:request|agent|model=llama3.2 tokens_in=512",
                "state:write|event|saved | state key=\"a b\"",
                "error:runtime|agent|event_type=llm:error - IllegalStateException: timeout",
                "error:runtime|websockets|IllegalStateException: bad frame",
                "error:runtime|storage|IOException: disk gone",
                "error:runtime|bad|reading it - UnreadableException: io.github.chatlog.api.FacadeTest$1 (its getMessage() "
                        + "threw IllegalStateException)",
                "error:runtime|uncaught|thread worker-7 - UnsupportedOperationException: nobody caught me"), lines);
        for (String l : lines) {
            MasterLine parsed = MasterLineFormat.parse("2025-01-01T00:00:00.000Z|" + l);
            assertTrue(parsed != null && !parsed.message().contains("\tat "), "no stack trace: " + l);
        }
    }
}
