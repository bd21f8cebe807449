package io.github.chatlog.read;

import io.github.chatlog.event.ChatKeys;
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
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the transcripts of a log directory back, all three formats and rolled parts ({@code .1.log.gz} …) included,
 * with the same parser the ingest uses. Needs no Logback. A session's end comes from its footer (text) or from the
 * master log's {@code conversation:end} event.
 */
public final class TranscriptDirectory implements ConversationSource {

    private static final Pattern PART = Pattern.compile("(.+?)\\.(\\d+)\\.log\\.gz");
    private static final Pattern NAMED = Pattern.compile("chat_(\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2})_(.+)\\.log");

    private final Path logDirectory;
    private final ZoneId zone;

    /**
     * @param logDirectory the {@code CHATLOG_DIR}: transcripts in {@code chats/}, the master log beside
     * @param zone         the zone text transcripts were written in
     */
    public TranscriptDirectory(Path logDirectory, ZoneId zone) {
        this.logDirectory = logDirectory;
        this.zone = zone;
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

    /** Live file -> its parts, oldest first (the live file last when it exists). */
    private Map<Path, List<Path>> files() {
        Path chats = logDirectory.resolve(LogDirectoryNames.CHATS);
        if (!Files.isDirectory(chats)) {
            return Map.of();
        }
        Map<Path, List<Path>> byLive = new TreeMap<>();
        java.util.Set<Path> seen = new java.util.HashSet<>(); // live files the walk found: no second stat for them
        try (Stream<Path> files = Files.walk(chats, 4)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = p.getFileName().toString();
                Matcher part = PART.matcher(name);
                if (part.matches()) {
                    byLive.computeIfAbsent(p.resolveSibling(part.group(1) + ".log"), k -> new ArrayList<>()).add(p);
                } else if (name.endsWith(".log.gz")) {
                    // a transcript that prune compressed: the last part of its session's file
                    byLive.computeIfAbsent(p.resolveSibling(name.substring(0, name.length() - 3)), k -> new ArrayList<>())
                            .add(p);
                } else if (name.endsWith(".log") || name.endsWith(".jsonl")) {
                    byLive.computeIfAbsent(p, k -> new ArrayList<>());
                    seen.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Path, List<Path>> out = new TreeMap<>();
        for (Map.Entry<Path, List<Path>> e : byLive.entrySet()) {
            List<Path> parts = new ArrayList<>(e.getValue());
            parts.sort(Comparator.comparingInt(TranscriptDirectory::partNumber));
            if (seen.contains(e.getKey())) {
                parts.add(e.getKey());
            }
            out.put(e.getKey(), parts);
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
        Map<String, List<Long>> ends = new HashMap<>();
        try (Stream<MasterLine> s = MasterLogReader.of(logDirectory.resolve(LogDirectoryNames.MASTER_LOG))
                .lines(EventQuery.ALL.types(EventTypes.CONVERSATION_END))) {
            s.forEach(l -> {
                String id = l.value("session_id");
                if (id != null) {
                    ends.computeIfAbsent(id, k -> new ArrayList<>()).add(l.instant().toEpochMilli());
                }
            });
        }
        ends.values().forEach(java.util.Collections::sort);
        List<Transcript> all = new ArrayList<>(transcripts());
        all.removeIf(t -> t.entries().isEmpty());
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

    private Transcript read(Path live, List<Path> parts) {
        return parse(live, parts, new String(bytes(parts), StandardCharsets.UTF_8));
    }

    private Transcript parse(Path live, List<Path> parts, String content) {
        String name = live.getFileName().toString();
        Matcher m = NAMED.matcher(name);
        String fallbackId = m.matches() ? m.group(2) : name.replaceAll("\\.(log|jsonl)$", "");
        long start = 0;
        if (m.matches()) {
            start = LocalDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"))
                    .atZone(zone).toInstant().toEpochMilli();
        }
        ParsedTranscript parsed = TranscriptParser.read(content, fallbackId, start, zone);
        return new Transcript(parsed.sessionId(), live, List.copyOf(parts), parsed.entries(), parsed.footerEndMillis());
    }

    private static int partNumber(Path p) {
        Matcher m = PART.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(2)) : Integer.MAX_VALUE;
    }
}
