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
}
