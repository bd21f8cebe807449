package io.github.chatlog.read;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MasterLogReaderTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.000Z");

    private static String line(int second, String type, String message) {
        return MasterLineFormat.format(LogEntry.builder().timestamp(T0.plusSeconds(second).toEpochMilli())
                .eventType(type).source("src").message(message).build());
    }

    /** Two gzip archives, one staged (not yet compressed) archive, and a live file ending in a cut line. */
    private static MasterLogReader fixture(Path dir) throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        gzip(archive.resolve("master_2025-03-01_10-00-02-000.log.gz"),
                line(0, "conversation:start", "a") + line(1, "llm:request", "b") + line(2, "llm:response", "c"));
        gzip(archive.resolve("master_2025-03-01_10-00-04-000.log.gz"),
                line(3, "system:log_rotated", "d") + line(4, "llm:request", "e"));
        Files.writeString(archive.resolve("master_2025-03-01_10-00-06-000.log"),
                line(5, "system:log_rotated", "f") + "garbage line\n" + line(6, "conversation:end", "g"));
        Files.writeString(dir.resolve("master.log"),
                line(7, "system:log_rotated", "h") + line(8, "llm:request", "i|with|pipes\nand a newline")
                        + line(9, "error:runtime", "j") + "2025-03-01T10:00:10.000Z|llm:request|src|cut by a cra");
        return MasterLogReader.of(dir.resolve("master.log"));
    }

    private static void gzip(Path p, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> messages(List<MasterLine> lines) {
        return lines.stream().map(MasterLine::message).collect(Collectors.toList());
    }

    @Test
    void readsArchivesThenLiveInOrderSkippingDamage(@TempDir Path dir) throws IOException {
        MasterLogReader reader = fixture(dir);
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i|with|pipes\nand a newline", "j"),
                messages(reader.read(EventQuery.ALL)));
        assertEquals(3, reader.archives().size());
    }

    @Test
    void filtersBySinceTypeAndLimit(@TempDir Path dir) throws IOException {
        MasterLogReader reader = fixture(dir);
        assertEquals(List.of("b", "e", "i|with|pipes\nand a newline"), messages(reader.read(EventQuery.ALL.types("llm:request"))));
        assertEquals(List.of("b", "c", "e"), messages(reader.read(EventQuery.ALL.types("llm:*").limit(3))));
        assertEquals(List.of("a", "g", "j"), messages(reader.read(EventQuery.ALL.types("conversation:*", "*:runtime"))));
        assertEquals(List.of("g", "h", "i|with|pipes\nand a newline", "j"),
                messages(reader.read(EventQuery.ALL.since(T0.plusSeconds(6)))));
        assertEquals(List.of(), reader.read(EventQuery.ALL.since(T0.plusSeconds(60))));
    }

    @Test
    void tailReadsFromTheEndAndReachesIntoArchives(@TempDir Path dir) throws IOException {
        MasterLogReader reader = fixture(dir);
        assertEquals(List.of("i|with|pipes\nand a newline", "j"), messages(reader.tail(2, EventQuery.ALL)));
        assertEquals(List.of("e", "f", "g", "h", "i|with|pipes\nand a newline", "j"), messages(reader.tail(6, EventQuery.ALL)));
        assertEquals(List.of("b", "e", "i|with|pipes\nand a newline"), messages(reader.tail(10, EventQuery.ALL.types("llm:request"))));
        assertEquals(10, reader.tail(100, EventQuery.ALL).size());
    }

    @Test
    void tailOfALargeLiveFileMatchesAFullRead(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String message = "event " + i + (i % 7 == 0 ? " with a longer payload ".repeat(i % 50) : "");
            text.append(line(i, "load:tick", message));
            expected.add(message);
        }
        Files.writeString(dir.resolve("master.log"), text);
        MasterLogReader reader = MasterLogReader.of(dir.resolve("master.log"));
        for (int n : new int[]{1, 2, 999, 5_000, 20_000, 30_000}) {
            List<String> tail = messages(reader.tail(n, EventQuery.ALL));
            assertEquals(expected.subList(Math.max(0, expected.size() - n), expected.size()), tail, "tail " + n);
        }
    }

    @Test
    void logTextIsOneLinePerEvent(@TempDir Path dir) throws IOException {
        MasterLogReader reader = fixture(dir);
        String text = reader.logText(T0.plusSeconds(8));
        assertEquals("llm:request src i|with|pipes\\nand a newline\nerror:runtime src j", text);
    }

    @Test
    void aMissingLogReadsAsEmpty(@TempDir Path dir) {
        MasterLogReader reader = MasterLogReader.of(dir.resolve("master.log"));
        assertEquals(List.of(), reader.read(EventQuery.ALL));
        assertEquals(List.of(), reader.tail(5, EventQuery.ALL));
        assertTrue(reader.logText(null).isEmpty());
    }
}
