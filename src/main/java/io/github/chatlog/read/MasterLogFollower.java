package io.github.chatlog.read;

import io.github.chatlog.event.EventTypes;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows the master log as it grows, like {@code tail -F}: complete lines are handed over as they are written; when
 * the file is rolled (or moved or deleted by another tool), the rest of the old file is read and the new one followed
 * from its start, so no line is missed or repeated across a rollover. A file truncated in place (logrotate's
 * {@code copytruncate}) is read again from its start.
 *
 * <p>After a rollover the new file's first line names the archive the file before it became; the archives rolled
 * since the last line handed over are read up to that one and no further. (Listing "the archives now" instead would,
 * on a busy machine, also take in the new file itself once it rolled too, and hand its lines over twice.)
 */
public final class MasterLogFollower {

    private final Path liveFile;
    private final long pollMillis;

    public MasterLogFollower(Path liveFile, long pollMillis) {
        this.liveFile = liveFile;
        this.pollMillis = pollMillis;
    }

    /** Reads from the current end of the file (or from {@code fromStart}) until {@code stop} says so. */
    public void follow(boolean fromStart, Consumer<MasterLine> sink, BooleanSupplier stop)
            throws IOException, InterruptedException {
        FileChannel channel = null;
        Object key = null;
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        MasterLine[] last = new MasterLine[1];
        Consumer<MasterLine> tracking = l -> {
            last[0] = l;
            sink.accept(l);
        };
        boolean rolled = false;
        try {
            while (!stop.getAsBoolean()) {
                if (channel == null) {
                    try {
                        channel = FileChannel.open(liveFile, StandardOpenOption.READ);
                        key = Files.readAttributes(liveFile, BasicFileAttributes.class).fileKey();
                    } catch (NoSuchFileException notYet) {
                        Thread.sleep(pollMillis);
                        continue;
                    }
                    partial.reset();
                    if (!rolled && !fromStart) {
                        channel.position(channel.size());
                    }
                }
                if (rolled) {
                    String first = firstLine(channel);
                    if (first == null && sameFile(key)) {
                        Thread.sleep(pollMillis); // created, its first line not yet written
                        continue;
                    }
                    if (first != null && last[0] != null) {
                        catchUp(last[0], MasterLineFormat.parse(first), tracking);
                    }
                    rolled = false;
                }
                boolean read = drain(channel, buf, partial, tracking);
                if (!read) {
                    if (!sameFile(key)) {
                        drain(channel, buf, partial, tracking); // what was written before it was rolled
                        channel.close();
                        channel = null;
                        rolled = true;
                        continue;
                    }
                    if (channel.size() < channel.position()) {
                        channel.position(0); // truncated in place: what is there now was written since
                        partial.reset();
                        continue;
                    }
                    Thread.sleep(pollMillis);
                }
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /**
     * After a rollover: hands over the lines after {@code lastSeen} from the archives rolled since, up to and including
     * the one {@code header} (the new live file's first line) names; the new live file is then read from its start.
     * Nothing when the new file does not start with a rotation line (it was moved by another tool: there is no archive).
     */
    private void catchUp(MasterLine lastSeen, MasterLine header, Consumer<MasterLine> sink) {
        if (header == null || !EventTypes.SYSTEM_LOG_ROTATED.equals(header.eventType())) {
            return;
        }
        String named = header.value("archive");
        if (named == null) {
            return;
        }
        String bound = stagedName(Path.of(named).getFileName().toString());
        MasterLogReader reader = MasterLogReader.of(liveFile);
        List<Path> archives = reader.archives();
        int newest = -1;
        for (int i = archives.size() - 1; i >= 0 && newest < 0; i--) {
            if (stagedName(archives.get(i).getFileName().toString()).equals(bound)) {
                newest = i;
            }
        }
        // back from there to the archive that holds the last line handed over (normally that same one)
        for (int i = newest; i >= 0; i--) {
            List<MasterLine> lines = reader.readArchive(archives.get(i));
            int at = lines.lastIndexOf(lastSeen);
            if (at < 0) {
                continue;
            }
            lines.subList(at + 1, lines.size()).forEach(sink);
            for (int j = i + 1; j <= newest; j++) {
                reader.readArchive(archives.get(j)).forEach(sink);
            }
            return;
        }
    }

    private static String stagedName(String archiveName) {
        return archiveName.endsWith(".gz") ? archiveName.substring(0, archiveName.length() - 3) : archiveName;
    }

    /** The file's first complete line, read without moving the channel; null when it has none yet. */
    private static String firstLine(FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long at = 0;
        while (true) {
            head.clear();
            int n = channel.read(head, at);
            if (n <= 0) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                if (head.get(i) == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(head.get(i));
            }
            at += n;
        }
    }

    private boolean sameFile(Object key) {
        Object now = identity();
        return now != null && now.equals(key);
    }

    private static boolean drain(FileChannel channel, ByteBuffer buf, ByteArrayOutputStream partial,
                                 Consumer<MasterLine> sink) throws IOException {
        boolean any = false;
        while (true) {
            buf.clear();
            int n = channel.read(buf);
            if (n <= 0) {
                return any;
            }
            any = true;
            byte[] bytes = buf.array();
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    MasterLine line = MasterLineFormat.parse(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                    if (line != null) {
                        sink.accept(line);
                    }
                } else {
                    partial.write(bytes[i]);
                }
            }
        }
    }

    private Object identity() {
        try {
            return Files.readAttributes(liveFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
