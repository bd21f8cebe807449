package io.github.chatlog.logback.json;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.github.chatlog.logback.json.JsonFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat content is shipped only with {@code includeContent}; redaction applies to every shipped field (message,
 * key-values, MDC, exception message, stack trace); the provider gives one field per name inside a plain
 * {@code LogstashEncoder} and a composite encoder too; {@code CHATLOG_JSON=stdout} replaces the console pattern.
 */
class JsonContentAndRedactionTest {

    private static final String KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    private static final String EMAIL = "jane.doe@example.com";

    @TempDir
    Path dir;

    @Test
    void contentIsAbsentByDefault() throws Exception {
        JsonNode reply = chatReply(Map.of("CHATLOG_JSON", "file"));
        assertNull(reply.get("message"), reply.toString());
        assertNull(reply.get("args"), reply.toString());
        assertEquals("assistant", text(reply, "role"));
        assertEquals("phi3", text(reply, "model"));
        assertFalse(reply.toString().contains("weather"), "no content anywhere: " + reply);
    }

    @Test
    void contentIsShippedWithIncludeContentAndRedactedLikeTheFiles() throws Exception {
        JsonNode reply = chatReply(Map.of("CHATLOG_JSON", "file", "CHATLOG_JSON_CONTENT", "1", "CHATLOG_REDACT", "secrets,pii"));
        assertEquals("The weather is fine; key [REDACTED:api_key], mail [REDACTED:email]", text(reply, "message"));
        assertEquals("{\"city\":\"[REDACTED:email]\"}", text(reply, "args"));
        String transcript = Files.readString(Files.list(dir.resolve("chats")).findFirst().orElseThrow());
        assertTrue(transcript.contains(text(reply, "message")), "the transcript holds the same redacted text:\n" + transcript);
        assertFalse(reply.toString().contains(KEY) || reply.toString().contains(EMAIL), reply.toString());
    }

    @Test
    void redactionReachesKeyValuesMdcErrorsAndStackTraces() throws Exception {
        LoggerContext context = JsonFixture.example(dir, Map.of("CHATLOG_JSON", "file", "CHATLOG_REDACT", "secrets,pii"));
        MDC.put("session_id", "s1");
        MDC.put("password", "hunter2");
        MDC.put("user_mail", EMAIL);
        try {
            context.getLogger("event.auth").atInfo().addKeyValue("api_key", "abc123").addKeyValue("note", "token " + KEY)
                    .log("llm:request for " + EMAIL);
            context.getLogger("com.acme.Billing").atWarn().setCause(new IllegalStateException("card of " + EMAIL))
                    .log("charge failed with " + KEY);
        } finally {
            MDC.clear();
        }
        context.stop();
        String all = Files.readString(dir.resolve("json/chatlog.json"));
        assertFalse(all.contains(KEY) || all.contains(EMAIL) || all.contains("hunter2") || all.contains("abc123"), all);
        List<JsonNode> docs = JsonFixture.documents(dir.resolve("json/chatlog.json"));
        JsonNode event = docs.stream().filter(d -> "llm:request".equals(text(d, "event_type"))).findFirst().orElseThrow();
        assertEquals("for [REDACTED:email]", text(event, "message"));
        assertEquals("[REDACTED:secret]", text(event, "api_key"));
        assertEquals("[REDACTED:secret]", text(event, "password"), "MDC values are redacted too");
        assertEquals("[REDACTED:email]", text(event, "user_mail"));
        JsonNode error = docs.stream().filter(d -> "error:runtime".equals(text(d, "event_type"))).findFirst().orElseThrow();
        assertEquals("IllegalStateException", text(error, "error_type"));
        assertEquals("card of [REDACTED:email]", text(error, "error_message"));
        assertTrue(text(error, "stack_trace").contains("IllegalStateException: card of [REDACTED:email]"), error.toString());
    }

    @Test
    void insideLogstashEncoderAndCompositeEncoderMdcAndKeyValuesOfOneNameAreOneField() throws Exception {
        String logstash = "<encoder class=\"net.logstash.logback.encoder.LogstashEncoder\">"
                + "<includeMdc>false</includeMdc><includeKeyValuePairs>false</includeKeyValuePairs>"
                + "<fieldNames><message>[ignore]</message></fieldNames>"
                + "<provider class=\"io.github.chatlog.logback.json.ChatlogJsonProvider\"/></encoder>";
        String composite = "<encoder class=\"net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder\"><providers>"
                + "<timestamp/><logLevel/><loggerName/><stackTrace><throwableConverter"
                + " class=\"io.github.chatlog.logback.RedactedThrowableConverter\"/></stackTrace>"
                + "<provider class=\"io.github.chatlog.logback.json.ChatlogJsonProvider\"><includeContent>true</includeContent></provider>"
                + "</providers></encoder>";
        for (String encoder : List.of(logstash, composite)) {
            Path file = dir.resolve("out-" + encoder.hashCode() + ".json");
            LoggerContext context = JsonFixture.xml("<appender name=\"J\" class=\"ch.qos.logback.core.FileAppender\"><file>"
                    + file + "</file>" + encoder + "</appender><root level=\"INFO\"><appender-ref ref=\"J\"/></root>", dir);
            MDC.put("session_id", "from-mdc");
            MDC.put("tenant", "mdc-tenant");
            MDC.put("trace_id", "abc");
            try {
                context.getLogger("chat").atInfo().addKeyValue("role", "user").addKeyValue("session_id", "from-kv")
                        .addKeyValue("tenant", "kv-tenant").addKeyValue("level", "x").log("hello");
                context.getLogger("event.app").atInfo().addKeyValue("tenant", "kv-tenant").log("app:start up");
            } finally {
                MDC.clear();
            }
            context.stop();
            assertEquals(List.of(), JsonFixture.errors(context));
            List<JsonNode> docs = JsonFixture.documents(file);
            assertEquals(2, docs.size());
            JsonNode chat = docs.get(0);
            assertEquals("from-kv", text(chat, "session_id"), "a key-value wins over the MDC: " + chat);
            assertEquals("kv-tenant", text(chat, "tenant"));
            assertEquals("abc", text(chat, "trace_id"), "other MDC entries are kept");
            assertEquals("INFO", text(chat, "level"));
            assertEquals("x", text(chat, "kv.level"));
            assertEquals(encoder == composite ? "hello" : null, text(chat, "message"), encoder);
            assertEquals("from-mdc", text(docs.get(1), "session_id"));
            assertEquals("app:start", text(docs.get(1), "event_type"));
            assertEquals("up", text(docs.get(1), "message"));
        }
    }

    @Test
    void stdoutReplacesTheConsolePattern() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = JsonFixture.example(dir, Map.of("CHATLOG_JSON", "stdout"));
            context.getLogger("com.acme.Service").info("ordinary {}", "line");
            context.getLogger("event.agent").atInfo().addKeyValue("tokens", 5).log("llm:response done");
            context.stop();
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        List<JsonNode> docs = JsonFixture.documents(lines);
        assertEquals(2, docs.size(), "one object per event and nothing else on stdout: " + lines);
        assertEquals("ordinary line", text(docs.get(0), "message"));
        assertEquals("llm:response", text(docs.get(1), "event_type"));
        assertEquals(5, docs.get(1).get("tokens").asInt());
        assertFalse(Files.exists(dir.resolve("json")), "no JSON file unless asked for");
    }

    /** The example configuration with {@code properties}; one user message, one assistant reply and one tool call. */
    private JsonNode chatReply(Map<String, String> properties) throws Exception {
        LoggerContext context = JsonFixture.example(dir, properties);
        MDC.put("session_id", "c1");
        try {
            context.getLogger("chat").atInfo().addKeyValue("role", "user").log("How is the weather?");
            context.getLogger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("model", "phi3")
                    .log("The weather is fine; key " + KEY + ", mail " + EMAIL);
            context.getLogger("chat").atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "weather")
                    .addKeyValue("args", "{\"city\":\"" + EMAIL + "\"}").log("");
        } finally {
            MDC.remove("session_id");
        }
        context.stop();
        assertEquals(List.of(), JsonFixture.errors(context));
        List<JsonNode> docs = JsonFixture.documents(dir.resolve("json/chatlog.json"));
        assertEquals(3, docs.size());
        JsonNode tool = docs.get(2);
        assertEquals("tool_call", text(tool, "entry_type"));
        assertEquals("weather", text(tool, "tool"));
        if (properties.containsKey("CHATLOG_JSON_CONTENT")) {
            assertEquals("How is the weather?", text(docs.get(0), "message"));
            assertEquals(text(tool, "args"), text(docs.get(2), "args"));
        }
        return merge(docs.get(1), tool);
    }

    /** The reply's fields plus the tool call's {@code args}, for one place to look. */
    private static JsonNode merge(JsonNode reply, JsonNode tool) {
        tools.jackson.databind.node.ObjectNode out = ((tools.jackson.databind.node.ObjectNode) reply).deepCopy();
        if (tool.get("args") != null) {
            out.set("args", tool.get("args"));
        }
        return out;
    }
}
