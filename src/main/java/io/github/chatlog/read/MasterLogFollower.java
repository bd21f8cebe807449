package io.github.chatlog.read;

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
 * from its start, so no line is missed or repeated across a rollover.
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
                    if (rolled && last[0] != null) {
                        // several rollovers may have happened since the last look: read the archives made since
                        catchUp(last[0], tracking);
                    } else if (!fromStart) {
                        channel.position(channel.size());
                    }
                }
                boolean read = drain(channel, buf, partial, tracking);
                if (!read) {
                    Object now = identity();
                    if (now == null || !now.equals(key)) {
                        drain(channel, buf, partial, tracking); // what was written before it was rolled
                        channel.close();
                        channel = null;
                        rolled = true;
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
     * After a rollover: hands over the lines after {@code lastSeen} from the archives rolled since; the new live file
     * is then read from its start.
     */
    private void catchUp(MasterLine lastSeen, Consumer<MasterLine> sink) {
        MasterLogReader reader = MasterLogReader.of(liveFile);
        boolean passed = false;
        for (Path archive : reader.archives()) {
            if (MasterLogReader.archiveStamp(archive).compareTo(lastSeen.timestamp()) < 0) {
                continue; // rolled before the last line we handed over was written
            }
            List<MasterLine> lines = reader.readArchive(archive);
            int start = 0;
            if (!passed) {
                int at = lines.lastIndexOf(lastSeen);
                if (at >= 0) {
                    start = at + 1;
                    passed = true;
                } else {
                    continue; // not yet at the archive that holds what we read from the old file
                }
            }
            for (MasterLine l : lines.subList(start, lines.size())) {
                sink.accept(l);
            }
        }
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
