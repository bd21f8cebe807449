package io.github.chatlog.logback.json;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boots a LoggerContext from XML with context properties set first (as environment variables would be), and reads JSON lines strictly. */
final class JsonFixture {

    /** Rejects a document that repeats a key, as Elasticsearch does. */
    static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonFixture() {
    }

    static LoggerContext boot(InputStream xml, Path dir, Map<String, String> properties) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setName("json-" + dir.getFileName());
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        context.putProperty("CHATLOG_DIR", dir.toString());
        properties.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try (xml) {
            configurator.doConfigure(xml);
        }
        return context;
    }

    static LoggerContext example(Path dir, Map<String, String> properties) throws Exception {
        return boot(Files.newInputStream(Path.of("logback-example.xml")), dir, properties);
    }

    static LoggerContext xml(String body, Path dir) throws Exception {
        return boot(new ByteArrayInputStream(("<configuration>" + body + "</configuration>").getBytes(StandardCharsets.UTF_8)),
                dir, Map.of());
    }

    static List<String> errors(LoggerContext context) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR).map(s -> s.getMessage() + (s.getThrowable() == null ? ""
                        : " " + s.getThrowable())).toList();
    }

    /** Every line as a JSON object; fails on a line that is not one object or repeats a key. */
    static List<JsonNode> documents(List<String> lines) {
        List<JsonNode> docs = new ArrayList<>();
        for (String line : lines) {
            JsonNode node;
            try {
                node = STRICT.readTree(line);
            } catch (RuntimeException e) {
                throw new AssertionError("not one JSON object without duplicate keys: " + line, e);
            }
            assertTrue(node.isObject(), line);
            docs.add(node);
        }
        return docs;
    }

    static List<JsonNode> documents(Path file) throws Exception {
        return documents(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static String text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        return n == null || n.isNull() ? null : n.asString();
    }
}
