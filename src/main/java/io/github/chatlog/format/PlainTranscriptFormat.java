package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EventTypes;
import io.github.chatlog.event.LogEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * One line per entry, for quick reading and simple tools: {@code user: {text}} and {@code agent: {text}} (assistant),
 * other roles by name; {@code tool: weather {"city":"Lisbon"} -> 24°C}, {@code decision: … (rationale: …)},
 * {@code error: SocketException: Connection reset (context)}. Line breaks and other control characters in the text are
 * escaped ({@code \n}) by {@link LineEscaper}, so an entry never spans two lines and {@link #read} gives the text back
 * exactly. Tool calls, decisions and errors are read back as their one-line text. No header, footer or times: entries
 * read back carry the session's start.
 */
public final class PlainTranscriptFormat implements TranscriptFormat {

    public static final String NAME = "plain";
    private static final String PREFIX_END = ": ";
    private static final String ASSISTANT = "agent";
    private static final String TOOL = "tool";
    private static final String DECISION = "decision";
    private static final String ERROR = "error";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String entry(LogEntry e) {
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        StringBuilder text = new StringBuilder(e.message().length() + 32);
        String prefix;
        switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> {
                prefix = TOOL;
                text.append(orEmpty(e.value(ChatKeys.TOOL)));
                if (e.value(ChatKeys.ARGS) != null) {
                    text.append(' ').append(e.value(ChatKeys.ARGS));
                }
                if (e.value(ChatKeys.RESULT) != null) {
                    text.append(" -> ").append(TextTranscriptFormat.cut(e.value(ChatKeys.RESULT),
                            TextTranscriptFormat.MAX_RESULT_CHARS));
                }
            }
            case ChatKeys.TYPE_DECISION -> {
                prefix = DECISION;
                text.append(e.message());
                if (e.value(ChatKeys.RATIONALE) != null) {
                    text.append(" (rationale: ").append(e.value(ChatKeys.RATIONALE)).append(')');
                }
            }
            case ChatKeys.TYPE_ERROR -> {
                prefix = ERROR;
                if (e.error() != null) {
                    text.append(e.error().describe());
                    if (!e.message().isEmpty()) {
                        text.append(" (").append(e.message()).append(')');
                    }
                } else {
                    text.append(e.message());
                }
            }
            default -> {
                prefix = "assistant".equals(e.role()) ? ASSISTANT : e.role() == null ? LogEntry.DEFAULT_ROLE : e.role();
                text.append(e.message());
            }
        }
        StringBuilder out = new StringBuilder(text.length() + prefix.length() + 4);
        LineEscaper.appendEscaped(out, prefix);
        out.append(PREFIX_END);
        LineEscaper.appendEscaped(out, text);
        return out.append('\n').toString();
    }

    @Override
    public ParsedTranscript read(String text, String fallbackId, long fallbackStart) {
        List<LogEntry> entries = new ArrayList<>();
        int end = text.lastIndexOf('\n'); // a last line without its line break is still being written
        for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
            int colon = line.indexOf(PREFIX_END);
            if (colon <= 0) {
                continue;
            }
            String prefix = LineEscaper.unescape(line.substring(0, colon));
            String body = LineEscaper.unescape(line.substring(colon + PREFIX_END.length()));
            LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(fallbackStart)
                    .eventType(EventTypes.CONVERSATION_TURN).source("chat").sessionId(fallbackId);
            switch (prefix) {
                case ASSISTANT -> b.role("assistant").entryType(ChatKeys.TYPE_MESSAGE).message(body);
                case DECISION -> b.role("assistant").entryType(ChatKeys.TYPE_DECISION).message(body);
                case ERROR -> b.role(LogEntry.DEFAULT_ROLE).entryType(ChatKeys.TYPE_ERROR).message(body);
                default -> b.role(prefix).entryType(ChatKeys.TYPE_MESSAGE).message(body);
            }
            entries.add(b.build());
        }
        return new ParsedTranscript(fallbackId, entries, -1);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
