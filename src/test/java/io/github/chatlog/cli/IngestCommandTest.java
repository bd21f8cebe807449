package io.github.chatlog.cli;

import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chatlog ingest} over a log directory with one truncated gzip archive (issue 12, item 8). */
class IngestCommandTest {

    @Test
    void aTruncatedArchiveIsNamedAndTheRestIsIngested(@TempDir Path dir) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml("<appender name='MASTER' "
                + "class='io.github.chatlog.logback.MasterLogAppender'><file>${CHATLOG_DIR}/master.log</file>"
                + "<maxFileSize>4KB</maxFileSize></appender><root level='INFO'><appender-ref ref='MASTER'/></root>", dir)) {
            for (int i = 0; i < 400; i++) {
                f.logger("event").atInfo().addKeyValue("i", i).log("ingest:tick");
            }
        }
        List<Path> archives;
        try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
            archives = s.sorted().collect(Collectors.toList());
        }
        assertTrue(archives.size() >= 4, "rolled: " + archives);
        Path damaged = archives.get(1);
        List<String> damagedLines = lines(damaged);
        try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2); // a copy cut short, a disk that filled up
        }
        Set<String> intact = new HashSet<>(lines(dir.resolve("master.log")));
        for (Path a : archives) {
            if (!a.equals(damaged)) {
                intact.addAll(lines(a));
            }
        }

        ReadCommandsTest.Run run = ReadCommandsTest.chatlog("ingest", "--dir", dir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("damaged file archive/" + damaged.getFileName()), run.err());
        Set<String> stored = storedLines(dir);
        List<String> missing = intact.stream().filter(l -> !stored.contains(l)).limit(5).toList();
        assertEquals(List.of(), missing, "lines of the intact files");
        long fromDamaged = damagedLines.stream().filter(stored::contains).count();
        assertTrue(fromDamaged > 0 && fromDamaged < damagedLines.size(),
                "the lines before the damage: " + fromDamaged + " of " + damagedLines.size());

        // a second run names it again and adds nothing twice
        ReadCommandsTest.Run again = ReadCommandsTest.chatlog("ingest", "--dir", dir.toString());
        assertTrue(again.err().contains(damaged.getFileName().toString()), again.err());
        assertEquals(stored.size(), storedLines(dir).size());
        assertEquals(count(dir), storedLines(dir).size(), "no line stored twice");
    }

    private static List<String> lines(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        if (f.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.toList());
        }
    }

    private static Set<String> storedLines(Path dir) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("chatlog.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT raw_line FROM events")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("chatlog.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
