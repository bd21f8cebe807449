package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Archive names by sequence number beside the live file: {@code chat_…_abc.log} rolls to {@code chat_…_abc.1.log.gz},
 * then {@code .2.log.gz}, … The next number is one above the highest present, so an archive is never overwritten.
 */
public final class IndexedArchiveNaming implements ArchiveNaming {

    private final Path directory;
    private final String base;
    private final Compression compression;
    private final Pattern numbered;

    /** @param liveFile the live file, whose name ends in {@code .log} (or any extension, kept as the base) */
    public IndexedArchiveNaming(Path liveFile, Compression compression) {
        this.directory = liveFile.toAbsolutePath().getParent();
        String name = liveFile.getFileName().toString();
        this.base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        this.compression = compression;
        this.numbered = Pattern.compile(Pattern.quote(base) + "\\.(\\d{1,9})\\.log(\\.gz)?(\\.tmp)?");
    }

    @Override
    public synchronized Path next(long nowMillis) throws IOException {
        int max = 0;
        for (Path p : list()) {
            Matcher m = numbered.matcher(p.getFileName().toString());
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return directory.resolve(base + "." + (max + 1) + ".log" + compression.suffix());
    }

    @Override
    public List<Path> archives() throws IOException {
        return select(compression == Compression.GZIP, false);
    }

    @Override
    public List<Path> staged() throws IOException {
        return compression == Compression.NONE ? List.of() : select(false, false);
    }

    @Override
    public List<Path> temporaries() throws IOException {
        return select(true, true);
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public Compression compression() {
        return compression;
    }

    private List<Path> select(boolean gz, boolean tmp) throws IOException {
        List<Path> result = new ArrayList<>();
        for (Path p : list()) {
            Matcher m = numbered.matcher(p.getFileName().toString());
            if (m.matches() && (m.group(2) != null) == gz && (m.group(3) != null) == tmp) {
                result.add(p);
            }
        }
        result.sort(Comparator.comparingInt(this::index));
        return result;
    }

    private int index(Path p) {
        Matcher m = numbered.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private List<Path> list() throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return result;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, base + ".*")) {
            dir.forEach(result::add);
        }
        return result;
    }
}
