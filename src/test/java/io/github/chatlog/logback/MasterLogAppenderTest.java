package io.github.chatlog.logback;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of SPEC §2–3 for deriving type, source and message, checked on real files. */
class MasterLogAppenderTest {

    static String master(String extra) {
        return "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file>" + extra + "</appender>"
                + "<root level='DEBUG'><appender-ref ref='MASTER'/></root>";
    }

    /** The lines between app:start and app:shutdown, without their timestamps. */
    static List<String> body(LogbackFixture f) throws Exception {
        f.close();
        List<String> lines = f.masterLines();
        assertTrue(lines.get(0).contains("|app:start|"));
        assertTrue(lines.get(lines.size() - 1).contains("|app:shutdown|"));
        return lines.subList(1, lines.size() - 1).stream().map(l -> l.substring(25)).collect(Collectors.toList());
    }

    @Test
    void eventTypeIsTheFirstFound(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(master(""), dir);
        Logger ev = f.logger("event.agent");
        Marker marker = MarkerFactory.getMarker("state:read");
        ev.atInfo().addKeyValue("event_type", "llm:request").addMarker(marker).log("relevance:score from kv wins");
        ev.atInfo().addMarker(marker).log("relevance:score from marker wins");
        ev.info("relevance:score   first word is consumed");
        ev.info("relevance:score");
        ev.info("Note: not a type, 12:30 neither");
        ev.debug("http://host/path is not a type");
        Marker parent = MarkerFactory.getDetachedMarker("parent");
        parent.add(MarkerFactory.getMarker("websocket:connect"));
        ev.info(parent, "a referenced marker counts");
        assertEquals(List.of(
                "llm:request|agent|relevance:score from kv wins",
                "state:read|agent|relevance:score from marker wins",
                "relevance:score|agent|first word is consumed",
                "relevance:score|agent|",
                "log:info|agent|Note: not a type, 12:30 neither",
                "log:debug|agent|http://host/path is not a type",
                "websocket:connect|agent|a referenced marker counts"), body(f));
    }

    @Test
    void sourceIsTheFirstFound(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(master(""), dir);
        f.logger("event.agent_service").atInfo().addKeyValue("source", "explicit").log("a:b");
        f.logger("event.deep.child").info("a:b");
        f.logger("event").info("a:b");
        f.logger("error.db").error("a:b");
        f.logger("com.acme.WebSocketHandler").error("boom", new RuntimeException("x"));
        assertEquals(List.of(
                "a:b|explicit|",
                "a:b|deep.child|",
                "a:b|event|",
                "error:runtime|db|a:b",
                "error:runtime|WebSocketHandler|boom - RuntimeException: x"), body(f));
    }

    @Test
    void errorsKeepTheirErrorTypeAndLoseNothing(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(master(""), dir);
        f.logger("error.api").error("error:validation email has no @");
        f.logger("error.api").atError().addKeyValue("event_type", "error:io").setCause(new java.io.IOException("disk"))
                .log("saving state");
        f.logger("event.llm").atError().addKeyValue("event_type", "llm:error").setCause(new RuntimeException("timeout"))
                .log("provider failed");
        f.logger("event.llm").error("llm:error provider failed", new RuntimeException("timeout"));
        f.logger("error").warn("");
        f.logger("com.acme.X").info("an INFO with an exception is not captured", new RuntimeException());
        f.logger("com.acme.X").error("an ERROR without one is not either");
        f.logger("error.api").error("", new Exception((String) null));
        assertEquals(List.of(
                "error:validation|api|email has no @",
                "error:io|api|saving state - IOException: disk",
                "error:runtime|llm|provider failed event_type=llm:error - RuntimeException: timeout",
                "error:runtime|llm|llm:error provider failed - RuntimeException: timeout",
                "error:runtime|error|",
                "error:runtime|api|Exception"), body(f));
    }

    @Test
    void keyValuesInCallOrderWithMdcSession(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(master(""), dir);
        MDC.put("session_id", "s 1|x");
        try {
            f.logger("event.agent").atInfo().addKeyValue("b", 2).addKeyValue("a", "two words")
                    .addKeyValue("n", (Object) null).addKeyValue("empty", "").log("llm:response done");
            f.logger("event.agent").atInfo().addKeyValue("session_id", "own").log("a:b");
            f.logger("event.agent").atInfo().addKeyValue("bad", new Object() {
                @Override
                public String toString() {
                    throw new IllegalStateException("nope");
                }
            }).log("a:b");
        } finally {
            MDC.remove("session_id");
        }
        assertEquals(List.of(
                "llm:response|agent|done session_id=\"s 1|x\" b=2 a=\"two words\" n=null empty=\"\"",
                "a:b|agent|session_id=own",
                "a:b|agent|session_id=\"s 1|x\" bad=\"<toString() threw IllegalStateException>\""),
                body(f));
    }

    @Test
    void chatEntriesStayOutUnlessTurnsAreOn(@TempDir Path dir) throws Exception {
        LogbackFixture off = LogbackFixture.fromXml(master(""), dir.resolve("off"));
        off.logger("chat").atInfo().addKeyValue("role", "user").log("secret user text");
        assertEquals(List.of(), body(off));

        LogbackFixture on = LogbackFixture.fromXml(master("<logTurns>true</logTurns>"), dir.resolve("on"));
        MDC.put("session_id", "abc");
        try {
            on.logger("chat").atInfo().addKeyValue("role", "user").log("secret user text");
            on.logger("chat").atInfo().addMarker(MarkerFactory.getMarker("ASSISTANT")).addKeyValue("model", "phi3")
                    .addKeyValue("latency_ms", 850).addKeyValue("tokens", 28).log("secret reply é");
            on.logger("chat").atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "weather")
                    .addKeyValue("args", "{\"city\":\"secret\"}").addKeyValue("result", "secret").log("");
            on.logger("chat").error("secret context", new IllegalStateException("tool crashed"));
        } finally {
            MDC.remove("session_id");
        }
        List<String> lines = body(on);
        assertEquals(List.of(
                "conversation:turn|chat|session_id=abc role=user chars=16",
                "conversation:turn|chat|session_id=abc role=assistant chars=14 model=phi3 latency_ms=850 tokens=28",
                "conversation:turn|chat|session_id=abc role=note type=tool_call chars=0 tool=weather",
                "error:runtime|chat|secret context session_id=abc - IllegalStateException: tool crashed"), lines);
        assertFalse(lines.subList(0, 3).stream().anyMatch(l -> l.contains("secret")));
    }

    @Test
    void hostileMessagesStayOneLineEach(@TempDir Path dir) throws Exception {
        LogbackFixture f = LogbackFixture.fromXml(master(""), dir);
        String[] messages = {"a|b|c", "line1\nline2\r\nline3", "\u0000\u001b[2J\u2028", "x".repeat(1 << 20), "tab\there"};
        for (String m : messages) {
            f.logger("event.fuzz").info("fuzz:case " + m);
        }
        f.close();
        List<String> lines = Files.readAllLines(f.master());
        assertEquals(messages.length + 2, lines.size());
        for (int i = 0; i < messages.length; i++) {
            MasterLine parsed = MasterLineFormat.parse(lines.get(i + 1));
            assertEquals("fuzz:case", parsed.eventType());
            assertEquals(messages[i], parsed.message());
        }
    }
}
