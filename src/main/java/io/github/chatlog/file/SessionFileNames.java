package io.github.chatlog.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names for session transcripts, from untrusted session ids (SPEC §4). An id matching
 * {@code [A-Za-z0-9_-]{1,64}} is kept; any other becomes its safe characters (at most 48), {@code -} and the first 8 hex
 * digits of the SHA-256 of its UTF-8 bytes. Names come from {@code fileNamePattern}: {@code %d{java time pattern}} (the
 * session's first entry, local time) and {@code %session} (the safe id); a {@code /} in the pattern makes folders, e.g.
 * {@code %d{yyyy-MM}/chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log}. Every path stays inside the chats directory.
 */
public final class SessionFileNames {

    /** {@value}. */
    public static final String DEFAULT_PATTERN = "chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log";

    private static final Pattern KEPT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("%d\\{([^}]*)\\}|%session");
    private static final int MAX_SAFE_CHARS = 48;

    private final Path directory;
    private final List<Object> parts = new ArrayList<>(); // String literal, DateTimeFormatter, or SESSION
    private static final Object SESSION = new Object();

    /**
     * @throws IllegalArgumentException when the pattern lacks {@code %session}, has a bad date pattern, or could leave
     *                                  the directory
     */
    public SessionFileNames(Path directory, String pattern, ZoneId zone) {
        this.directory = directory.toAbsolutePath().normalize();
        if (pattern == null || !pattern.contains("%session")) {
            throw new IllegalArgumentException("'" + pattern + "' must contain %session, or all sessions would share a file");
        }
        if (pattern.startsWith("/") || pattern.startsWith("\\") || pattern.contains("\\")
                || List.of(pattern.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals(".") || s.isEmpty())) {
            throw new IllegalArgumentException("'" + pattern + "' must be a relative path without '.', '..' or empty parts");
        }
        Matcher m = TOKEN.matcher(pattern);
        int last = 0;
        while (m.find()) {
            parts.add(pattern.substring(last, m.start()));
            if (m.group(1) != null) {
                try {
                    parts.add(DateTimeFormatter.ofPattern(m.group(1), Locale.ROOT).withZone(zone));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + m.group(1) + "' is not a date pattern: " + e.getMessage());
                }
            } else {
                parts.add(SESSION);
            }
            last = m.end();
        }
        parts.add(pattern.substring(last));
        // a date pattern could still produce "..": check a sample
        Path sample = resolve("x", 0);
        if (!sample.startsWith(this.directory)) {
            throw new IllegalArgumentException("'" + pattern + "' leaves the directory");
        }
    }

    public Path directory() {
        return directory;
    }

    /** The file-name form of an untrusted session id. */
    public static String safeId(String sessionId) {
        if (KEPT.matcher(sessionId).matches()) {
            return sessionId;
        }
        StringBuilder safe = new StringBuilder(MAX_SAFE_CHARS + 9);
        for (int i = 0; i < sessionId.length() && safe.length() < MAX_SAFE_CHARS; i++) {
            char c = sessionId.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                safe.append(c);
            }
        }
        return safe.append('-').append(sha256Hex(sessionId), 0, 8).toString();
    }

    /**
     * A longer form, for the rare id whose safe form another id already took ({@code attempt} 1, 2, …), and (attempt
     * 0) for a real session id equal to the default session's name, whose short form that session keeps.
     */
    public static String longSafeId(String sessionId, int attempt) {
        String base = safeId(sessionId);
        String hash = sha256Hex(sessionId + "\u0000" + attempt);
        return base + "-" + hash.substring(0, 16);
    }

    /** The path for a session whose safe id is {@code safeId} and whose first entry was at {@code startMillis}. */
    public Path resolve(String safeId, long startMillis) {
        StringBuilder name = new StringBuilder(64);
        Instant start = Instant.ofEpochMilli(startMillis);
        for (Object part : parts) {
            if (part == SESSION) {
                name.append(safeId);
            } else if (part instanceof DateTimeFormatter f) {
                name.append(f.format(start).replace('\\', '_').replace(':', '-'));
            } else {
                name.append((String) part);
            }
        }
        Path p = directory.resolve(name.toString()).normalize();
        if (!p.startsWith(directory)) {
            throw new IllegalArgumentException("session file would leave " + directory + ": " + name);
        }
        return p;
    }

    /**
     * Creates the folders above {@code file} and checks that, with symbolic links resolved, they are inside the chats
     * directory: a link planted there is not followed out of it.
     */
    public void prepareParent(FileModes modes, Path file) throws IOException {
        Path parent = file.getParent();
        modes.createDirectories(parent);
        Path realDir = directory.toRealPath();
        if (!parent.toRealPath().startsWith(realDir)) {
            throw new IOException("refusing to write " + file + ": its folder leads outside " + realDir);
        }
        if (Files.isSymbolicLink(file)) {
            throw new IOException("refusing to write " + file + ": it is a symbolic link");
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing to write " + file + ": it is not a regular file");
        }
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
