package io.github.chatlog.read;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.UtcTimestamps;
import io.github.chatlog.store.StoreConnections;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * Finds conversation entries containing a text (case-insensitive), newest first: in the transcript files, or through
 * the SQLite full-text index when the database is present and current.
 */
public final class TranscriptSearch {

    /** One hit: where {@code file} is null, it came from the database. */
    public record Hit(long timestamp, String role, String text, String sessionId, Path file) {
    }

    /** A hit and the order it was read in, which breaks ties between entries of the same second. */
    private record Ranked(Hit hit, long order) {
    }

    private static final Comparator<Ranked> OLDEST_FIRST = Comparator.<Ranked>comparingLong(r -> r.hit().timestamp())
            .thenComparingLong(Ranked::order);

    private TranscriptSearch() {
    }

    /** Searches the transcript files; reads every file, parses only those whose text contains the query. */
    public static List<Hit> files(TranscriptDirectory dir, String query, String role, long since, int limit) {
        Pattern literal = Pattern.compile(Pattern.quote(query), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        PriorityQueue<Ranked> newest = new PriorityQueue<>(OLDEST_FIRST);
        long[] order = {0};
        dir.forEachMatching(quickLook(query, literal), t -> {
            for (LogEntry e : t.entries()) {
                order[0]++;
                if (e.timestamp() < since || (role != null && !role.equals(e.role()))
                        || !literal.matcher(e.message()).find()) {
                    continue;
                }
                newest.add(new Ranked(new Hit(e.timestamp(), e.role(), e.message(), t.sessionId(), t.file()), order[0]));
                if (newest.size() > limit) {
                    newest.poll();
                }
            }
        });
        List<Ranked> ranked = new ArrayList<>(newest);
        ranked.sort(OLDEST_FIRST.reversed());
        List<Hit> out = new ArrayList<>(ranked.size());
        for (Ranked r : ranked) {
            out.add(r.hit());
        }
        return out;
    }

    /**
     * A first look at a file's raw bytes: for an ASCII query, a case-insensitive byte scan (no decoding, no regex);
     * otherwise the decoded text through the regex.
     */
    static java.util.function.Predicate<byte[]> quickLook(String query, Pattern literal) {
        boolean ascii = query.chars().allMatch(c -> c < 0x80);
        if (!ascii || query.isEmpty()) {
            return raw -> literal.matcher(new String(raw, java.nio.charset.StandardCharsets.UTF_8)).find();
        }
        byte[] lower = query.toLowerCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] upper = query.toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return raw -> {
            byte l0 = lower[0];
            byte u0 = upper[0];
            int last = raw.length - lower.length;
            outer:
            for (int i = 0; i <= last; i++) {
                byte b = raw[i];
                if (b != l0 && b != u0) {
                    continue;
                }
                for (int j = 1; j < lower.length; j++) {
                    byte c = raw[i + j];
                    if (c != lower[j] && c != upper[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        };
    }

    /** Searches the database's full-text index for the query as a phrase. */
    public static List<Hit> database(Path db, String query, String role, long since, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT m.timestamp, m.role, m.content, m.session_id FROM messages_fts "
                + "JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?");
        if (role != null) {
            sql.append(" AND m.role = ?");
        }
        if (since > Long.MIN_VALUE) {
            sql.append(" AND m.timestamp >= ?");
        }
        sql.append(" ORDER BY m.timestamp DESC, m.id DESC LIMIT ?"); // ties (times to the second) in stored order
        try (Connection c = StoreConnections.open(StoreConnections.PREFIX + db, StoreConnections.DEFAULT_BUSY_TIMEOUT_MS);
             PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, "\"" + query.replace("\"", "\"\"") + "\"");
            if (role != null) {
                s.setString(i++, role);
            }
            if (since > Long.MIN_VALUE) {
                s.setString(i++, UtcTimestamps.format(since));
            }
            s.setInt(i, limit);
            List<Hit> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Hit(UtcTimestamps.parse(rs.getString(1)).toEpochMilli(), rs.getString(2), rs.getString(3),
                            rs.getString(4), null));
                }
            }
            return out;
        }
    }

    /**
     * Whether the database holds every transcript as it is now: ingest has recorded each transcript file at its current
     * size. Entries stored only by the live appender do not make it current (its files may hold more).
     */
    public static boolean databaseCurrent(Path logDirectory, Path db) {
        if (!Files.isRegularFile(db) || !StoreConnections.driverPresent()) {
            return false;
        }
        try (Connection c = StoreConnections.open(StoreConnections.PREFIX + db, StoreConnections.DEFAULT_BUSY_TIMEOUT_MS);
             PreparedStatement s = c.prepareStatement("SELECT size FROM ingest_files WHERE path = ?");
             java.util.stream.Stream<Path> files = Files.walk(logDirectory.resolve("chats"), 4)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                s.setString(1, logDirectory.relativize(f).toString().replace('\\', '/'));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != Files.size(f)) {
                        return false;
                    }
                }
            }
            return true;
        } catch (SQLException | java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
