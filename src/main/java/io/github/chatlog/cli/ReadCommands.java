package io.github.chatlog.cli;

import io.github.chatlog.format.JsonText;
import io.github.chatlog.json.JsonLines;
import io.github.chatlog.json.MasterLineEntries;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.TerminalText;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.TextTranscriptFormat;
import io.github.chatlog.read.EventQuery;
import io.github.chatlog.read.EventSource;
import io.github.chatlog.read.StoredLog;
import io.github.chatlog.file.LogLayout;
import io.github.chatlog.read.MasterLogFollower;
import io.github.chatlog.read.MasterLogReader;
import io.github.chatlog.read.SessionSummaryRow;
import io.github.chatlog.read.TranscriptDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;

/** The reading commands over the master log and the transcripts: {@code tail}, {@code text}, {@code sessions}, {@code show}. */
final class ReadCommands {

    private ReadCommands() {
    }

    @Command(name = "tail", description = "The master log, newest last.")
    static final class Tail implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "-n", defaultValue = "50", description = "how many events (default ${DEFAULT-VALUE})")
        int count;
        @Option(names = "--type", paramLabel = "PATTERN", description = "event types, * as wildcard: 'llm:*' (repeatable)")
        List<String> types = new ArrayList<>();
        @Option(names = "--session", paramLabel = "ID", description = "only this session's events")
        String session;
        @Option(names = "--follow", description = "keep printing new events; survives rollover (Ctrl-C to stop)")
        boolean follow;
        @Option(names = "--json", description = "one JSON object per event")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (follow && db.given()) {
                throw new CliSupport.UsageError("--follow reads the master log as it grows; not with --db");
            }
            EventQuery query = EventQuery.ALL.types(types.toArray(String[]::new));
            List<MasterLine> last = new ArrayList<>();
            try (StoredLog stored = db.given() ? db.open() : null) {
                EventSource events = stored != null ? stored
                        : MasterLogReader.of(dir.existing().resolve(LogLayout.MASTER_LOG));
                if (session == null) {
                    last.addAll(events.tail(count, query));
                } else {
                    // the session filter is not part of the query: read the newest lines until enough match
                    for (MasterLine l : events.tail(Math.max(count * 50, 5000), query)) {
                        if (session.equals(l.value("session_id"))) {
                            last.add(l);
                        }
                    }
                    last = last.subList(Math.max(0, last.size() - count), last.size());
                }
            }
            for (MasterLine l : last) {
                print(out, l);
            }
            out.flush();
            if (follow) {
                Path live = dir.existing().resolve(LogLayout.MASTER_LOG);
                new MasterLogFollower(live, 250).follow(false, l -> {
                    if (query.matches(l) && (session == null || session.equals(l.value("session_id")))) {
                        print(out, l);
                        out.flush();
                    }
                }, () -> Thread.currentThread().isInterrupted());
            }
            return 0;
        }

        private void print(PrintWriter out, MasterLine l) {
            if (!json) {
                out.println(TerminalText.line(l.raw()));
                return;
            }
            // the field names of the shipped JSON documents (README: Shipping), key-values as fields
            out.println(TerminalText.json(JsonLines.entry(l.timestamp(), MasterLineEntries.of(l), true)));
        }
    }

    @Command(name = "text", description = "The master log as plain text, 'event_type source message' per line.")
    static final class Text implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "--since", paramLabel = "AGO", description = "30m, 1h, 7d or an ISO time")
        String since;

        @Override
        public Integer call() throws SQLException {
            Instant from = CliSupport.since(since);
            String text;
            try (StoredLog stored = db.given() ? db.open() : null) {
                text = (stored != null ? stored : MasterLogReader.of(dir.existing().resolve(LogLayout.MASTER_LOG)))
                        .logText(from);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!text.isEmpty()) {
                out.println(TerminalText.text(text));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "sessions", description = "The conversations: id, conversation number, started, ended, turns, "
            + "tokens, errors, file.")
    static final class Sessions implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Option(names = "--since", paramLabel = "AGO", description = "only sessions active since: 30m, 1h, 7d …")
        String since;
        @Option(names = "--json", description = "one JSON object per session")
        boolean json;

        @Override
        public Integer call() throws SQLException {
            Instant from = CliSupport.since(since);
            Path logs = db.given() ? null : dir.existing();
            List<SessionSummaryRow> rows;
            try (StoredLog stored = db.given() ? db.open() : null) {
                rows = (stored != null ? stored : new TranscriptDirectory(logs, dir.zone))
                        .sessions(from == null ? Long.MIN_VALUE : from.toEpochMilli());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                for (SessionSummaryRow r : rows) {
                    StringBuilder sb = new StringBuilder("{\"session_id\":");
                    JsonText.string(sb, r.sessionId());
                    sb.append(",\"started\":\"").append(Instant.ofEpochMilli(r.started())).append('"');
                    sb.append(",\"ended\":").append(r.ended() < 0 ? "null" : "\"" + Instant.ofEpochMilli(r.ended()) + "\"");
                    sb.append(",\"turns\":").append(r.turns()).append(",\"tokens\":").append(r.tokens())
                            .append(",\"errors\":").append(r.errors());
                    if (r.file() == null) {
                        sb.append(",\"file\":null");
                    } else {
                        JsonText.field(sb, "file", r.file().toString());
                    }
                    sb.append(",\"conversation\":").append(r.conversation())
                            .append(",\"conversations\":").append(r.conversations());
                    out.println(TerminalText.json(sb.append('}').toString()));
                }
            } else {
                table(out, logs, rows);
            }
            out.flush();
            return 0;
        }
    }

    /** The widest the SESSION column of the sessions table gets, in terminal columns: {@value}. */
    static final int MAX_ID_COLUMNS = 48;

    /**
     * The sessions table. Ids are shown on one line with control characters escaped, in a column as wide as the widest
     * (by terminal columns: an emoji or CJK character takes two), at most {@link #MAX_ID_COLUMNS}; longer ids are cut
     * with {@code …} (the full id is in {@code --json}). {@code #} numbers the conversations of an id used more than
     * once, oldest first ({@code show ID --conversation N}); it is empty for an id with one conversation. A conversation
     * read from a store has no file: {@code -}.
     */
    private static void table(PrintWriter out, Path dir, List<SessionSummaryRow> rows) {
        List<String> ids = rows.stream().map(r -> TerminalText.line(r.sessionId())).toList();
        int idColumns = "SESSION".length();
        for (String id : ids) {
            idColumns = Math.max(idColumns, Math.min(MAX_ID_COLUMNS, TerminalText.width(id)));
        }
        String format = "%s  %3s  %-19s  %-19s  %5s  %7s  %6s  %s%n";
        out.printf(format, TerminalText.fit("SESSION", idColumns), "#", "STARTED", "ENDED", "TURNS", "TOKENS", "ERRORS",
                "FILE");
        for (int i = 0; i < rows.size(); i++) {
            SessionSummaryRow r = rows.get(i);
            out.printf(format, TerminalText.fit(ids.get(i), idColumns), r.conversations() > 1 ? r.conversation() : "",
                    CliSupport.time(r.started()),
                    CliSupport.time(r.ended()), r.turns(), r.tokens(), r.errors(),
                    r.file() == null ? "-" : TerminalText.line(dir.relativize(r.file()).toString()));
        }
        out.printf("%d session(s)%n", rows.size());
    }

    @Command(name = "show", description = "Print one conversation's transcript.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CliSupport.DirOption dir;
        @Mixin
        CliSupport.DbOption db;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "SESSION", description = "the session id")
        String session;
        @Option(names = "--conversation", paramLabel = "N",
                description = "which conversation of an id used several times: 1 the oldest (default: the newest)")
        Integer conversation;

        @Override
        public Integer call() throws IOException, SQLException {
            if (db.given()) {
                return fromStore();
            }
            Path logs = dir.existing();
            List<TranscriptDirectory.Transcript> all = new TranscriptDirectory(logs, dir.zone).conversations(session);
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no transcript for session '" + session + "' in "
                        + logs.resolve(LogLayout.CHATS));
            }
            if (conversation != null && (conversation < 1 || conversation > all.size())) {
                throw new CliSupport.UsageError("--conversation takes 1 to " + all.size() + " for session '" + session
                        + "', not " + conversation);
            }
            int n = conversation != null ? conversation : all.size();
            TranscriptDirectory.Transcript t = all.get(n - 1);
            if (all.size() > 1) {
                // on standard error: the transcript on standard output stays exactly the file's
                spec.commandLine().getErr().printf("chatlog: show: session '%s' has %d conversations; this is %d "
                        + "(%s); --conversation N shows another%n", TerminalText.line(session), all.size(), n,
                        TerminalText.line(logs.relativize(t.file()).toString()));
                spec.commandLine().getErr().flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Path part : t.parts()) {
                try (InputStream in = part.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(part))
                        : Files.newInputStream(part)) {
                    out.print(TerminalText.text(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
            out.flush();
            return 0;
        }

        /**
         * The conversation as the store holds it (entries from every instance that wrote it, in time order), written
         * as a text transcript in {@code --zone}.
         */
        private int fromStore() throws SQLException {
            if (conversation != null && conversation != 1) {
                throw new CliSupport.UsageError("--conversation takes 1 for a session read with --db, not " + conversation);
            }
            List<TranscriptDirectory.Transcript> all;
            try (StoredLog stored = db.open()) {
                all = stored.conversations(session);
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no conversation for session '" + session + "' in the database");
            }
            TranscriptDirectory.Transcript t = all.get(0);
            TextTranscriptFormat format = new TextTranscriptFormat(dir.zone != null ? dir.zone : java.time.ZoneId.systemDefault());
            StringBuilder text = new StringBuilder(format.header(session, t.entries().get(0).timestamp()));
            for (LogEntry e : t.entries()) {
                text.append(format.entry(e));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(TerminalText.text(text.toString()));
            out.flush();
            return 0;
        }
    }
}
