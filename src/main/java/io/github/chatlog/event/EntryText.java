package io.github.chatlog.event;

/**
 * The searchable text of a conversation entry, defined once: what the store keeps in {@code messages.content} (and
 * indexes) and what a search of the transcript files looks in, so both find the same entries. A message is its text;
 * an error is its context, then {@code " - "} and the exception; a tool call without text is its tool, arguments and
 * result.
 */
public final class EntryText {

    private EntryText() {
    }

    /** The entry's searchable text, never null. */
    public static String of(LogEntry e) {
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        String content = e.message();
        if (e.error() != null) {
            return content.isEmpty() ? e.error().describe() : content + " - " + e.error().describe();
        }
        if (ChatKeys.TYPE_TOOL_CALL.equals(type) && content.isEmpty()) {
            return String.join(" ", nonNull(e.value(ChatKeys.TOOL)), nonNull(e.value(ChatKeys.ARGS)),
                    nonNull(e.value(ChatKeys.RESULT))).trim();
        }
        return content;
    }

    /**
     * The entry's role as every transcript reader gives it back, and so as the store records it: a tool call's is
     * {@code tool}, a decision's {@code assistant}, an error's {@link LogEntry#DEFAULT_ROLE}; a message's its own, or
     * {@link LogEntry#DEFAULT_ROLE} when it has none. An entry logged live and the same entry read from its transcript
     * have the same role.
     */
    public static String role(LogEntry e) {
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        return switch (type) {
            case ChatKeys.TYPE_TOOL_CALL -> "tool";
            case ChatKeys.TYPE_DECISION -> "assistant";
            case ChatKeys.TYPE_ERROR -> LogEntry.DEFAULT_ROLE;
            default -> e.role() == null ? LogEntry.DEFAULT_ROLE : e.role();
        };
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
