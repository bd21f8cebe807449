package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.read.ConversationSource;
import io.github.chatlog.read.TranscriptDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Exports conversations for fine-tuning and review, one transcript in memory at a time:
 * <ul>
 *   <li>{@code jsonl}: one line per session in the chat fine-tuning format
 *       {@code {"messages":[{"role":"system|user|assistant|tool","content":"..."}]}}; a tool call becomes an assistant
 *       message with {@code tool_calls} followed by the matching {@code tool} message ({@code tool_call_id}); notes,
 *       errors and decisions are left out; sessions without an assistant reply are skipped and counted;</li>
 *   <li>{@code csv}: RFC 4180, one row per entry; a cell that starts with TAB or CR, or whose first character other
 *       than white space (spaces, TAB, CR, LF) is {@code = + - @} or one of their full-width or small forms, gets a
 *       leading {@code '} so spreadsheets do not run it as a formula (the OWASP rule);</li>
 *   <li>{@code md}: one section per session, each entry's content in a code fence longer than any backtick run in
 *       it, so no content can break the document; labels, session ids and tool names (untrusted too) have HTML and
 *       Markdown characters escaped, so the export never holds raw HTML from a log.</li>
 * </ul>
 * Every export is safe to print on a terminal: {@code jsonl} writes control, bidirectional and invisible characters
 * as JSON escapes (the exact text, losslessly); {@code csv} and {@code md}, made for people and spreadsheets, show
 * them as {@link TerminalText#text} does (LF and TAB kept). {@code jsonl} is the exact form.
 */
public final class ConversationExport {

    /** What an export wrote and skipped. */
    public record Counts(int sessions, int skippedNoAssistant, int skippedFewTurns, long entries) {
    }

    /**
     * The CSV header. {@code role} is empty for a tool call, decision or error that has no role of its own (the
     * {@code type} says what it is); {@code tool}, {@code args} and {@code result} are a tool call's.
     */
    public static final List<String> CSV_COLUMNS = List.of("session_id", "timestamp", "role", "type", "content",
            "provider", "model", "latency_ms", "tokens", "confidence", ChatKeys.TOOL, ChatKeys.ARGS, ChatKeys.RESULT);

    private ConversationExport() {
    }

    public static Counts export(String format, ConversationSource dir, Predicate<TranscriptDirectory.Transcript> select,
                                String systemPrompt, int minTurns, Predicate<LogEntry> entryFilter, Writer out) {
        return export(format, dir::forEach, select, systemPrompt, minTurns, entryFilter, out);
    }

    /**
     * {@link #export(String, ConversationSource, Predicate, String, int, Predicate, Writer)} over any source of
     * transcripts that hands them over one at a time, such as the conversations of a store.
     */
    public static Counts export(String format, Consumer<Consumer<TranscriptDirectory.Transcript>> transcripts,
                                Predicate<TranscriptDirectory.Transcript> select, String systemPrompt, int minTurns,
                                Predicate<LogEntry> entryFilter, Writer out) {
        int[] counts = new int[3];
        long[] entries = {0};
        try {
            if (format.equals("csv")) {
                out.write(String.join(",", CSV_COLUMNS) + "\r\n");
            } else if (format.equals("md")) {
                out.write("# Conversations\n\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        transcripts.accept(t -> {
            if (!select.test(t)) {
                return;
            }
            List<LogEntry> kept = t.entries().stream().filter(entryFilter).toList();
            if (kept.isEmpty()) {
                return;
            }
            int users = 0;
            int assistants = 0;
            for (LogEntry e : kept) {
                if (isMessage(e, "user")) {
                    users++;
                } else if (isMessage(e, "assistant")) {
                    assistants++;
                }
            }
            if (Math.max(users, assistants) < minTurns) {
                counts[2]++;
                return;
            }
            try {
                switch (format) {
                    case "jsonl" -> {
                        if (assistants == 0) {
                            counts[1]++;
                            return;
                        }
                        out.write(jsonl(kept, systemPrompt, t.sessionId()));
                    }
                    case "csv" -> {
                        for (LogEntry e : kept) {
                            out.write(csvRow(t.sessionId(), e));
                        }
                    }
                    case "md" -> out.write(markdown(t.sessionId(), kept));
                    default -> throw new IllegalArgumentException("format '" + format + "' is not one of jsonl, csv, md");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            counts[0]++;
            entries[0] += kept.size();
        });
        return new Counts(counts[0], counts[1], counts[2], entries[0]);
    }

    private static boolean isMessage(LogEntry e, String role) {
        return role.equals(e.role()) && (e.entryType() == null || ChatKeys.TYPE_MESSAGE.equals(e.entryType()));
    }

    static String jsonl(List<LogEntry> entries, String systemPrompt, String sessionId) {
        StringBuilder sb = new StringBuilder("{\"messages\":[");
        List<String> messages = new ArrayList<>();
        if (systemPrompt != null) {
            messages.add(message("system", systemPrompt));
        }
        int call = 0;
        for (LogEntry e : entries) {
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            if (ChatKeys.TYPE_TOOL_CALL.equals(type)) {
                String id = "call_" + (++call);
                StringBuilder m = new StringBuilder("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":");
                JsonText.string(m, id);
                m.append(",\"type\":\"function\",\"function\":{\"name\":");
                JsonText.string(m, e.value(ChatKeys.TOOL) == null ? "tool" : e.value(ChatKeys.TOOL));
                m.append(",\"arguments\":");
                JsonText.string(m, e.value(ChatKeys.ARGS) == null ? "{}" : e.value(ChatKeys.ARGS));
                m.append("}}]}");
                messages.add(m.toString());
                StringBuilder r = new StringBuilder("{\"role\":\"tool\",\"tool_call_id\":");
                JsonText.string(r, id);
                r.append(",\"content\":");
                JsonText.string(r, e.value(ChatKeys.RESULT) == null ? "" : e.value(ChatKeys.RESULT));
                messages.add(r.append('}').toString());
            } else if (ChatKeys.TYPE_MESSAGE.equals(type)
                    && ("user".equals(e.role()) || "assistant".equals(e.role()) || "system".equals(e.role()))) {
                messages.add(message(e.role(), e.message()));
            }
        }
        sb.append(String.join(",", messages)).append("]}");
        return TerminalText.json(sb.toString()) + "\n";
    }

    private static String message(String role, String content) {
        StringBuilder m = new StringBuilder("{\"role\":");
        JsonText.string(m, role);
        m.append(",\"content\":");
        JsonText.string(m, content);
        return m.append('}').toString();
    }

    static String csvRow(String sessionId, LogEntry e) {
        String content = e.error() != null ? (e.message().isEmpty() ? e.error().describe()
                : e.message() + " - " + e.error().describe()) : e.message();
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        String role = !ChatKeys.TYPE_MESSAGE.equals(type) && (e.role() == null || LogEntry.DEFAULT_ROLE.equals(e.role()))
                ? "" : nonNull(e.role());
        List<String> cells = List.of(sessionId, Instant.ofEpochMilli(e.timestamp()).toString(),
                role, nonNull(e.entryType()), content, nonNull(e.value(ChatKeys.PROVIDER)),
                nonNull(e.value(ChatKeys.MODEL)), nonNull(e.value(ChatKeys.LATENCY_MS)), nonNull(e.value(ChatKeys.TOKENS)),
                nonNull(e.value(ChatKeys.CONFIDENCE)), nonNull(e.value(ChatKeys.TOOL)), nonNull(e.value(ChatKeys.ARGS)),
                nonNull(e.value(ChatKeys.RESULT)));
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(csvCell(cells.get(i)));
        }
        return row.append("\r\n").toString();
    }

    /**
     * One RFC 4180 cell, safe to print ({@link TerminalText#text}) and neutralised against formula injection: see
     * {@link #formulaLike}.
     */
    public static String csvCell(String value) {
        String v = TerminalText.text(value);
        if (formulaLike(v)) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    /** The characters spreadsheets start a formula with, and their full-width and small forms. */
    private static final String FORMULA_STARTS = "=+-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\u2212";

    /**
     * Whether a spreadsheet could take {@code cell} for a formula: it starts with TAB or CR, or its first character
     * after white space (which spreadsheets and importers trim) is one of {@link #FORMULA_STARTS}.
     */
    static boolean formulaLike(String cell) {
        if (cell.isEmpty()) {
            return false;
        }
        if (cell.charAt(0) == '\t' || cell.charAt(0) == '\r') {
            return true;
        }
        for (int i = 0; i < cell.length(); ) {
            int cp = cell.codePointAt(i);
            if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
                return FORMULA_STARTS.indexOf(cp) >= 0;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    static String markdown(String sessionId, List<LogEntry> entries) {
        StringBuilder md = new StringBuilder("## Session ").append(inline(sessionId)).append("\n\n");
        for (LogEntry e : entries) {
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            String label = switch (type) {
                case ChatKeys.TYPE_TOOL_CALL -> "Tool call " + inline(nonNull(e.value(ChatKeys.TOOL)));
                case ChatKeys.TYPE_DECISION -> "Decision";
                case ChatKeys.TYPE_ERROR -> "Error";
                default -> inline(TextTranscriptFormat.label(e.role())); // a role is an untrusted key-value
            };
            md.append("**").append(label).append("** · ").append(Instant.ofEpochMilli(e.timestamp())).append("\n\n");
            String body = switch (type) {
                case ChatKeys.TYPE_TOOL_CALL -> "Arguments: " + nonNull(e.value(ChatKeys.ARGS)) + "\nResult: "
                        + nonNull(e.value(ChatKeys.RESULT));
                case ChatKeys.TYPE_DECISION -> e.message() + "\nRationale: " + nonNull(e.value(ChatKeys.RATIONALE));
                case ChatKeys.TYPE_ERROR -> e.error() == null ? e.message() : e.error().describe()
                        + (e.message().isEmpty() ? "" : "\nContext: " + e.message());
                default -> e.message();
            };
            md.append(fenced(TerminalText.text(body))).append('\n');
        }
        return md.toString();
    }

    /** Content in a fence longer than any backtick run inside it: nothing in it is read as Markdown or HTML. */
    static String fenced(String content) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < content.length(); i++) {
            run = content.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "text\n" + content + "\n" + fence + "\n";
    }

    /** Text for a heading or label: one line, safe for a terminal, Markdown and HTML characters escaped. */
    static String inline(String text) {
        String s = TerminalText.line(text);
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                default -> {
                    if ("\\`*_{}[]()#+-.!|~".indexOf(c) >= 0) {
                        out.append('\\');
                    }
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
