package io.github.chatlog.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionFileNamesTest {

    private static final long T = Instant.parse("2025-10-29T14:30:45Z").toEpochMilli();

    @Test
    void defaultPatternAndMonthlyFolders(@TempDir Path dir) {
        SessionFileNames flat = new SessionFileNames(dir, SessionFileNames.DEFAULT_PATTERN, ZoneOffset.UTC);
        assertEquals(dir.resolve("chat_2025-10-29_14-30-45_abc123.log"), flat.resolve("abc123", T));
        SessionFileNames monthly = new SessionFileNames(dir, "%d{yyyy-MM}/chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log",
                ZoneOffset.UTC);
        assertEquals(dir.resolve("2025-10/chat_2025-10-29_14-30-45_abc123.log"), monthly.resolve("abc123", T));
    }

    @Test
    void safeIdsKeepWhatIsSafeAndHashTheRest() {
        assertEquals("abc-123_X", SessionFileNames.safeId("abc-123_X"));
        assertEquals("x".repeat(64), SessionFileNames.safeId("x".repeat(64)));
        assertTrue(SessionFileNames.safeId("x".repeat(65)).matches("x{48}-[0-9a-f]{8}"));
        // the SHA-256 of "../../etc/passwd" begins with these 8 hex digits
        assertEquals("etcpasswd-" + SessionFileNames.sha256Hex("../../etc/passwd").substring(0, 8),
                SessionFileNames.safeId("../../etc/passwd"));
        assertTrue(SessionFileNames.safeId("").matches("-[0-9a-f]{8}"));
        Set<String> names = new HashSet<>();
        for (String id : new String[]{"a/b", "a\\b", "ab", "a b", "a\u0000b", "café", "cafe\u0301"}) {
            assertTrue(names.add(SessionFileNames.safeId(id)), id);
        }
    }

    @Test
    void patternsThatCouldLeaveTheDirectoryAreRefused(@TempDir Path dir) {
        for (String bad : new String[]{"../%session.log", "/tmp/%session.log", "a/../../%session.log", "chat.log",
                "%d{yyyy}//%session.log", "a\\%session.log"}) {
            assertThrows(IllegalArgumentException.class, () -> new SessionFileNames(dir, bad, ZoneOffset.UTC), bad);
        }
    }

    @Test
    void aPlantedLinkToAFolderOutsideIsRefused(@TempDir Path dir) throws Exception {
        Path chats = Files.createDirectories(dir.resolve("chats"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(chats.resolve("2025-10"), outside);
        SessionFileNames monthly = new SessionFileNames(chats, "%d{yyyy-MM}/%session.log", ZoneOffset.UTC);
        Path file = monthly.resolve("abc", T);
        assertThrows(java.io.IOException.class, () -> monthly.prepareParent(io.github.chatlog.file.FileModes.OWNER_ONLY, file));
    }

    @Test
    void namesReadBackAsTheSessionAndStartTheyWereMadeFrom(@TempDir Path dir) {
        String[] patterns = {SessionFileNames.DEFAULT_PATTERN, "%d{yyyy-MM}/chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log",
                "%session/%d{yyyyMMdd'T'HHmmss}.txt", "%d{yyyy}/%d{MM}/%d{dd}/%session_%d{HH-mm}.jsonl",
                "conv-%session-%d{yyyy-MM-dd}.log"};
        long[] precision = {1000, 1000, 1000, 60_000, 86_400_000};
        java.time.ZoneId lisbon = java.time.ZoneId.of("Europe/Lisbon");
        for (int i = 0; i < patterns.length; i++) {
            SessionFileNames names = new SessionFileNames(dir, patterns[i], lisbon);
            for (String id : new String[]{"abc123", "a_b-c", "2025-10-29_14-30-45", SessionFileNames.safeId("../x y")}) {
                Path live = names.resolve(id, T);
                SessionFileNames.Name name = names.parse(live);
                assertNotNull(name, patterns[i] + " " + live);
                assertEquals(id, name.safeId(), patterns[i]);
                assertEquals(live, name.live());
                assertEquals(0, name.part());
                assertEquals(T - T % precision[i], name.startMillis(), patterns[i]);
                String base = live.getFileName().toString().endsWith(".log")
                        ? live.getFileName().toString().replaceAll("\\.log$", "") : live.getFileName().toString();
                SessionFileNames.Name part = names.parse(live.resolveSibling(base + ".12.log.gz"));
                assertEquals(12, part.part(), patterns[i]);
                assertEquals(live, part.live());
                assertEquals(id, part.safeId());
                assertEquals(3, names.parse(live.resolveSibling(base + ".3.log")).part(), "a part not yet compressed");
                SessionFileNames.Name pruned = names.parse(live.resolveSibling(live.getFileName() + ".gz"));
                assertEquals(Integer.MAX_VALUE, pruned.part(), "a transcript prune compressed");
                assertEquals(live, pruned.live());
            }
            for (String other : new String[]{SessionFileNames.DESCRIPTION, "notes.md", "x/y/z/w/v.log",
                    names.resolve("abc", T).getFileName() + ".gz.tmp"}) {
                assertNull(names.parse(dir.resolve(other)), patterns[i] + ": " + other);
            }
            assertNull(names.parse(dir.getParent().resolve("chat_2025-10-29_14-30-45_abc.log")), "outside the directory");
        }
    }

    @Test
    void theDescriptionCarriesACustomPatternAndZoneToTheReaders(@TempDir Path dir) throws Exception {
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        SessionFileNames plain = new SessionFileNames(dir, SessionFileNames.DEFAULT_PATTERN, tokyo);
        plain.describe(FileModes.OWNER_ONLY, false);
        assertFalse(Files.exists(dir.resolve(SessionFileNames.DESCRIPTION)), "nothing to say: no file");
        String custom = "%d{yyyy-MM}/%session=x#y:z!_%d{yyyy-MM-dd_HH-mm-ss}.log";
        new SessionFileNames(dir, custom, tokyo).describe(FileModes.OWNER_ONLY, true);
        SessionFileNames read = SessionFileNames.described(dir, null);
        assertEquals(custom, read.pattern());
        assertEquals(tokyo, read.zone());
        assertEquals(java.time.ZoneOffset.UTC, SessionFileNames.described(dir, java.time.ZoneOffset.UTC).zone(),
                "a zone the reader names wins");
        if (FileModes.OWNER_ONLY.file() != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve(SessionFileNames.DESCRIPTION))));
        }
        plain.describe(FileModes.OWNER_ONLY, false);
        assertEquals(SessionFileNames.DEFAULT_PATTERN, SessionFileNames.described(dir, null).pattern(),
                "going back to the default corrects an earlier description");
        Files.writeString(dir.resolve(SessionFileNames.DESCRIPTION), "fileNamePattern=../%session.log\n");
        assertThrows(java.io.IOException.class, () -> SessionFileNames.described(dir, null),
                "a description cannot lead the readers out of the directory");
    }
}
