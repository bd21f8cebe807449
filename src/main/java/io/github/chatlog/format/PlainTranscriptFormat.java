package io.github.chatlog.format;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;

/**
 * One line per entry, for quick reading and simple tools: {@code user: {text}} and {@code agent: {text}} (assistant),
 * other roles by name; {@code tool: weather {"city":"Lisbon"} -> 24°C}, {@code decision: … (rationale: …)},
 * {@code error: SocketException: Connection reset (context)}. Line breaks and other control characters in the text are
 * escaped ({@code \n}), so an entry never spans two lines. No header or footer.
 */
public final class PlainTranscriptFormat implements TranscriptFormat {

    public static final String NAME = "plain";

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
                prefix = "tool";
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
                prefix = "decision";
                text.append(e.message());
                if (e.value(ChatKeys.RATIONALE) != null) {
                    text.append(" (rationale: ").append(e.value(ChatKeys.RATIONALE)).append(')');
                }
            }
            case ChatKeys.TYPE_ERROR -> {
                prefix = "error";
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
                prefix = "assistant".equals(e.role()) ? "agent" : e.role() == null ? LogEntry.DEFAULT_ROLE : e.role();
                text.append(e.message());
            }
        }
        StringBuilder out = new StringBuilder(text.length() + prefix.length() + 4);
        LineEscaper.appendEscaped(out, prefix);
        out.append(": ");
        LineEscaper.appendEscaped(out, text);
        return out.append('\n').toString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
