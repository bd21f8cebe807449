package io.github.chatlog.read;

import io.github.chatlog.file.LogLayout;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.UtcTimestamps;
import io.github.chatlog.store.EventStore;
import io.github.chatlog.store.StoreConnections;
import io.github.chatlog.store.StoreRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * Finds conversation entries containing a text, newest first: in the transcript files, or in the store (SQLite when it
 * is present and current, or the database a command names). Both give the same hits in the same order for the same data: they look in the same text of
 * each entry ({@link EntryText}: messages, tool calls and errors), match it the same way ({@link #matcher}: a
 * substring, case-insensitive) and break ties between entries of the same second the same way (session id, then the
 * order the entries were written).
 */
public final class TranscriptSearch {

    /** One hit: where {@code file} is null, it came from the database. */
    public record Hit(long timestamp, String role, String text, String sessionId, Path file) {
    }

    /** A hit and the order it was read in within its session, which breaks ties between entries of the same second. */
    private record Ranked(Hit hit, long order) {
    }

    private static final Comparator<Ranked> OLDEST_FIRST = Comparator.<Ranked>comparingLong(r -> r.hit().timestamp())
            .thenComparing(r -> r.hit().sessionId())
            .thenComparingLong(Ranked::order);

    private TranscriptSearch() {
    }

    /**
     * How a query matches an entry's text: as a literal substring, ignoring case; ASCII case only for an ASCII query
     * (as SQLite's {@code LIKE} does), Unicode case for any other.
     */
    public static Pattern matcher(String query) {
        boolean ascii = query.chars().allMatch(c -> c < 0x80);
        return Pattern.compile(Pattern.quote(query), ascii ? Pattern.CASE_INSENSITIVE
                : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** Searches the transcript files; reads every file, parses only those whose text contains the query. */
    public static List<Hit> files(TranscriptDirectory dir, String query, String role, long since, int limit) {
        Pattern literal = matcher(query);
        PriorityQueue<Ranked> newest = new PriorityQueue<>(OLDEST_FIRST);
        long[] order = {0};
        dir.forEachMatching(quickLook(query), t -> {
            for (LogEntry e : t.entries()) {
                order[0]++;
                String text = EntryText.of(e);
                if (e.timestamp() < since || (role != null && !role.equals(EntryText.role(e)))
                        || !literal.matcher(text).find()) {
                    continue;
                }
                newest.add(new Ranked(new Hit(e.timestamp(), EntryText.role(e), text, t.sessionId(), t.file()), order[0]));
                if (newest.size() > limit) {
                    newest.poll();
                }
            }
        });
        return newestFirst(newest);
    }

    private static List<Hit> newestFirst(java.util.Collection<Ranked> hits) {
        List<Ranked> ranked = new ArrayList<>(hits);
        ranked.sort(OLDEST_FIRST.reversed());
        List<Hit> out = new ArrayList<>(ranked.size());
        for (Ranked r : ranked) {
            out.add(r.hit());
        }
        return out;
    }

    /**
     * A first look at a file's raw bytes, which must pass every file that holds a hit. For a query of printable ASCII
     * that no transcript format escapes (no backslash, no double quote): each of its words, as a case-insensitive byte
     * scan (no decoding, no regex); words, because an entry's searchable text may join pieces written apart in the
     * file (an error's context and exception, a tool's name and arguments). Any other query may be written escaped,
     * so every file is parsed.
     */
    static java.util.function.Predicate<byte[]> quickLook(String query) {
        boolean verbatim = !query.isBlank()
                && query.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\\' && c != '"');
        if (!verbatim) {
            return raw -> true;
        }
        List<String> words = new ArrayList<>();
        for (String w : query.split(" ")) {
            if (!w.isEmpty() && !w.equals("-")) {
                words.add(w);
            }
        }
        return raw -> words.stream().allMatch(w -> containsIgnoringAsciiCase(raw, w));
    }

    private static boolean containsIgnoringAsciiCase(byte[] raw, String word) {
        byte[] lower = word.toLowerCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] upper = word.toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
    }

    /**
     * Searches the store's {@code messages} (SQLite or PostgreSQL): for an ASCII query the database picks the
     * candidates (a case-insensitive {@code LIKE}, which PostgreSQL answers from a trigram index), and every
     * candidate is confirmed with {@link #matcher}, as the file search does; ties are broken by the order the entries
     * were stored in. So both databases give the files' hits, in the files' order.
     */
    public static List<Hit> database(EventStore store, String query, String role, long since, int limit)
            throws SQLException {
        Pattern literal = matcher(query);
        boolean ascii = query.chars().allMatch(c -> c < 0x80);
        PriorityQueue<Ranked> newest = new PriorityQueue<>(OLDEST_FIRST);
        store.forEachMessageContaining(ascii ? query : null, role,
                since > Long.MIN_VALUE ? UtcTimestamps.format(since) : null, stored -> {
                    StoreRecord.Message m = stored.message();
                    long ts = UtcTimestamps.parse(m.timestamp()).toEpochMilli();
                    if (newest.size() >= limit && ts < newest.peek().hit().timestamp()) {
                        return false; // newest first: nothing further can outrank what is kept
                    }
                    if (literal.matcher(m.content()).find()) {
                        newest.add(new Ranked(new Hit(ts, m.role(), m.content(), m.sessionId(), null), stored.id()));
                        if (newest.size() > limit) {
                            newest.poll();
                        }
                    }
                    return true;
                });
        return newestFirst(newest);
    }

    /** {@link #database(EventStore, String, String, long, int)} over a SQLite file, opened read-only. */
    public static List<Hit> database(Path db, String query, String role, long since, int limit) throws SQLException {
        try (EventStore store = EventStore.openForReading(StoreConnections.PREFIX + db)) {
            return database(store, query, role, since, limit);
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
        try (EventStore store = EventStore.openForReading(StoreConnections.PREFIX + db)) {
            for (Path f : LogLayout.of(logDirectory, null).transcriptFiles()) {
                if (store.ingestedSize(logDirectory.relativize(f).toString().replace('\\', '/')) != Files.size(f)) {
                    return false;
                }
            }
            return true;
        } catch (SQLException | java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
