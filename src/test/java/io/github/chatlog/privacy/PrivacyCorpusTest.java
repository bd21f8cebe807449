package io.github.chatlog.privacy;

import io.github.chatlog.cli.CliRun;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §8 from outside: a generated corpus of 650 fake secrets and personal data items is logged through the drop-in
 * configuration in every place an application puts text (chat messages, replies' key-values, tool arguments and
 * results, decision rationales, exception messages and their causes, event messages and key-values, secret-named
 * key-values, session ids); then every output (live files, decompressed archives, the SQLite database dumped table by
 * table, the jsonl, csv and md exports, file names, the console) is searched for each item. Look-alikes must come through as typed.
 */
class PrivacyCorpusTest {

    private static final int PER_KIND = 25;

    @ParameterizedTest
    @ValueSource(strings = {"secrets", "secrets,pii"})
    void noOutputHoldsAMaskedItemAndLookAlikesSurvive(String policy, @TempDir Path dir) throws Exception {
        boolean pii = policy.contains("pii");
        SensitiveCorpus corpus = new SensitiveCorpus(policy.hashCode());
        List<SensitiveCorpus.Item> items = corpus.items(PER_KIND);
        List<String> lookAlikes = corpus.lookAlikes(10);
        assertTrue(items.size() >= 500, "corpus of " + items.size());
        List<String> personalIds = new ArrayList<>();

        Path config = dir.resolve("logback.xml");
        Files.copy(LogbackFixture.EXAMPLE_CONFIG, config);
        Path logs = dir.resolve("logs");
        System.setProperty("CHATLOG_REDACT", policy);
        System.setProperty("LOG_STORAGE", "sqlite");
        System.setProperty("CHATLOG_MAX_FILE_SIZE", "16KB");
        System.setProperty("LOG_CONVERSATION_TURNS", "1");
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(console, true, StandardCharsets.UTF_8)); // the example's console appender
        try (LogbackFixture f = LogbackFixture.fromFile(config, logs)) {
            assertEquals(List.of(), f.errors());
            Logger chat = f.logger("chat");
            Logger events = f.logger("event.agent");
            Logger app = f.logger("com.acme.Billing");
            for (int i = 0; i < items.size(); i++) {
                String text = items.get(i).text();
                String session = pii && i % 50 == 0 ? "user-" + i + "@mail.example.org" : "s" + (i % 40);
                if (session.contains("@")) {
                    personalIds.add(session);
                }
                MDC.put("session_id", session);
                try {
                    switch (i % 9) {
                        case 0 -> chat.atInfo().addKeyValue("role", "user").log(text);
                        case 1 -> chat.atInfo().addKeyValue("role", "assistant").addKeyValue("model", "m")
                                .addKeyValue("latency_ms", 12).addKeyValue("note", text).log("reply");
                        case 2 -> chat.atInfo().addKeyValue("type", "tool_call").addKeyValue("tool", "lookup")
                                .addKeyValue("args", "{\"q\":\"" + text.replace("\"", "'") + "\"}")
                                .addKeyValue("result", "found " + text).log("");
                        case 3 -> chat.atInfo().addKeyValue("type", "decision").addKeyValue("rationale", text)
                                .log("escalate");
                        case 4 -> chat.error("tool failed", new IllegalStateException("upstream said " + text,
                                new IOException("cause: " + text)));
                        case 5 -> events.atInfo().addKeyValue("prompt", text).log("llm:request sending " + text);
                        case 6 -> app.warn("billing failed for " + text, new RuntimeException(new IOException(text)));
                        case 7 -> events.atInfo().addKeyValue("password", text).addKeyValue("api_key", text)
                                .log("state:write");
                        default -> f.logger("error.agent").error("failed: " + text, new IllegalArgumentException(text));
                    }
                } finally {
                    MDC.clear();
                }
            }
            MDC.put("session_id", "lookalikes");
            for (String text : lookAlikes) {
                chat.atInfo().addKeyValue("role", "user").log(text);
            }
            events.info(MarkerFactory.getMarker("conversation:end"), "done");
            MDC.clear();
        } finally {
            System.setOut(stdout);
            for (String p : List.of("CHATLOG_REDACT", "LOG_STORAGE", "CHATLOG_MAX_FILE_SIZE", "LOG_CONVERSATION_TURNS")) {
                System.clearProperty(p);
            }
        }

        Map<String, String> outputs = outputs(logs);
        outputs.put("console", console.toString(StandardCharsets.UTF_8));
        assertTrue(outputs.get("console").contains("IllegalArgumentException"), "errors reach the console");
        assertTrue(outputs.keySet().stream().anyMatch(k -> k.startsWith("archive/") && k.endsWith(".gz")),
                "the master log rolled: " + outputs.keySet());
        assertTrue(outputs.containsKey("sql:events") && outputs.containsKey("sql:messages"), outputs.keySet().toString());
        int checked = 0;
        List<String> found = new ArrayList<>();
        for (SensitiveCorpus.Item item : items) {
            if (item.pii() && !pii) {
                continue;
            }
            for (String needle : item.needles()) {
                checked++;
                outputs.forEach((name, content) -> {
                    if (content.contains(needle) || name.contains(needle)) {
                        found.add(item.kind() + " '" + needle + "' in " + name);
                    }
                });
            }
        }
        for (String id : personalIds) {
            outputs.forEach((name, content) -> {
                if (content.contains(id) || name.contains(id)) {
                    found.add("session id '" + id + "' in " + name);
                }
            });
        }
        System.out.printf("redaction %s: %d items, %d needles searched in %d outputs (%d personal session ids), %d found%n",
                policy, items.size(), checked, outputs.size(), personalIds.size(), found.size());
        assertEquals(List.of(), found.stream().limit(20).toList(), found.size() + " items found");
        assertTrue(checked >= (pii ? 650 : 450), checked + " needles checked");

        String lookAlikeTranscript = outputs.entrySet().stream().filter(e -> e.getKey().contains("lookalikes"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        List<String> changed = lookAlikes.stream().filter(t -> !lookAlikeTranscript.contains("User:\n" + t + "\n")).toList();
        assertEquals(List.of(), changed, "look-alikes masked");
        assertTrue(outputs.values().stream().anyMatch(c -> c.contains("[REDACTED:api_key]")));
        if (pii) {
            assertTrue(outputs.keySet().stream().anyMatch(k -> k.contains("anon-")), "pseudonymous transcript names");
        }
    }

    /** Every file below {@code logs} (gzip decompressed), each table of the database, and the three exports. */
    private static Map<String, String> outputs(Path logs) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = logs.relativize(p).toString();
                out.put(name, name.endsWith(".gz") ? gunzip(p) : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + logs.resolve("chatlog.db"));
             Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                StringBuilder dump = new StringBuilder();
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int k = 1; k <= cols; k++) {
                            dump.append(rs.getString(k)).append('\t');
                        }
                        dump.append('\n');
                    }
                }
                out.put("sql:" + table, dump.toString());
            }
        }
        for (String format : List.of("jsonl", "csv", "md")) {
            CliRun run = CliRun.of("export", "--format", format, "--dir", logs.toString());
            assertEquals(0, run.code, "export " + format + ": " + run.err);
            out.put("export." + format, run.out);
        }
        return out;
    }

    private static String gunzip(Path p) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
