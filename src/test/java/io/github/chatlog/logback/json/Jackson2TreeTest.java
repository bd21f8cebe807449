package io.github.chatlog.logback.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.github.chatlog.logback.json.JsonFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both dependency trees: this test JVM is the Jackson 3 tree (logstash-logback-encoder 9.x, as in the pom); a child JVM
 * gets the Jackson 2 tree instead (logstash-logback-encoder 8.x and Jackson 2, copied to {@code target/jackson2-tree}
 * by the build, as a Spring Boot 3 application resolves them) and must write the same documents.
 */
class Jackson2TreeTest {

    @TempDir
    Path dir;

    @Test
    void theProviderWritesTheSameFieldsWithLogstashEncoder8AndJackson2() throws Exception {
        Path tree = Path.of("target", "jackson2-tree");
        List<String> cp = new ArrayList<>();
        try (Stream<Path> jars = Files.list(tree)) {
            jars.map(p -> p.toAbsolutePath().toString()).sorted().forEach(cp::add);
        }
        assertTrue(cp.stream().anyMatch(p -> p.contains("logstash-logback-encoder-8.")), "the build copied the 8.x tree: " + cp);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // the test class path has Jackson 2 of its own (for the framework adapters): the child gets only the tree's
            if (!entry.contains("logstash-logback-encoder-9") && !entry.contains("com/fasterxml/jackson")) {
                cp.add(entry);
            }
        }
        Path logs = dir.resolve("logs");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), Jackson2TreeChild.class.getName(), logs.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("done"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("provider-api ") && l.contains("logstash-logback-encoder-8.")), out);
        assertFalse(out.contains("status-error"), out);

        List<JsonNode> docs = JsonFixture.documents(logs.resolve("json/chatlog.json"));
        assertEquals(3, docs.size(), docs.toString());
        JsonNode chat = docs.get(0);
        assertEquals("j2", text(chat, "session_id"));
        assertEquals("j2", text(chat, "gen_ai.conversation.id"));
        assertEquals("assistant", text(chat, "role"));
        assertEquals("phi3", text(chat, "gen_ai.request.model"));
        assertEquals(7, chat.get("gen_ai.usage.output_tokens").asInt());
        assertTrue(chat.get("tokens").isNumber());
        assertNull(chat.get("message"), "content stays out on the Jackson 2 path too");
        assertEquals("llm:request", text(docs.get(1), "event_type"));
        assertEquals(3, docs.get(1).get("gen_ai.usage.input_tokens").asInt());
        assertEquals("IOException", text(docs.get(2), "error_type"));
        java.time.OffsetDateTime.parse(text(docs.get(1), "@timestamp"));
        assertTrue(Files.readString(logs.resolve("master.log")).contains("|llm:request|agent|sent session_id=j2 tokens_in=3"));
    }
}
