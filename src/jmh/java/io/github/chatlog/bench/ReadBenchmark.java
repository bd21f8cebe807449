package io.github.chatlog.bench;

import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.ConversationExport;
import io.github.chatlog.format.TextTranscriptFormat;
import io.github.chatlog.read.TranscriptDirectory;
import io.github.chatlog.read.TranscriptSearch;
import io.github.chatlog.store.Ingest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The read side over a generated corpus of text transcripts ({@code corpusMb}): search without the database against
 * {@code grep -rFc} on the same files, search through the full-text index, and the fine-tuning export. The fork runs
 * with a 256 MB heap, far below the corpus, so a run that loaded everything would fail.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ReadBenchmark {

    /** The word planted in one entry out of every {@value}. */
    static final int RARE_EVERY = 5_000;
    static final String RARE = "zebraquartz";

    @Param({"1024"})
    public int corpusMb;

    private Path dir;
    private TranscriptDirectory transcripts;
    private long bytes;
    private int planted;

    @Setup(Level.Trial)
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams run) throws Exception {
        dir = BenchSupport.scratch("read");
        Path chats = Files.createDirectories(dir.resolve("chats"));
        TextTranscriptFormat text = new TextTranscriptFormat(ZoneOffset.UTC);
        long target = corpusMb * 1024L * 1024L;
        long t = 1_700_000_000_000L;
        int entry = 0;
        for (int s = 0; bytes < target; s++) {
            String id = "bench-" + s;
            Path file = chats.resolve("chat_2023-11-14_22-13-20_" + id + ".log");
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                StringBuilder sb = new StringBuilder(text.header(id, t));
                for (int i = 0; i < 20; i++, entry++) {
                    boolean user = i % 2 == 0;
                    String content = (user ? "How do I configure the router in room " : "You open the admin page and set ")
                            + i + " " + BenchSupport.payload(180) + (entry % RARE_EVERY == 0 ? " " + RARE : "");
                    if (entry % RARE_EVERY == 0) {
                        planted++;
                    }
                    LogEntry.Builder e = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(t + entry * 1000L)
                            .eventType("conversation:turn").source("chat").sessionId(id)
                            .role(user ? "user" : "assistant").entryType("message").message(content);
                    if (!user) {
                        e.keyValue("model", "m").keyValue("latency_ms", "800").keyValue("tokens", "40");
                    }
                    sb.append(text.entry(e.build()));
                }
                w.write(sb.toString());
                bytes += sb.length();
            }
        }
        transcripts = new TranscriptDirectory(dir, ZoneOffset.UTC);
        if (run.getBenchmark().endsWith("searchDatabase")) {
            // the database for the indexed search (ingest is the slow part of the setup, not measured)
            new Ingest(dir, "jdbc:sqlite:" + dir.resolve("chatlog.db"), ZoneOffset.UTC, null).run();
            if (!TranscriptSearch.databaseCurrent(dir, dir.resolve("chatlog.db"))) {
                throw new IllegalStateException("the database should be current after ingest");
            }
        }
    }

    @Benchmark
    public int searchFiles() {
        List<TranscriptSearch.Hit> hits = TranscriptSearch.files(transcripts, RARE, null, Long.MIN_VALUE, 1_000_000);
        check("search", hits.size());
        return hits.size();
    }

    @Benchmark
    public int grepBaseline() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("grep", "-rFc", RARE, dir.resolve("chats").toString()).redirectErrorStream(true).start();
        int total = 0;
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon > 0) {
                total += Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        p.waitFor();
        check("grep", total);
        return total;
    }

    @Benchmark
    public int searchDatabase() throws Exception {
        List<TranscriptSearch.Hit> hits = TranscriptSearch.database(dir.resolve("chatlog.db"), RARE, null,
                Long.MIN_VALUE, 10);
        if (hits.size() != Math.min(10, planted)) {
            throw new IllegalStateException("database search found " + hits.size());
        }
        return hits.size();
    }

    @Benchmark
    public long exportJsonl() throws IOException {
        CountingWriter out = new CountingWriter();
        ConversationExport.Counts c;
        try (Writer w = new BufferedWriter(out, 1 << 16)) {
            c = ConversationExport.export("jsonl", transcripts, t -> true, null, 0, e -> true, w);
        }
        if (c.entries() == 0 || out.chars == 0) {
            throw new IllegalStateException("nothing exported");
        }
        return out.chars;
    }

    private void check(String what, int found) {
        if (found != planted) {
            throw new IllegalStateException(what + " found " + found + " of " + planted + " planted entries");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("corpus: %d MB of text transcripts, %d entries with the rare word%n", bytes / (1024 * 1024), planted);
        BenchSupport.delete(dir);
    }

    /** Counts what it is given and keeps nothing. */
    static final class CountingWriter extends Writer {
        long chars;

        @Override
        public void write(char[] cbuf, int off, int len) {
            chars += len;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
