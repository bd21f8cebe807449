package io.github.chatlog.read;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.logback.LogbackFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file search on several threads finds exactly what the one-thread walk finds, in the same order, under every
 * limit: over a corpus of a few hundred transcripts written by the real appender (text and jsonl), with many entries
 * in the same second across sessions and within one (text transcripts keep seconds only, so ties are everywhere), and
 * files that the quick look passes over.
 */
class ParallelSearchTest {

    @TempDir
    static Path dir;

    static final long T0 = Instant.parse("2026-04-01T08:00:00Z").toEpochMilli();
    static TranscriptDirectory transcripts;

    @BeforeAll
    static void corpus() throws Exception {
        Random r = new Random(11);
        String[] words = {"router", "Router", "ROUTER", "firmware", "reset", "café", "Café", "weekend", "refund", "ok"};
        for (String format : List.of("text", "jsonl")) {
            try (LogbackFixture f = LogbackFixture.fromXml("<appender name='CHAT' "
                    + "class='io.github.chatlog.logback.ChatTranscriptAppender'><format>" + format + "</format>"
                    + "<timeZone>UTC</timeZone><fileNamePattern>chat_%d{yyyy-MM-dd_HH-mm-ss}_%session.log"
                    + "</fileNamePattern></appender><root level='INFO'><appender-ref ref='CHAT'/></root>", dir)) {
                for (int s = 0; s < 110; s++) {
                    String session = format + "-" + s;
                    long t = T0 + r.nextInt(20) * 1000L; // twenty seconds for all: ties across sessions
                    List<Long> times = new ArrayList<>();
                    for (int e = 0; e < 6; e++) {
                        times.add(t);
                        entry(f, r, words, session, t, e);
                        t += r.nextInt(3) * 400L; // often the same second within a session too
                    }
                    if (s < 20) {
                        // the session's next conversation, in a file of its own (named after its first entry), with
                        // entries of the same seconds as the first one's: ties that only the files' order breaks
                        log(f, t, session, "conversation:end");
                        entry(f, r, words, session, T0 + (40 + s) * 1000L, 0);
                        for (int e = 1; e < 5; e++) {
                            entry(f, r, words, session, times.get(r.nextInt(times.size())), e);
                        }
                    }
                }
            }
        }
        transcripts = new TranscriptDirectory(dir, ZoneOffset.UTC);
    }

    private static void entry(LogbackFixture f, Random r, String[] words, String session, long t, int e) {
        if (e % 3 == 2) {
            chat(f, t, session, "", "type", "tool_call", "tool", "lookup", "args", "q=" + words[r.nextInt(words.length)],
                    "result", "done");
        } else {
            chat(f, t, session, words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)] + " " + e, "role",
                    e % 2 == 0 ? "user" : "assistant");
        }
    }

    private static void chat(LogbackFixture f, long millis, String session, String message, Object... keyValues) {
        log(f, "chat", millis, session, message, keyValues);
    }

    private static void log(LogbackFixture f, long millis, String session, String event) {
        log(f, "event", millis, session, event);
    }

    private static void log(LogbackFixture f, String logger, long millis, String session, String message,
                            Object... keyValues) {
        ch.qos.logback.classic.Logger l = f.context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(org.slf4j.Logger.class.getName(), l, Level.INFO, message, null, null);
        e.setTimeStamp(millis);
        e.setMDCPropertyMap(Map.of("session_id", session));
        for (int i = 0; i < keyValues.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        l.callAppenders(e);
    }

    @Test
    void severalThreadsFindWhatOneFindsInTheSameOrder() {
        assertTrue(transcripts.transcripts().size() >= 240, "a corpus of many files");
        int compared = 0;
        for (String query : List.of("router", "CAFÉ", "reset firmware", "q=refund", "zzz")) {
            for (String role : new String[]{null, "user"}) {
                for (long since : new long[]{Long.MIN_VALUE, T0 + 10_000}) {
                    List<TranscriptSearch.Hit> expected = walkedInOrder(query, role, since);
                    assertEquals(expected, TranscriptSearch.files(transcripts, query, role, since, Integer.MAX_VALUE));
                    for (int limit : new int[]{Integer.MAX_VALUE, 1, 7}) {
                        List<TranscriptSearch.Hit> newest = expected.subList(0, Math.min(limit, expected.size()));
                        // more threads than this machine may have processors, so the walk interleaves
                        for (int threads : new int[]{1, 3}) {
                            assertEquals(newest, TranscriptSearch.files(transcripts, query, role, since, limit, threads),
                                    query + " role " + role + " since " + since + " limit " + limit + " on " + threads);
                        }
                    }
                    compared += expected.size();
                }
            }
        }
        assertTrue(compared > 500, "the queries find plenty: " + compared);
        // ties are there to break: hits of one second in one session, and of one second across sessions
        List<TranscriptSearch.Hit> all = TranscriptSearch.files(transcripts, "router", null, Long.MIN_VALUE,
                Integer.MAX_VALUE, 1);
        assertTrue(hasTie(all, true, true) && hasTie(all, true, false) && hasTie(all, false, false),
                "the corpus has ties to break: within a file, across conversations of a session, across sessions");
    }

    /**
     * The search as the one-thread walk did it, spelled out: every transcript in file-name order, every entry
     * numbered as it comes, the hits ranked by time, session and that number, newest first.
     */
    private static List<TranscriptSearch.Hit> walkedInOrder(String query, String role, long since) {
        java.util.regex.Pattern literal = TranscriptSearch.matcher(query);
        List<TranscriptSearch.Hit> hits = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        long[] number = {0};
        transcripts.forEach(t -> {
            for (LogEntry e : t.entries()) {
                number[0]++;
                String text = EntryText.of(e);
                if (e.timestamp() >= since && (role == null || role.equals(EntryText.role(e)))
                        && literal.matcher(text).find()) {
                    hits.add(new TranscriptSearch.Hit(e.timestamp(), EntryText.role(e), text, t.sessionId(), t.file()));
                    numbers.add(number[0]);
                }
            }
        });
        List<Integer> ranked = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            ranked.add(i);
        }
        ranked.sort(java.util.Comparator.<Integer>comparingLong(i -> hits.get(i).timestamp())
                .thenComparing(i -> hits.get(i).sessionId()).thenComparingLong(numbers::get).reversed());
        return ranked.stream().map(hits::get).toList();
    }

    private static boolean hasTie(List<TranscriptSearch.Hit> hits, boolean sameSession, boolean sameFile) {
        for (int i = 1; i < hits.size(); i++) {
            TranscriptSearch.Hit a = hits.get(i - 1);
            TranscriptSearch.Hit b = hits.get(i);
            if (a.timestamp() == b.timestamp() && a.sessionId().equals(b.sessionId()) == sameSession
                    && a.file().equals(b.file()) == sameFile) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyTranscriptIsHandedOverOnceWithItsPlaceInTheWalk() {
        List<Path> sequential = new ArrayList<>();
        transcripts.forEachMatching(raw -> true, t -> sequential.add(t.file()));
        Map<Integer, Path> byIndex = new ConcurrentHashMap<>();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        transcripts.forEachMatching(raw -> true, 3, (t, index) -> {
            assertEquals(null, byIndex.put(index, t.file()), "handed over once");
            threads.add(Thread.currentThread().getName());
        });
        assertEquals(sequential, new ArrayList<>(new java.util.TreeMap<>(byIndex).values()));
        assertEquals(sequential.size(), threads.size());
    }

    @Test
    void aFailureOnAnyThreadReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> transcripts.forEachMatching(
                raw -> new String(raw, StandardCharsets.UTF_8).contains("text-77"), 2, (t, index) -> {
                    throw new IllegalStateException("reader failed on " + t.sessionId());
                }));
        assertEquals("reader failed on text-77", e.getMessage());
    }
}
