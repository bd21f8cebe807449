package io.github.chatlog.read;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.file.SessionFileNames;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.ParsedTranscript;
import io.github.chatlog.format.TranscriptParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the transcripts of a log directory back, all three formats and rolled parts ({@code .1.log.gz} …) included,
 * with the same parser the ingest uses. Needs no Logback. A session's end comes from its footer (text) or from the
 * master log's {@code conversation:end} event.
 */
public final class TranscriptDirectory implements ConversationSource {

    private final Path logDirectory;
    private final LogLayout layout;

    /**
     * @param logDirectory the {@code CHATLOG_DIR}: transcripts in {@code chats/}, the master log beside
     * @param zone         the zone text transcripts were written in, or null for the one their appender recorded
     */
    public TranscriptDirectory(Path logDirectory, ZoneId zone) {
        this(LogLayout.of(logDirectory, zone));
    }

    /** The transcripts of a log directory laid out as {@code layout} says. */
    public TranscriptDirectory(LogLayout layout) {
        this.logDirectory = layout.directory();
        this.layout = layout;
    }

    /**
     * One session's transcript: its entries (oldest first) and the files they came from; {@code file} is null and
     * {@code parts} empty for a conversation read from a store.
     */
    public record Transcript(String sessionId, Path file, List<Path> parts, List<LogEntry> entries, long footerEnd) {
    }

    /**
     * Hands every transcript over one at a time, in file-name order, so memory holds one conversation at a time
     * whatever the directory's size.
     */
    @Override
    public void forEach(java.util.function.Consumer<Transcript> action) {
        for (Map.Entry<Path, List<Path>> e : files().entrySet()) {
            action.accept(read(e.getKey(), e.getValue()));
        }
    }

    /** Every transcript, oldest first by first entry. */
    public List<Transcript> transcripts() {
        List<Transcript> out = new ArrayList<>();
        forEach(out::add);
        out.sort(Comparator.comparingLong(t -> t.entries().isEmpty() ? Long.MAX_VALUE : t.entries().get(0).timestamp()));
        return out;
    }

    /**
     * Every transcript file of the directory: the live file (or the name it had, when only compressed parts are left)
     * mapped to its parts, oldest first (the live file last when it exists), in file-name order. With
     * {@link #read(Path, List)}, a reader that keeps transcripts between calls (the viewer) re-reads only those whose
     * parts changed.
     */
    public Map<Path, List<Path>> transcriptFiles() {
        return files();
    }

    /**
     * Live file -> its parts, oldest first (the live file last when it exists), in the order of the live files' paths.
     * The names come in path order, so the live files mostly do too: they are sorted only when they do not.
     */
    private Map<Path, List<Path>> files() {
        Map<Path, List<SessionFileNames.Name>> byLive = new LinkedHashMap<>();
        Path previous = null;
        boolean sorted = true;
        for (SessionFileNames.Name name : layout.transcriptNamesInPathOrder()) {
            List<SessionFileNames.Name> parts = byLive.get(name.live());
            if (parts == null) {
                parts = new ArrayList<>(1);
                byLive.put(name.live(), parts);
                sorted &= previous == null || previous.compareTo(name.live()) < 0;
                previous = name.live();
            }
            parts.add(name);
        }
        Map<Path, List<Path>> out = sorted ? new LinkedHashMap<>() : new TreeMap<>();
        for (Map.Entry<Path, List<SessionFileNames.Name>> e : byLive.entrySet()) {
            List<SessionFileNames.Name> parts = e.getValue();
            if (parts.size() == 1 && parts.get(0).part() == 0) {
                out.put(e.getKey(), List.of(parts.get(0).file())); // the common case: a live file without parts
                continue;
            }
            parts.sort(Comparator.comparingInt(SessionFileNames.Name::part)); // the live file (part 0) is moved last
            List<Path> files = new ArrayList<>(parts.size());
            Path live = null;
            for (SessionFileNames.Name n : parts) {
                if (n.part() == 0) {
                    live = n.file();
                } else {
                    files.add(n.file());
                }
            }
            if (live != null) {
                files.add(live);
            }
            out.put(e.getKey(), files);
        }
        return out;
    }

    /** The newest conversation of {@code sessionId}, or null. */
    public Transcript transcript(String sessionId) {
        List<Transcript> all = conversations(sessionId);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * Every conversation of {@code sessionId}, oldest first: an id used again after its conversation ended (or by
     * another process) has one transcript file per conversation.
     */
    @Override
    public List<Transcript> conversations(String sessionId) {
        List<Transcript> out = new ArrayList<>();
        for (Transcript t : transcripts()) {
            if (t.sessionId().equals(sessionId)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The {@code sessions} listing, one row per conversation: those whose last entry is at or after {@code since}
     * (epoch millis). A conversation ends at its footer, else at the first {@code conversation:end} of its id logged
     * from its last entry (to the second, as text transcripts keep time) until the id's next conversation starts.
     */
    @Override
    public List<SessionSummaryRow> sessions(long since) {
        return sessions(transcripts(), since);
    }

    /**
     * {@link #sessions(long)} over transcripts read already (by {@link #transcripts()} or {@link #read(Path, List)}),
     * in any order; the master log is read for the {@code conversation:end} events.
     */
    public List<SessionSummaryRow> sessions(List<Transcript> transcripts, long since) {
        Map<String, List<Long>> ends = new HashMap<>();
        try (Stream<MasterLine> s = MasterLogReader.of(layout.masterLog())
                .lines(EventQuery.ALL.types(EventTypes.CONVERSATION_END))) {
            s.forEach(l -> {
                String id = l.value("session_id");
                if (id != null) {
                    ends.computeIfAbsent(id, k -> new ArrayList<>()).add(l.instant().toEpochMilli());
                }
            });
        }
        ends.values().forEach(java.util.Collections::sort);
        List<Transcript> all = new ArrayList<>(transcripts);
        all.removeIf(t -> t.entries().isEmpty());
        all.sort(Comparator.comparingLong(t -> t.entries().get(0).timestamp())); // stable: file-name order within
        Map<String, List<Transcript>> byId = new HashMap<>();
        for (Transcript t : all) {
            byId.computeIfAbsent(t.sessionId(), k -> new ArrayList<>()).add(t); // oldest first, as transcripts() sorts
        }
        List<SessionSummaryRow> rows = new ArrayList<>();
        for (Transcript t : all) {
            long last = t.entries().get(t.entries().size() - 1).timestamp();
            if (last < since) {
                continue;
            }
            List<Transcript> same = byId.get(t.sessionId());
            int index = same.indexOf(t);
            long next = index + 1 < same.size() ? same.get(index + 1).entries().get(0).timestamp() : Long.MAX_VALUE;
            long ended = t.footerEnd();
            if (ended < 0) {
                for (long end : ends.getOrDefault(t.sessionId(), List.of())) {
                    if (end >= last - 999 && end < next) {
                        ended = end;
                        break;
                    }
                }
            }
            rows.add(row(t, ended, index + 1, same.size()));
        }
        return rows;
    }

    static SessionSummaryRow row(Transcript t, long ended, int conversation, int conversations) {
        int users = 0;
        int assistants = 0;
        int errors = 0;
        long tokens = 0;
        for (LogEntry e : t.entries()) {
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            if (ChatKeys.TYPE_MESSAGE.equals(type) && "user".equals(e.role())) {
                users++;
            } else if (ChatKeys.TYPE_MESSAGE.equals(type) && "assistant".equals(e.role())) {
                assistants++;
            } else if (ChatKeys.TYPE_ERROR.equals(type)) {
                errors++;
            }
            double n = ChatKeys.number(e.value(ChatKeys.TOKENS));
            tokens += Double.isNaN(n) ? 0 : (long) n;
        }
        return new SessionSummaryRow(t.sessionId(), t.entries().get(0).timestamp(), ended, Math.max(users, assistants),
                tokens, errors, t.file(), conversation, conversations);
    }

    /** The raw bytes of a transcript's parts, for a quick look before decoding and parsing. */
    static byte[] bytes(List<Path> parts) {
        if (parts.size() == 1 && !parts.get(0).toString().endsWith(".gz")) {
            try {
                return Files.readAllBytes(parts.get(0)); // the common case: one plain file, read in one go
            } catch (java.nio.file.NoSuchFileException gone) {
                return new byte[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Path p : parts) {
            try (InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p))
                    : Files.newInputStream(p)) {
                in.transferTo(all);
            } catch (java.nio.file.NoSuchFileException gone) {
                // rolled or pruned meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toByteArray();
    }

    /**
     * Like {@link #forEach}, but decodes and parses only the transcripts whose raw bytes pass {@code quickLook}: a
     * search reads every file but parses only those that can match.
     */
    public void forEachMatching(java.util.function.Predicate<byte[]> quickLook,
                                java.util.function.Consumer<Transcript> action) {
        for (Map.Entry<Path, List<Path>> e : files().entrySet()) {
            byte[] raw = bytes(e.getValue());
            if (quickLook.test(raw)) {
                action.accept(parse(e.getKey(), e.getValue(), new String(raw, StandardCharsets.UTF_8)));
            }
        }
    }

    /**
     * Like {@link #forEachMatching(java.util.function.Predicate, java.util.function.Consumer)}, on up to
     * {@code threads} threads (the calling one among them): each transcript that passes {@code quickLook} is handed to
     * {@code action} with its index in file-name order, the order the one-thread walk hands them over in, from
     * whichever thread read it, so {@code action} must be safe to call from several threads at once. Each thread reads
     * one transcript at a time: memory holds at most {@code threads} of them. The first failure stops the walk and is
     * thrown once every thread has stopped.
     */
    void forEachMatching(java.util.function.Predicate<byte[]> quickLook, int threads,
                         java.util.function.ObjIntConsumer<Transcript> action) {
        List<Map.Entry<Path, List<Path>>> all = new ArrayList<>(files().entrySet());
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable walk = () -> {
            for (int i = next.getAndIncrement(); i < all.size() && failure.get() == null; i = next.getAndIncrement()) {
                try {
                    Map.Entry<Path, List<Path>> e = all.get(i);
                    byte[] raw = bytes(e.getValue());
                    if (quickLook.test(raw)) {
                        action.accept(parse(e.getKey(), e.getValue(), new String(raw, StandardCharsets.UTF_8)), i);
                    }
                } catch (RuntimeException | Error t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        int helpers = Math.max(0, Math.min(threads, all.size()) - 1);
        List<Thread> started = new ArrayList<>(helpers);
        for (int k = 0; k < helpers; k++) {
            Thread t = new Thread(walk, "chatlog-read-" + (k + 1));
            t.setDaemon(true); // a walk left behind never keeps the process alive
            t.start();
            started.add(t);
        }
        walk.run();
        boolean interrupted = false;
        for (Thread t : started) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, new UncheckedIOException(new java.io.InterruptedIOException(
                            "interrupted while reading transcripts")));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error err) {
            throw err;
        }
    }

    /** Reads one transcript: {@code live} and its {@code parts} as {@link #transcriptFiles()} gives them. */
    public Transcript read(Path live, List<Path> parts) {
        return parse(live, parts, new String(bytes(parts), StandardCharsets.UTF_8));
    }

    private Transcript parse(Path live, List<Path> parts, String content) {
        SessionFileNames.Name name = layout.transcriptName(live);
        String fallbackId = name != null ? name.safeId() : live.getFileName().toString();
        long start = name != null && name.startMillis() >= 0 ? name.startMillis() : 0;
        ParsedTranscript parsed = TranscriptParser.read(content, fallbackId, start, layout.zone());
        return new Transcript(parsed.sessionId(), live, List.copyOf(parts), parsed.entries(), parsed.footerEndMillis());
    }
}
