package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.chatlog.cli.ReadCommandsTest.chatlog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The review exports hold no live markup and no formula: a role label forged into HTML, formulas behind white space,
 * full-width signs or a line feed. Logged through a real logback.xml in both transcript formats that keep roles.
 */
class ExportSafetyTest {

    @TempDir
    static Path textDir;
    @TempDir
    static Path jsonlDir;

    static final String HTML_ROLE = "<img src=x onerror=alert(1)>";
    /** Formulas the first guard let through: after a space, in full-width or small forms, after a line feed. */
    static final List<String> FORMULAS = List.of(" =1+1", "＝1+1", "\n=1+1", "\n\n =1", "＋SUM(A1)", "－2+3", "＠x",
            "\u3000=1", "\u00a0\t+1", "﹦1", "﹢1", "﹣1", "\u2212" + "1");
    static final List<String> HARMLESS = List.of("1-2", "a = b", "e-mail@example.org", "well\n=that is a new line");

    @BeforeAll
    static void fixture() throws Exception {
        for (Path dir : List.of(textDir, jsonlDir)) {
            String format = dir == textDir ? "text" : "jsonl";
            try (LogbackFixture f = LogbackFixture.fromXml("<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                    + "<format>" + format + "</format></appender><root level='INFO'><appender-ref ref='CHAT'/></root>", dir)) {
                Logger chat = f.logger("chat");
                try {
                    MDC.put("session_id", "html");
                    chat.atInfo().addKeyValue("role", "user").log("hello");
                    chat.atInfo().addKeyValue("role", HTML_ROLE).log("forged");
                    chat.atInfo().addKeyValue("role", "assistant").log("<script>alert(2)</script>");
                    MDC.put("session_id", "<b onmouseover=alert(3)>s</b>");
                    chat.atInfo().addKeyValue("role", "user").log("hi");
                    MDC.put("session_id", "csv");
                    for (String payload : FORMULAS) {
                        chat.atInfo().addKeyValue("role", "user").log(payload);
                    }
                    for (String payload : HARMLESS) {
                        chat.atInfo().addKeyValue("role", "user").log(payload);
                    }
                } finally {
                    MDC.clear();
                }
            }
        }
    }

    @Test
    void markdownNeverHoldsRawHtmlFromTheLog(@TempDir Path out) throws Exception {
        for (Path dir : List.of(textDir, jsonlDir)) {
            Path file = out.resolve(dir.getFileName() + ".md");
            ReadCommandsTest.Run r = chatlog("export", "--format", "md", "--out", file.toString(), "--dir", dir.toString());
            assertEquals(0, r.code(), r.err());
            String md = Files.readString(file);
            String outside = md.replaceAll("(?s)(`{3,})text\\n.*?\\n\\1\\n", "");
            assertFalse(outside.matches("(?s).*<[A-Za-z/!?].*"), "raw HTML outside the fences:\n" + outside);
            assertTrue(md.contains("<script>alert(2)</script>"), "content is kept, inside its fence:\n" + md);
            assertTrue(outside.contains("## Session &lt;b onmouseover=alert\\(3\\)&gt;s&lt;/b&gt;"), outside);
            if (dir == jsonlDir) {
                // jsonl keeps the forged role as it was logged: its label is escaped
                assertTrue(outside.contains("**&lt;img src=x onerror=alert\\(1\\)&gt;** · "), outside);
            }
        }
    }

    @Test
    void csvNeutralisesFormulasBehindSpacesFullWidthSignsAndLineFeeds(@TempDir Path out) throws Exception {
        for (Path dir : List.of(textDir, jsonlDir)) {
            Path file = out.resolve(dir.getFileName() + ".csv");
            ReadCommandsTest.Run r = chatlog("export", "--format", "csv", "--session", "csv", "--out", file.toString(),
                    "--dir", dir.toString());
            assertEquals(0, r.code(), r.err());
            List<List<String>> rows = AnalysisCommandsTest.parseCsv(Files.readString(file));
            assertEquals(1 + FORMULAS.size() + HARMLESS.size(), rows.size(), Files.readString(file));
            for (int i = 0; i < FORMULAS.size(); i++) {
                String cell = rows.get(1 + i).get(4);
                assertTrue(cell.startsWith("'"), "not neutralised: [" + cell + "]");
                assertEquals(FORMULAS.get(i), cell.substring(1));
            }
            for (int i = 0; i < HARMLESS.size(); i++) {
                assertEquals(HARMLESS.get(i), rows.get(1 + FORMULAS.size() + i).get(4), "left alone");
            }
            for (List<String> row : rows) {
                for (String cell : row) {
                    String start = cell.stripLeading();
                    assertFalse(!cell.startsWith("'") && !start.isEmpty() && "=+-@＝＋－＠﹦﹢﹣\u2212".indexOf(start.charAt(0)) >= 0,
                            "a formula: [" + cell + "]");
                }
            }
        }
    }
}
