package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Archive names by UTC rollover time: {@code {dir}/{prefix}_{yyyy-MM-dd_HH-mm-ss-SSS}.log.gz}. A new name is never
 * earlier than the newest archive already there (of this process, an earlier run or another process): it takes
 * {@code max(now, newest + 1 ms)}. So names never collide, an existing archive is never overwritten, and name order is
 * write order even after the system clock stepped backwards, which retention relies on to delete the oldest data.
 * Thread-safe.
 */
public final class TimestampArchiveNaming implements ArchiveNaming {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss-SSS").withZone(ZoneOffset.UTC);
    private static final String STAMP_REGEX = "\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}-\\d{3}";

    private final Path directory;
    private final String prefix;
    private final Compression compression;
    private final Pattern finalPattern;
    private final Pattern stagedPattern;
    private long lastMillis = Long.MIN_VALUE;

    /**
     * @param directory   where archives live
     * @param prefix      the live file's name without {@code .log}, e.g. {@code master}
     * @param compression how archives are stored
     */
    public TimestampArchiveNaming(Path directory, String prefix, Compression compression) {
        this.directory = directory;
        this.prefix = prefix;
        this.compression = compression;
        String base = Pattern.quote(prefix + "_") + STAMP_REGEX + "\\.log";
        this.finalPattern = Pattern.compile(base + Pattern.quote(compression.suffix()));
        this.stagedPattern = Pattern.compile(base);
    }

    @Override
    public synchronized Path next(long nowMillis) throws IOException {
        Files.createDirectories(directory);
        long newest = Math.max(lastMillis, newestExisting());
        long millis = newest == Long.MIN_VALUE ? nowMillis : Math.max(nowMillis, newest + 1);
        while (true) {
            String staged = prefix + "_" + STAMP.format(Instant.ofEpochMilli(millis)) + ".log";
            Path stagedPath = directory.resolve(staged);
            Path finalPath = directory.resolve(staged + compression.suffix());
            if (!Files.exists(stagedPath) && !Files.exists(finalPath)
                    && !Files.exists(directory.resolve(staged + Compression.GZIP.suffix() + ".tmp"))) {
                lastMillis = millis;
                return finalPath;
            }
            millis++;
        }
    }

    /** The stamp of the newest archive, staged file or temporary file in the directory; MIN_VALUE when none. */
    private long newestExisting() throws IOException {
        Pattern any = Pattern.compile(Pattern.quote(prefix + "_") + "(" + STAMP_REGEX + ")\\.log.*");
        String newest = null;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, prefix + "_*")) {
            for (Path p : dir) {
                Matcher m = any.matcher(p.getFileName().toString());
                if (m.matches() && (newest == null || m.group(1).compareTo(newest) > 0)) {
                    newest = m.group(1);
                }
            }
        }
        return newest == null ? Long.MIN_VALUE : Instant.from(STAMP.parse(newest)).toEpochMilli();
    }

    @Override
    public List<Path> archives() throws IOException {
        return list(finalPattern);
    }

    @Override
    public List<Path> staged() throws IOException {
        return compression == Compression.NONE ? List.of() : list(stagedPattern);
    }

    @Override
    public List<Path> temporaries() throws IOException {
        return list(Pattern.compile(stagedPattern.pattern() + "\\.gz\\.tmp"));
    }

    @Override
    public Compression compression() {
        return compression;
    }

    @Override
    public Path directory() {
        return directory;
    }

    private List<Path> list(Pattern pattern) throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return result;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                if (pattern.matcher(p.getFileName().toString()).matches()) {
                    result.add(p);
                }
            }
        }
        result.sort(null); // fixed-width UTC stamps: name order is time order
        return result;
    }
}
