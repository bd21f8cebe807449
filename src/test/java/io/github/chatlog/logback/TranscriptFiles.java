package io.github.chatlog.logback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads back what the transcript appender wrote. */
final class TranscriptFiles {

    private TranscriptFiles() {
    }

    /**
     * Every regular file below {@code dir}, sorted; the log directory's lock file and the chats directory's description
     * of its names (fixed names) are not among them.
     */
    static List<Path> all(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(io.github.chatlog.file.DirectoryLock.FILE_NAME)
                            && !p.getFileName().toString().equals(io.github.chatlog.file.SessionFileNames.DESCRIPTION))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** The one transcript whose {@code Session:} line names {@code id} (escaped as the text format escapes it). */
    static Path of(Path dir, String escapedId) throws IOException {
        List<Path> found = all(dir).stream().filter(p -> read(p).contains("\nSession: " + escapedId + "\n"))
                .collect(Collectors.toList());
        if (found.size() != 1) {
            throw new AssertionError("expected one transcript for " + escapedId + ", found " + found);
        }
        return found.get(0);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
