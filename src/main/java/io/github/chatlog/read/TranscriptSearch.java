package io.github.chatlog.read;

import io.github.chatlog.file.LogLayout;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.UtcTimestamps;
import io.github.chatlog.store.EventStore;
import io.github.chatlog.store.StoreConnections;
import io.github.chatlog.store.StoreRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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

    /**
     * Searches the transcript files; reads every file, parses only those whose text contains the query. The files
     * are read, looked at and parsed on as many threads as there are processors.
     */
    public static List<Hit> files(TranscriptDirectory dir, String query, String role, long since, int limit) {
        return files(dir, query, role, since, limit, Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@link #files(TranscriptDirectory, String, String, long, int)} on up to {@code threads} threads: the same hits in
     * the same order whatever their number. An entry's place in the walk (its file's index in file-name order, then
     * its index in the file) ranks it among entries of the same second and session, exactly as the running count of
     * a one-thread walk did; the newest {@code limit} are kept as they come, since their order is total.
     */
    static List<Hit> files(TranscriptDirectory dir, String query, String role, long since, int limit, int threads) {
        Pattern literal = matcher(query);
        PriorityQueue<Ranked> newest = new PriorityQueue<>(OLDEST_FIRST);
        dir.forEachMatching(quickLook(query), threads, (t, file) -> {
            List<Ranked> found = new ArrayList<>();
            long entry = 0;
            for (LogEntry e : t.entries()) {
                entry++;
                String text = EntryText.of(e);
                if (e.timestamp() < since || (role != null && !role.equals(EntryText.role(e)))
                        || !literal.matcher(text).find()) {
                    continue;
                }
                found.add(new Ranked(new Hit(e.timestamp(), EntryText.role(e), text, t.sessionId(), t.file()),
                        ((long) file << 32) | entry));
            }
            if (!found.isEmpty()) {
                synchronized (newest) {
                    for (Ranked r : found) {
                        newest.add(r);
                        if (newest.size() > limit) {
                            newest.poll();
                        }
                    }
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
        List<byte[][]> words = new ArrayList<>(); // each word as lower and upper case bytes
        for (String w : query.split(" ")) {
            if (!w.isEmpty() && !w.equals("-")) {
                words.add(new byte[][]{w.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                        w.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)});
            }
        }
        return raw -> {
            for (byte[][] w : words) {
                if (!containsIgnoringAsciiCase(raw, w[0], w[1])) {
                    return false;
                }
            }
            return true;
        };
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    /**
     * Whether {@code raw} holds the word whose bytes are {@code lower} in lower case and {@code upper} in upper case,
     * each byte in either case. Where its first byte may be is found eight bytes at a time (a letter's two cases
     * differ only in bit 5, so one test with that bit set finds both); each such place is then compared.
     */
    static boolean containsIgnoringAsciiCase(byte[] raw, byte[] lower, byte[] upper) {
        int last = raw.length - lower.length;
        byte first = lower[0];
        long fold = first != upper[0] ? 0x2020202020202020L : 0; // a letter: lower case is upper case with bit 5
        long wanted = (first & 0xFFL) * ONES;
        int i = 0;
        for (; i <= last && i + 8 <= raw.length; i += 8) {
            long x = ((long) LONGS.get(raw, i) | fold) ^ wanted;
            long found = (x - ONES) & ~x & HIGH; // every byte equal to the first, and maybe some after one
            while (found != 0) {
                int at = i + (Long.numberOfTrailingZeros(found) >>> 3);
                if (at > last) {
                    return false;
                }
                if (matchesAt(raw, at, lower, upper)) {
                    return true;
                }
                found &= found - 1;
            }
        }
        for (; i <= last; i++) {
            if (matchesAt(raw, i, lower, upper)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAt(byte[] raw, int at, byte[] lower, byte[] upper) {
        for (int j = 0; j < lower.length; j++) {
            byte c = raw[at + j];
            if (c != lower[j] && c != upper[j]) {
                return false;
            }
        }
        return true;
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
