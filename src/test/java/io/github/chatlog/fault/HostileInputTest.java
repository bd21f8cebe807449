package io.github.chatlog.fault;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile input end to end: one safe line or entry each, nothing lost around them. */
class HostileInputTest {

    static final class Cyclic extends RuntimeException {
        Cyclic(String m) {
            super(m);
        }
    }

    static final class BadMessage extends RuntimeException {
        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage() is broken");
        }
    }

    @Test
    void hostileEventsAreOneSafeLineEachAndTheirNeighboursSurvive(@TempDir Path dir) throws Exception {
        String huge = "m".repeat(1 << 20);
        Cyclic a = new Cyclic("a");
        Cyclic b = new Cyclic("b");
        a.initCause(b);
        b.initCause(a);
        Object badToString = new Object() {
            @Override
            public String toString() {
                throw new UnsupportedOperationException("no toString");
            }
        };
        try (LogbackFixture f = LogbackFixture.fromFile(LogbackFixture.EXAMPLE_CONFIG, dir)) {
            MDC.put("session_id", "hostile");
            try {
                boolean logbackThrew = false;
                f.logger("event").info("hostile:before");
                f.logger("event").info("hostile:huge " + huge);
                f.logger("chat").atInfo().addKeyValue("role", "user").log(huge);
                LoggingEventBuilder many = f.logger("event").atInfo();
                for (int i = 0; i < 10_000; i++) {
                    many = many.addKeyValue("k" + i, i);
                }
                many.log("hostile:many");
                f.logger("error.cycle").error("cyclic causes", a);
                f.logger("chat").error("cyclic in chat", a);
                try {
                    f.logger("error.badmsg").error("message throws", new BadMessage());
                } catch (RuntimeException thrownByLogback) {
                    logbackThrew = true;
                    // Logback's own ThrowableProxy reads getMessage() in the caller's thread, before any appender;
                    // we record that it escaped rather than pretend it cannot
                    System.out.println("Logback itself threw into the caller for a getMessage() that throws: "
                            + thrownByLogback);
                }
                f.logger("event").atInfo().addKeyValue("bad", badToString).log("hostile:tostring");
                f.logger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("bad", badToString).log("reply");
                f.logger("event").info("hostile:after");
                List<String> badmsg = Files.readAllLines(dir.resolve("master.log")).stream()
                        .filter(l -> l.contains("|badmsg|")).toList();
                if (logbackThrew) {
                    assertEquals(List.of(), badmsg, "nothing written for an event Logback could not make");
                } else {
                    // the appender got the event: one safe line, the broken message named rather than thrown
                    assertEquals(1, badmsg.size(), badmsg.toString());
                    assertTrue(MasterLineFormat.parse(badmsg.get(0)) != null
                            && badmsg.get(0).contains("message throws"), badmsg.get(0));
                }
            } finally {
                MDC.clear();
            }
        }
        List<String> lines = Files.readAllLines(dir.resolve("master.log"));
        List<String> types = lines.stream().map(MasterLineFormat::parse).map(MasterLine::eventType).toList();
        assertTrue(types.containsAll(List.of("hostile:before", "hostile:huge", "hostile:many", "hostile:tostring",
                "hostile:after")), types.toString());
        List<String> errorLines = lines.stream().filter(l -> l.contains("|error:runtime|") && !l.contains("|badmsg|"))
                .map(l -> l.substring(0, Math.min(200, l.length()))).toList();
        assertEquals(2, errorLines.size(), errorLines.toString());
        for (String line : lines) {
            MasterLine parsed = MasterLineFormat.parse(line);
            assertTrue(parsed != null, "a safe line: " + line.substring(0, Math.min(100, line.length())));
        }
        MasterLine huge1 = lines.stream().map(MasterLineFormat::parse).filter(l -> l.eventType().equals("hostile:huge"))
                .findFirst().orElseThrow();
        assertTrue(huge1.message().equals(huge + " session_id=hostile"), "the 1 MB message, exactly (length "
                + huge1.message().length() + ")");
        MasterLine many = lines.stream().map(MasterLineFormat::parse).filter(l -> l.eventType().equals("hostile:many"))
                .findFirst().orElseThrow();
        assertEquals(10_001, many.keyValues().size(), "session_id and 10,000 key-values");
        assertTrue(lines.stream().anyMatch(l -> l.contains("|error:runtime|cycle|cyclic causes session_id=hostile - Cyclic: a")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("bad=\"<toString() threw UnsupportedOperationException>\"")));
        String transcript;
        try (var s = Files.list(dir.resolve("chats"))) {
            transcript = Files.readString(s.findFirst().orElseThrow());
        }
        assertTrue(transcript.contains("\n" + huge + "\n"), "the 1 MB chat entry");
        assertTrue(transcript.contains("] Error:\nCyclic: a\nContext: cyclic in chat\n"), "the cyclic error");
        assertTrue(transcript.contains("bad=<toString() threw UnsupportedOperationException>"), "the bad toString");
    }
}
