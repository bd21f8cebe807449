package io.github.chatlog.privacy;

import io.github.chatlog.file.FileModes;
import io.github.chatlog.logback.LogbackFixture;
import io.github.chatlog.redact.PseudonymKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §8: what the plugin creates is owner-only, checked on real files written by a child JVM started under umask 022
 * (where a plain FileOutputStream makes rw-r--r--): master log and archives, transcripts, the SQLite database with its
 * -wal and -shm files while it is open, the JSON shipping file, and every directory. A widened fileMode holds whatever the umask.
 */
class FileModesTest {

    @Test
    void everythingTheExampleCreatesIsOwnerOnlyUnderUmask022(@TempDir Path dir) throws Exception {
        Path logs = dir.resolve("logs");
        Map<String, String> whileOpen = runChild(LogbackFixture.EXAMPLE_CONFIG.toAbsolutePath(), logs,
                "-DLOG_STORAGE=sqlite", "-DCHATLOG_REDACT=secrets,pii", "-DCHATLOG_JSON=file");
        assertTrue(whileOpen.keySet().stream().anyMatch(k -> k.endsWith("chatlog.db-wal")), whileOpen.toString());
        assertTrue(whileOpen.keySet().stream().anyMatch(k -> k.endsWith("chatlog.db-shm")), whileOpen.toString());
        Map<String, String> after = modes(logs);
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("archive/master_") && k.endsWith(".log.gz")), after.toString());
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("chats/chat_")), after.toString());
        assertTrue(after.containsKey("master.log") && after.containsKey("chatlog.db"), after.toString());
        assertTrue(after.containsKey("json/chatlog.json"), "the JSON shipping file: " + after);
        List<String> wrong = new ArrayList<>();
        for (Map<String, String> seen : List.of(whileOpen, after)) {
            seen.forEach((name, mode) -> {
                String want = name.endsWith("/") ? FileModes.DEFAULT_DIRECTORY_MODE : FileModes.DEFAULT_FILE_MODE;
                if (!mode.equals(want)) {
                    wrong.add(name + " " + mode);
                }
            });
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void aWidenedModeIsSetExactly(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("logback.xml");
        Files.writeString(config, "<configuration>"
                + "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>16KB</maxFileSize>"
                + "<fileMode>rw-r-----</fileMode><directoryMode>rwxr-x---</directoryMode></appender>"
                + "<root level='INFO'><appender-ref ref='MASTER'/></root></configuration>");
        Path logs = dir.resolve("logs");
        runChild(config, logs);
        Map<String, String> after = modes(logs);
        assertEquals("rwxr-x---", after.get("./"), after.toString());
        assertEquals("rw-r-----", after.get("master.log"), after.toString());
        assertEquals("rwxr-x---", after.get("archive/"), after.toString());
        assertTrue(after.entrySet().stream().filter(e -> e.getKey().endsWith(".gz")).allMatch(e -> e.getValue().equals("rw-r-----")),
                after.toString());
    }

    @Test
    void thePseudonymKeyFileIsOwnerOnlyAndStable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys").resolve(PseudonymKeys.DEFAULT_KEY_FILE);
        byte[] first = PseudonymKeys.fromFile(file);
        byte[] second = PseudonymKeys.fromFile(file);
        assertEquals(32, first.length);
        assertTrue(java.util.Arrays.equals(first, second), "one key, read back");
        assertEquals(FileModes.DEFAULT_FILE_MODE, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(FileModes.DEFAULT_DIRECTORY_MODE, PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    /** Runs {@link ModesChild} under umask 022; returns the modes seen while it still had the database open. */
    private static Map<String, String> runChild(Path config, Path logs, String... props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + config,
                "-DCHATLOG_DIR=" + logs, "-DCHATLOG_MAX_FILE_SIZE=16KB"));
        cmd.addAll(List.of(props));
        cmd.add(ModesChild.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = p.getOutputStream()) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("written")) {
                // the child prints nothing else
            }
            assertEquals("written", line, "the child logged");
            Map<String, String> whileOpen = modes(logs);
            in.write('\n');
            in.flush();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
            return whileOpen;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Every file and directory below {@code root} (itself as {@code ./}), with its permissions. */
    private static Map<String, String> modes(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String name = root.relativize(p).toString();
                name = Files.isDirectory(p) ? (name.isEmpty() ? "." : name) + "/" : name;
                out.put(name, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return out;
    }
}
