package io.github.chatlog.read;

import io.github.chatlog.file.LogLayout;
import io.github.chatlog.file.Compression;
import io.github.chatlog.file.TimestampArchiveNaming;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.format.UtcTimestamps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads the master log and its archives, oldest first, with the same {@link MasterLineFormat} that wrote them. Needs no
 * Logback. Damaged lines and an unterminated last line are skipped. Safe to use while the application is logging.
 *
 * <pre>{@code
 * MasterLogReader log = MasterLogReader.of(Path.of("logs/master.log"));
 * try (Stream<MasterLine> s = log.lines(EventQuery.ALL.types("llm:*").since(yesterday))) { ... }
 * List<MasterLine> last = log.tail(50, EventQuery.ALL);
 * }</pre>
 */
public final class MasterLogReader implements EventSource {

    /** The default archive directory beside the live file. */
    public static final String DEFAULT_ARCHIVE_DIRECTORY = LogLayout.ARCHIVE;

    private static final int TAIL_BLOCK = 64 * 1024;

    private final Path liveFile;
    private final TimestampArchiveNaming naming;

    public MasterLogReader(Path liveFile, Path archiveDirectory) {
        this.liveFile = liveFile;
        String name = liveFile.getFileName().toString();
        String prefix = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        this.naming = new TimestampArchiveNaming(archiveDirectory, prefix, Compression.GZIP);
    }

    /** A reader for {@code liveFile} with its archives in {@code archive/} beside it. */
    public static MasterLogReader of(Path liveFile) {
        Path dir = liveFile.toAbsolutePath().getParent();
        return new MasterLogReader(liveFile, dir.resolve(DEFAULT_ARCHIVE_DIRECTORY));
    }

    /** The archives (compressed or waiting for compression), oldest first. */
    public List<Path> archives() {
        try {
            TreeMap<String, Path> byStamp = new TreeMap<>();
            for (Path staged : naming.staged()) {
                byStamp.put(staged.getFileName().toString(), staged);
            }
            for (Path gz : naming.archives()) {
                String name = gz.getFileName().toString();
                byStamp.put(name.substring(0, name.length() - 3), gz); // the compressed copy wins
            }
            return new ArrayList<>(byStamp.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The events matching {@code query}, oldest first: a snapshot of the log as it was when the call began. Close the
     * stream.
     */
    @Override
    public Stream<MasterLine> lines(EventQuery query) {
        String since = query.sinceTimestamp();
        // open the live file first, then list the archives older than that moment: a rollover in between renames the
        // file we hold into an archive named later, which is then left out rather than read twice
        String openedAt = UtcTimestamps.format(System.currentTimeMillis());
        LineSource live = openLive();
        List<Path> files = new ArrayList<>();
        for (Path archive : archives()) {
            String stamp = archiveStamp(archive);
            // every event in an archive was logged before its rollover time, which its name carries
            if (stamp.compareTo(openedAt) < 0 && (since == null || stamp.compareTo(since) >= 0)) {
                files.add(archive);
            }
        }
        LineIterator it = new LineIterator(files, live, query, since);
        Stream<MasterLine> stream = StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(it::close);
        return query.limit() > 0 ? stream.limit(query.limit()) : stream;
    }

    private LineSource openLive() {
        try {
            return LineSource.open(liveFile);
        } catch (NoSuchFileException e) {
            return LineSource.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #lines} collected into a list. */
    public List<MasterLine> read(EventQuery query) {
        try (Stream<MasterLine> s = lines(query)) {
            return s.collect(Collectors.toList());
        }
    }

    /**
     * The last {@code n} events matching {@code filter} (its limit ignored), oldest first. Reads the live file backwards
     * from its end, so the cost depends on {@code n}, not on the size of the file; goes on into archives only when the
     * live file holds fewer.
     */
    @Override
    public List<MasterLine> tail(int n, EventQuery filter) {
        if (n <= 0) {
            return List.of();
        }
        String since = filter.sinceTimestamp();
        ArrayDeque<MasterLine> newestFirst = new ArrayDeque<>();
        try {
            String openedAt = UtcTimestamps.format(System.currentTimeMillis());
            tailLive(n, filter, since, newestFirst);
            List<Path> archives = archives();
            for (int i = archives.size() - 1; i >= 0 && newestFirst.size() < n; i--) {
                String stamp = archiveStamp(archives.get(i));
                if (stamp.compareTo(openedAt) >= 0) {
                    continue; // rolled after the live file was read: its lines were read there
                }
                if (since != null && stamp.compareTo(since) < 0) {
                    break;
                }
                ArrayDeque<MasterLine> lastOfArchive = new ArrayDeque<>();
                try (Stream<MasterLine> s = readFile(archives.get(i), filter, since)) {
                    s.forEach(line -> {
                        lastOfArchive.addLast(line);
                        if (lastOfArchive.size() > n) {
                            lastOfArchive.removeFirst();
                        }
                    });
                }
                while (!lastOfArchive.isEmpty() && newestFirst.size() < n) {
                    newestFirst.addLast(lastOfArchive.removeLast());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<MasterLine> result = new ArrayList<>(newestFirst);
        Collections.reverse(result);
        return result;
    }

    private void tailLive(int n, EventQuery filter, String since, ArrayDeque<MasterLine> newestFirst) throws IOException {
        if (!Files.exists(liveFile)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(liveFile, StandardOpenOption.READ)) {
            long end = ch.size();
            // an unterminated last line is incomplete: start after the last \n
            byte[] carry = new byte[0];
            boolean first = true;
            long pos = end;
            while (pos > 0 && newestFirst.size() < n) {
                int len = (int) Math.min(TAIL_BLOCK, pos);
                pos -= len;
                ByteBuffer block = ByteBuffer.allocate(len + carry.length);
                block.limit(len);
                while (block.position() < len) {
                    if (ch.read(block, pos + block.position()) < 0) {
                        break;
                    }
                }
                block.limit(block.capacity()).position(len);
                block.put(carry);
                byte[] bytes = block.array();
                int lineEnd = bytes.length;
                for (int i = bytes.length - 1; i >= 0; i--) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    if (first) {
                        first = false; // what follows the last \n is an incomplete line
                    } else {
                        accept(bytes, i + 1, lineEnd, filter, since, newestFirst);
                        if (newestFirst.size() >= n) {
                            return;
                        }
                    }
                    lineEnd = i;
                }
                carry = Arrays.copyOfRange(bytes, 0, lineEnd);
                if (first) {
                    carry = new byte[0]; // no line break yet in this block: all of it is the incomplete line
                }
            }
            if (pos == 0 && carry.length > 0 && newestFirst.size() < n) {
                accept(carry, 0, carry.length, filter, since, newestFirst);
            }
        }
    }

    /** Adds the line if it parses and matches. */
    private static void accept(byte[] bytes, int from, int to, EventQuery filter, String since,
                                  ArrayDeque<MasterLine> newestFirst) {
        MasterLine line = MasterLineFormat.parse(new String(bytes, from, to - from, StandardCharsets.UTF_8));
        if (line != null && filter.matches(line, since)) {
            newestFirst.addLast(line);
        }
    }

    /** The lines of one archive, damaged ones left out. */
    List<MasterLine> readArchive(Path archive) {
        try (Stream<MasterLine> s = readFile(archive, EventQuery.ALL, null)) {
            return s.collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String archiveStamp(Path archive) {
        // master_2024-12-19_14-32-01-123.log(.gz): compare as a timestamp of the same shape as the master log's
        String name = archive.getFileName().toString();
        int underscore = name.lastIndexOf('_', name.lastIndexOf(".log") - 1);
        String s = name.substring(underscore - 10, underscore + 13); // yyyy-MM-dd_HH-mm-ss-SSS
        return s.substring(0, 10) + "T" + s.substring(11, 13) + ":" + s.substring(14, 16) + ":" + s.substring(17, 19)
                + "." + s.substring(20, 23) + "Z";
    }

    private Stream<MasterLine> readFile(Path file, EventQuery query, String since) throws IOException {
        LineIterator it = new LineIterator(List.of(file), null, query, since);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
                .onClose(it::close);
    }

    /**
     * Walks the archives in order, opening each lazily (one compressed meanwhile is read from its .gz), then the live
     * file, opened already.
     */
    private final class LineIterator implements Iterator<MasterLine> {
        private final Iterator<Path> files;
        private LineSource last;
        private final EventQuery query;
        private final String since;
        private LineSource current;
        private MasterLine next;

        LineIterator(List<Path> files, LineSource last, EventQuery query, String since) {
            this.files = files.iterator();
            this.last = last;
            this.query = query;
            this.since = since;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (current == null) {
                        if (files.hasNext()) {
                            current = openIfPresent(files.next());
                        } else if (last != null) {
                            current = last;
                            last = null;
                        } else {
                            return false;
                        }
                        continue;
                    }
                    String raw = current.next();
                    if (raw == null) {
                        current.close();
                        current = null;
                        continue;
                    }
                    MasterLine line = MasterLineFormat.parse(raw);
                    if (line != null && query.matches(line, since)) {
                        next = line;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public MasterLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            MasterLine line = next;
            next = null;
            return line;
        }

        void close() {
            for (LineSource source : new LineSource[]{current, last}) {
                if (source != null) {
                    try {
                        source.close();
                    } catch (IOException ignored) {
                        // read-only
                    }
                }
            }
            current = null;
            last = null;
        }

        private LineSource openIfPresent(Path file) throws IOException {
            try {
                return LineSource.open(file);
            } catch (NoSuchFileException e) {
                Path gz = file.resolveSibling(file.getFileName() + ".gz");
                if (Files.exists(gz)) {
                    return LineSource.open(gz);
                }
                return LineSource.empty();
            }
        }
    }
}
