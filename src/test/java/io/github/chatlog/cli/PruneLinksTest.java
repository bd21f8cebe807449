package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.github.chatlog.cli.ReadCommandsTest.chatlog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chatlog prune} never follows a symbolic link: nothing outside the log directory is read, copied or deleted. */
class PruneLinksTest {

    private static final FileTime OLD = FileTime.from(Instant.now().minusSeconds(10L * 86_400));
    private static final FileTime ANCIENT = FileTime.from(Instant.now().minusSeconds(90L * 86_400));

    @Test
    void linksInChatsAreSkippedWithANoteAndTheirTargetsLeftAlone(@TempDir Path root) throws Exception {
        Path logs = root.resolve("logs");
        Path outside = Files.createDirectories(root.resolve("outside"));
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'/>"
                + "<root level='INFO'><appender-ref ref='CHAT'/></root>", logs)) {
            MDC.put("session_id", "genuine");
            f.logger("chat").atInfo().addKeyValue("role", "user").log("a real conversation");
        } finally {
            MDC.clear();
        }
        Path chats = logs.resolve("chats");
        Path genuine;
        try (Stream<Path> s = Files.list(chats)) {
            genuine = s.findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(genuine, OLD); // due for compression

        // the reproduction: a file link planted in chats/ to a file outside, old enough to be compressed
        Path secret = Files.writeString(outside.resolve("secret.txt"), "outside content, not a log\n");
        Files.setLastModifiedTime(secret, OLD);
        Path fileLink = Files.createSymbolicLink(chats.resolve("chat_2020-01-01_00-00-00_planted.log"), secret);
        // an ancient one (would be deleted), a link to a folder, and a link where compression writes its .tmp
        Path ancient = Files.writeString(outside.resolve("ancient.log"), "keep me\n");
        Files.setLastModifiedTime(ancient, ANCIENT);
        Path ancientLink = Files.createSymbolicLink(chats.resolve("chat_2020-01-01_00-00-01_old.log"), ancient);
        Path folder = Files.createDirectories(outside.resolve("folder"));
        Path inFolder = Files.writeString(folder.resolve("chat_2020-01-01_00-00-02_x.log"), "in a linked folder\n");
        Files.setLastModifiedTime(inFolder, ANCIENT);
        Files.createSymbolicLink(chats.resolve("linked"), folder);
        Path tmpTarget = Files.writeString(outside.resolve("tmp-target.txt"), "not to be overwritten\n");
        Files.createSymbolicLink(genuine.resolveSibling(genuine.getFileName() + ".gz.tmp"), tmpTarget);
        // the archive folder itself a link out of the directory
        Path archives = Files.createDirectories(outside.resolve("archives"));
        Path oldArchive = Files.writeString(archives.resolve("master_2020-01-01_00-00-00-000.log.gz"), "x");
        Files.setLastModifiedTime(oldArchive, ANCIENT);
        Files.createSymbolicLink(logs.resolve("archive"), archives);
        List<String> before = snapshot(outside);

        ReadCommandsTest.Run r = chatlog("prune", "--older-than", "30d", "--compress-after", "7d", "--dir", logs.toString());
        assertEquals(0, r.code(), r.err());

        assertEquals(before, snapshot(outside), "nothing outside the log directory changed");
        assertTrue(r.out().contains("skipped chats/" + fileLink.getFileName() + ": a symbolic link, not followed"), r.out());
        assertTrue(r.out().contains("skipped chats/" + ancientLink.getFileName() + ": a symbolic link, not followed"), r.out());
        assertTrue(r.out().contains("skipped chats/linked: a symbolic link, not followed"), r.out());
        assertTrue(r.out().contains("skipped archive: a symbolic link, not followed"), r.out());
        assertTrue(Files.isSymbolicLink(fileLink) && Files.isSymbolicLink(ancientLink), "links are left as they are");
        assertFalse(Files.exists(fileLink.resolveSibling(fileLink.getFileName() + ".gz")), "no copy of the outside file");
        // the real transcript was still compressed, through a fresh .tmp
        assertFalse(Files.exists(genuine));
        assertTrue(Files.isRegularFile(genuine.resolveSibling(genuine.getFileName() + ".gz")));
        assertTrue(r.out().contains("compressed chats/" + genuine.getFileName()), r.out());
        assertTrue(r.out().contains("deleted 0 file(s), compressed 1"), r.out());
    }

    /** Every file under {@code dir} with its content and modification time. */
    private static List<String> snapshot(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return p + " " + Files.getLastModifiedTime(p) + " "
                            + new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
