package io.github.chatlog.file;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
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
    private static final Pattern ROLLED = Pattern.compile("(.+)\\.(\\d{1,9})\\.log(\\.gz)?");
    private static final int MAX_SAFE_CHARS = 48;

    /**
     * The file in the chats directory that records the pattern and zone its names were made with, so that every reader
     * and ingest finds the transcripts of a custom {@code fileNamePattern}: {@value}.
     */
    public static final String DESCRIPTION = ".layout";
    private static final String PATTERN_KEY = "fileNamePattern";
    private static final String ZONE_KEY = "timeZone";

    /**
     * What a transcript's path says of it.
     *
     * @param live        the live file the path belongs to (itself, or the file a rolled part came from)
     * @param safeId      the session's safe id as in the name
     * @param startMillis the session's first entry as the name gives it (to its precision), or -1 when it has no date
     * @param part        the rolled part's number, 0 for the live file, {@link Integer#MAX_VALUE} for a compressed last part
     * @param file        the file named
     */
    public record Name(Path live, String safeId, long startMillis, int part, Path file) {

        /** This name as that of {@code file}. */
        public Name withFile(Path file) {
            return new Name(live, safeId, startMillis, part, file);
        }
    }

    private final Path directory;
    private final String pattern;
    private final ZoneId zone;
    private final Pattern names;
    private final DateTimeFormatter allDates; // every %d{} of the pattern, joined by '\u0001', to read a name's start
    private final List<Object> parts = new ArrayList<>(); // String literal, DateTimeFormatter, or SESSION
    private static final Object SESSION = new Object();

    /**
     * @throws IllegalArgumentException when the pattern lacks {@code %session}, has a bad date pattern, or could leave
     *                                  the directory
     */
    public SessionFileNames(Path directory, String pattern, ZoneId zone) {
        this.directory = directory.toAbsolutePath().normalize();
        this.pattern = pattern;
        this.zone = zone;
        if (pattern == null || !pattern.contains("%session")) {
            throw new IllegalArgumentException("'" + pattern + "' must contain %session, or all sessions would share a file");
        }
        if (pattern.startsWith("/") || pattern.startsWith("\\") || pattern.contains("\\")
                || List.of(pattern.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals(".") || s.isEmpty())) {
            throw new IllegalArgumentException("'" + pattern + "' must be a relative path without '.', '..' or empty parts");
        }
        Matcher m = TOKEN.matcher(pattern);
        int last = 0;
        StringBuilder regex = new StringBuilder();
        while (m.find()) {
            parts.add(pattern.substring(last, m.start()));
            if (m.start() > last) {
                regex.append(Pattern.quote(pattern.substring(last, m.start())));
            }
            regex.append(m.group(1) != null ? "(" + dateRegex(m.group(1)) + ")" : "([A-Za-z0-9_-]+)"); // no dot in a safe id
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
        if (last < pattern.length()) {
            regex.append(Pattern.quote(pattern.substring(last)));
        }
        this.names = Pattern.compile(regex.toString());
        StringBuilder dates = new StringBuilder();
        Matcher d = TOKEN.matcher(pattern);
        while (d.find()) {
            if (d.group(1) != null) {
                dates.append(dates.length() == 0 ? "" : "'\u0001'").append(d.group(1));
            }
        }
        this.allDates = dates.length() == 0 ? null : DateTimeFormatter.ofPattern(dates.toString(), Locale.ROOT);
        // a date pattern could still produce "..": check a sample
        Path sample = resolve("x", 0);
        if (!sample.startsWith(this.directory)) {
            throw new IllegalArgumentException("'" + pattern + "' leaves the directory");
        }
    }

    /** The chats directory every name is inside of. */
    public Path directory() {
        return directory;
    }

    /** The {@code fileNamePattern} these names come from. */
    public String pattern() {
        return pattern;
    }

    /** How many folders deep below the directory the names go: 1 for names without a {@code /}. */
    public int depth() {
        return pattern.split("/").length;
    }

    /** The zone of the dates in the names (and of the text transcripts' times). */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The names of the chats directory {@code directory} as its {@link #DESCRIPTION} records them (the default pattern
     * when there is none): the reading side of {@link #describe}.
     *
     * @param zone the zone to read the names' dates in, or null for the recorded one (else the system's)
     * @throws IOException when the description exists but cannot be read or names no valid pattern
     */
    public static SessionFileNames described(Path directory, ZoneId zone) throws IOException {
        Path file = directory.resolve(DESCRIPTION);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new SessionFileNames(directory, DEFAULT_PATTERN, zone != null ? zone : ZoneId.systemDefault());
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            String recorded = p.getProperty(ZONE_KEY);
            return new SessionFileNames(directory, p.getProperty(PATTERN_KEY, DEFAULT_PATTERN),
                    zone != null ? zone : recorded == null ? ZoneId.systemDefault() : ZoneId.of(recorded));
        } catch (RuntimeException e) {
            throw new IOException(file + " does not describe transcript names: " + e.getMessage(), e);
        }
    }

    /**
     * Records this pattern and zone in the chats directory's {@link #DESCRIPTION} for the readers, when it does not
     * already say so (several processes may share the directory: the file is replaced whole, never half written).
     * Names a reader would assume anyway (the default pattern, the zone not configured) write no description, but
     * correct one left by an earlier configuration.
     *
     * @param zoneConfigured whether the zone was set in the configuration rather than taken from the system
     */
    public void describe(FileModes modes, boolean zoneConfigured) throws IOException {
        Path file = directory.resolve(DESCRIPTION);
        if (DEFAULT_PATTERN.equals(pattern) && !zoneConfigured && !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String text = "# how the transcripts here are named: written by logback-chatlog, read by its commands\n"
                + PATTERN_KEY + "=" + escape(pattern) + "\n" + ZONE_KEY + "=" + escape(zone.getId()) + "\n";
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                return;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // unreadable or not UTF-8: write it again
        }
        modes.createDirectories(directory);
        Path tmp = Files.createTempFile(directory, DESCRIPTION, ".tmp", modes.fileAttributes());
        try {
            modes.created(tmp);
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A value as {@link Properties#load(Reader)} reads it back unchanged. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!' || (i == 0 && c == ' ')) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * What {@code file} is, read back from its name: a live transcript, a rolled part ({@code ….N.log[.gz]}) or a
     * compressed last part ({@code ….gz}); null when the pattern did not make it. The reverse of {@link #resolve}.
     */
    public Name parse(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (!abs.startsWith(directory) || abs.equals(directory)) {
            return null;
        }
        String rel = directory.relativize(abs).toString().replace('\\', '/');
        Name live = parseLive(abs, rel, 0);
        if (live != null) {
            return live;
        }
        Matcher part = ROLLED.matcher(rel);
        if (part.matches()) {
            int n = Integer.parseInt(part.group(2));
            Name named = parseLive(null, part.group(1) + ".log", n);
            if (named == null) {
                named = parseLive(null, part.group(1), n); // a live name without .log keeps it whole
            }
            if (named != null) {
                return named.withFile(abs);
            }
        }
        if (rel.endsWith(".gz")) {
            Name named = parseLive(null, rel.substring(0, rel.length() - 3), Integer.MAX_VALUE);
            return named == null ? null : named.withFile(abs);
        }
        return null;
    }

    private Name parseLive(Path abs, String rel, int part) {
        Matcher m = names.matcher(rel);
        if (!m.matches()) {
            return null;
        }
        String safeId = null;
        StringBuilder dates = new StringBuilder();
        int group = 1;
        for (Object p : parts) {
            if (p == SESSION) {
                String id = m.group(group++);
                if (safeId != null && !safeId.equals(id)) {
                    return null; // %session twice, with two different ids
                }
                safeId = id;
            } else if (p instanceof DateTimeFormatter) {
                dates.append(dates.length() == 0 ? "" : "\u0001").append(m.group(group++));
            }
        }
        long start = allDates == null ? -1 : startOf(dates.toString());
        Path live = abs != null ? abs : directory.resolve(rel);
        return new Name(live, safeId, start, part, live);
    }

    /**
     * What a date pattern's text can look like, so a name splits where the writer joined it: numeric fields are digits
     * ({@code yyyy} four or more, {@code MM} two, {@code d} one or two), text fields anything up to a {@code /}, and
     * literals themselves (with the {@code :} and {@code \\} that {@link #resolve} replaces).
     */
    static String dateRegex(String datePattern) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < datePattern.length()) {
            char c = datePattern.charAt(i);
            int j = i;
            if (c == '\'') {
                j = datePattern.indexOf('\'', i + 1);
                j = j < 0 ? datePattern.length() : j;
                String literal = i + 1 == j ? "'" : datePattern.substring(i + 1, j);
                out.append(Pattern.quote(literal.replace('\\', '_').replace(':', '-')));
                i = j + 1;
                continue;
            }
            while (j < datePattern.length() && datePattern.charAt(j) == c) {
                j++;
            }
            int n = j - i;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                boolean numeric = "yuMdHhKkmsSDLQwWeFn".indexOf(c) >= 0 && !((c == 'M' || c == 'L') && n >= 3);
                out.append(!numeric ? "[^/]+?" : n == 1 ? "\\d{1,2}" : (c == 'y' || c == 'u') && n != 2 ? "\\d{" + n + ",}"
                        : "\\d{" + n + "}");
            } else {
                String literal = datePattern.substring(i, j);
                out.append(Pattern.quote(literal.replace('\\', '_').replace(':', '-')));
            }
            i = j;
        }
        return out.toString();
    }

    /** The start that the dates of a name give together, to their precision; -1 when they give no day. */
    private long startOf(String dates) {
        try {
            TemporalAccessor t = allDates.parse(dates);
            if (t.isSupported(ChronoField.HOUR_OF_DAY)) {
                return LocalDateTime.from(t).atZone(zone).toInstant().toEpochMilli();
            }
            return LocalDate.from(t).atStartOfDay(zone).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            return -1; // a month or a year only, or characters resolve() replaced: the name gives no start
        }
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
