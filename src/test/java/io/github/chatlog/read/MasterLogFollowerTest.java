package io.github.chatlog.read;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tail --follow} across rollovers every few lines and across an in-place truncation (issue 12, item 8). */
class MasterLogFollowerTest {

    private static final long DEADLINE_MS = 60_000;

    /** Follows {@code master.log} in {@code dir} on a thread of its own, collecting the {@code i} of each tick. */
    private static final class Following implements AutoCloseable {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Following(Path dir) {
            thread = new Thread(() -> {
                try {
                    new MasterLogFollower(dir.resolve("master.log"), 5).follow(true, l -> {
                        if (l.eventType().equals("follow:tick")) {
                            seen.add(l.value("i"));
                        }
                    }, stop::get);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
        }

        void await(int count) {
            io.github.chatlog.Await.until(count + " lines followed", () -> seen.size() >= count);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(DEADLINE_MS);
        }
    }

    private static LogbackFixture logging(Path dir, String maxFileSize) throws Exception {
        return LogbackFixture.fromXml("<appender name='M' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><maxFileSize>" + maxFileSize + "</maxFileSize></appender>"
                + "<root level='INFO'><appender-ref ref='M'/></root>", dir);
    }

    private static List<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }

    @Test
    void everyLineOnceWithARolloverEveryFewLines(@TempDir Path dir) throws Exception {
        int total = 1_500;
        try (Following following = new Following(dir)) {
            try (LogbackFixture f = logging(dir, "300")) { // a rollover every two or three lines
                f.logger("event").atInfo().addKeyValue("i", 0).log("follow:tick");
                following.await(1); // following the live file before it first rolls: from there on, every line
                for (int i = 1; i < total; i++) {
                    f.logger("event").atInfo().addKeyValue("i", i).log("follow:tick");
                }
            }
            following.await(total);
            following.close();
            try (var archives = Files.list(dir.resolve("archive"))) {
                assertTrue(archives.count() > 400, "the log rolled while it was followed");
            }
            assertEquals(range(0, total), List.copyOf(following.seen));
        }
    }

    @Test
    void continuesAfterAnInPlaceTruncation(@TempDir Path dir) throws Exception {
        try (Following following = new Following(dir); LogbackFixture f = logging(dir, "10MB")) {
            for (int i = 0; i < 100; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("follow:tick");
            }
            following.await(100);
            // logrotate copytruncate: copy, then cut the live file to nothing while the writer keeps it open
            Files.copy(dir.resolve("master.log"), dir.resolve("master.log.1"));
            try (FileChannel ch = FileChannel.open(dir.resolve("master.log"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            f.logger("event").atInfo().addKeyValue("i", 100).log("follow:tick");
            following.await(101); // the follower has noticed
            for (int i = 101; i < 200; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("follow:tick");
            }
            following.await(200);
            following.close();
            assertEquals(range(0, 200), List.copyOf(following.seen));
        }
    }
}
