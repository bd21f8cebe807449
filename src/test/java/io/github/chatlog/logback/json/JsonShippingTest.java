package io.github.chatlog.logback.json;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.KeyValueFormat;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.read.TranscriptDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.github.chatlog.logback.json.JsonFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example configuration with {@code CHATLOG_JSON=file}, logged through plain SLF4J from 8 threads: every line of
 * {@code json/chatlog.json} is one JSON object without a repeated key, and each event's fields say what the master log
 * and the transcript say for the same event.
 */
class JsonShippingTest {

    private static final List<String> RESERVED = List.of(ChatlogJsonProvider.DEFAULT_RESERVED_FIELD_NAMES.split(","));
    private static final int THREADS = 8;
    private static final int SESSIONS_PER_THREAD = 12;

    @TempDir
    Path dir;

    @Test
    void everyEventOfTheMasterLogAndEveryChatEntryIsOneDocumentWithTheSameFields() throws Exception {
        LoggerContext context = JsonFixture.example(dir, Map.of("CHATLOG_JSON", "file", "CHATLOG_REDACT", "none"));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int s = 0; s < SESSIONS_PER_THREAD; s++) {
                    conversation(context, "s" + thread + "-" + s, thread * 1000 + s * 10);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        context.stop();
        assertEquals(List.of(), JsonFixture.errors(context));

        List<JsonNode> docs = JsonFixture.documents(dir.resolve("json/chatlog.json"));
        int sessions = THREADS * SESSIONS_PER_THREAD;
        assertEquals(sessions * 8, docs.size(), "8 events per conversation, each one document");

        // the master log: each line (but the appender's own app:start / app:shutdown) is one document
        Map<String, JsonNode> bySeq = new HashMap<>();
        for (JsonNode d : docs) {
            if (d.get("seq") != null) {
                assertNull(bySeq.put(d.get("seq").asString(), d), "seq is unique");
                assertTrue(d.get("seq").isNumber(), "numbers are JSON numbers: " + d);
            }
        }
        int masterEvents = 0;
        for (String raw : Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8)) {
            MasterLine line = MasterLineFormat.parse(raw);
            if (line.eventType().startsWith("app:")) {
                continue;
            }
            masterEvents++;
            List<KeyValue> kvs = KeyValueFormat.parse(line.message());
            String seq = value(kvs, "seq");
            JsonNode d = bySeq.get(seq);
            assertNotNull(d, "a document for " + raw);
            assertEquals(line.instant(), java.time.OffsetDateTime.parse(text(d, "@timestamp")).toInstant()
                    .truncatedTo(java.time.temporal.ChronoUnit.MILLIS), raw);
            assertEquals(line.eventType(), text(d, "event_type"), raw);
            assertEquals(line.source(), text(d, "source"), raw);
            assertEquals(value(kvs, "session_id"), text(d, "session_id"), raw);
            assertEquals(value(kvs, "session_id"), text(d, "gen_ai.conversation.id"), raw);
            for (KeyValue kv : kvs) {
                // a key-value named like a field the encoder writes itself keeps its value under kv.<name>
                String field = RESERVED.contains(kv.key()) ? "kv." + kv.key() : kv.key();
                assertEquals(kv.value(), text(d, field), kv.key() + " in " + raw + " vs " + d);
            }
            if (d.get("error_type") != null) {
                assertTrue(line.message().startsWith(text(d, "message") + " "), raw + " vs " + d);
                assertTrue(line.message().endsWith(" - " + text(d, "error_type") + ": " + text(d, "error_message")),
                        raw + " vs " + d);
            } else {
                assertTrue(line.message().startsWith(text(d, "message") + " "), raw + " vs " + d);
                assertFalse(text(d, "message").contains("seq="), "key-values are fields, not message text: " + d);
            }
        }
        assertEquals(sessions * 4, masterEvents);
        assertEquals(masterEvents, bySeq.size());

        // the transcripts: each chat entry is one document, in the same order, with the same role, type and metadata
        Map<String, List<JsonNode>> chatDocs = new HashMap<>();
        for (JsonNode d : docs) {
            if (d.get("entry_type") != null) {
                chatDocs.computeIfAbsent(text(d, "session_id"), k -> new ArrayList<>()).add(d);
                assertNull(d.get("message"), "no chat content by default: " + d);
                assertNull(d.get("args"), "tool arguments are content: " + d);
            }
        }
        List<TranscriptDirectory.Transcript> transcripts = new TranscriptDirectory(dir, ZoneId.systemDefault()).transcripts();
        assertEquals(sessions, transcripts.size());
        for (TranscriptDirectory.Transcript t : transcripts) {
            List<LogEntry> chat = t.entries().stream().filter(e -> !"error".equals(e.entryType())).toList();
            List<JsonNode> shipped = chatDocs.get(t.sessionId());
            assertNotNull(shipped, t.sessionId());
            assertEquals(chat.size(), shipped.size(), t.sessionId());
            for (int i = 0; i < chat.size(); i++) {
                LogEntry e = chat.get(i);
                JsonNode d = shipped.get(i);
                assertEquals(e.role(), text(d, "role"));
                assertEquals(e.entryType(), text(d, "entry_type"));
                assertEquals(e.timestamp() / 1000, java.time.OffsetDateTime.parse(text(d, "@timestamp")).toEpochSecond());
                for (String key : List.of("provider", "model", "tokens", "tokens_in", "latency_ms", "tool")) {
                    assertEquals(e.value(key), text(d, key), key + " of " + e);
                }
            }
        }
        JsonNode reply = chatDocs.values().iterator().next().get(1);
        assertEquals("local", text(reply, "gen_ai.provider.name"));
        assertEquals("phi3-mini", text(reply, "gen_ai.request.model"));
        assertEquals(12, reply.get("gen_ai.usage.input_tokens").asInt());
        assertTrue(reply.get("gen_ai.usage.output_tokens").isIntegralNumber());
        assertTrue(reply.get("confidence").isFloatingPointNumber(), reply.toString());
    }

    /** One conversation: three chat entries, three events, an error, one ordinary application line. */
    static void conversation(LoggerContext context, String session, int seq) {
        Logger chat = context.getLogger("chat");
        Logger events = context.getLogger("event.agent_service");
        MDC.put("session_id", session);
        try {
            chat.atInfo().addKeyValue("role", "user").log("What is the weather in " + session + "?");
            chat.atInfo().addKeyValue("role", "assistant").addKeyValue("provider", "local").addKeyValue("model", "phi3-mini")
                    .addKeyValue("latency_ms", 850).addKeyValue("tokens", 28 + seq % 7).addKeyValue("tokens_in", 12)
                    .addKeyValue("confidence", 0.92).log("Sunny, 21 degrees.");
            chat.atInfo().addKeyValue("type", "tool_call").addKeyValue("role", "tool").addKeyValue("tool", "weather")
                    .addKeyValue("args", "{\"city\":\"" + session + "\"}").addKeyValue("result", "sunny").log("");
            events.atInfo().addKeyValue("seq", seq + 1).addKeyValue("model", "phi3-mini").addKeyValue("tokens_in", 12)
                    .log("llm:request sending prompt | with a pipe");
            events.atInfo().addKeyValue("seq", seq + 2).addKeyValue("event_type", "relevance:score")
                    .addKeyValue("score", 0.75).log("scored the context");
            events.atInfo().addKeyValue("seq", seq + 3).addKeyValue("level", "shadowed").log("state:write saved");
            context.getLogger("error.websockets").atError().setCause(new SocketException("Connection reset"))
                    .addKeyValue("seq", seq + 4).log("socket lost");
            context.getLogger("com.acme.Weather").info("an ordinary line for {}", session);
        } finally {
            MDC.remove("session_id");
        }
    }

    private static String value(List<KeyValue> kvs, String key) {
        return kvs.stream().filter(kv -> kv.key().equals(key)).map(KeyValue::value).findFirst().orElse(null);
    }
}
