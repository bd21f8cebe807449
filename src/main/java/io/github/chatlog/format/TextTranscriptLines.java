package io.github.chatlog.format;

import java.util.List;
import java.util.function.Predicate;

/**
 * The lines of the text transcript, for both {@link TextTranscriptFormat} (writing) and {@link TextTranscriptReader}:
 * every literal of the format, which lines are structure, and the escape that keeps content from ever being taken
 * for structure.
 *
 * <p>Content (and the continuation lines of a multi-line argument, result, rationale, context or exception message)
 * is written as it is, except a line that is <em>reserved</em>: shaped like an entry header
 * ({@code [yyyy-MM-dd HH:mm:ss] …}), a separator or rule (80 {@code -} or {@code =}), a {@code Chat Log - Session
 * started at} header, a {@code Session:} line, a {@code Session ended at} footer, a {@code [Metadata: } line, or a
 * field label of its entry ({@code Arguments: }, {@code Result: }, {@code Rationale: }, {@code Context: }). Such a
 * line, and a line of backslashes followed by one, is written with one more leading {@code \}; the reader removes it
 * again. So a line reads back byte for byte, and an ordinary transcript has no escape at all. Lines end at LF only;
 * CR, NEL, U+2028 and U+2029 are content.
 */
final class TextTranscriptLines {

    static final String HEADER = "Chat Log - Session started at ";
    static final String SESSION = "Session: ";
    static final String RULE = "=".repeat(80);
    static final String SEPARATOR = "-".repeat(80);
    static final String FOOTER = "Session ended at ";
    static final String METADATA_OPEN = "[Metadata: ";
    static final String METADATA_CLOSE = "]";
    static final String METADATA_PART_SEPARATOR = ", ";
    static final String TOOL_CALL = "Tool call: ";
    static final String DECISION = "Decision";
    static final String ERROR = "Error";
    static final String LABEL_END = ":";
    static final String ARGUMENTS = "Arguments: ";
    static final String RESULT = "Result: ";
    static final String RATIONALE = "Rationale: ";
    static final String CONTEXT = "Context: ";
    static final String ERROR_NAME_END = ": ";
    static final String TIME_PATTERN = "yyyy-MM-dd HH:mm:ss";
    /** {@code [} + {@link #TIME_PATTERN} + {@code ] }: where an entry header's label starts. */
    static final int LABEL_START = TIME_PATTERN.length() + 3;
    static final char ESCAPE = '\\';

    /** The kinds of entry body, each with the labels of its one-line fields, in the order they are written. */
    enum Body {
        MESSAGE(List.of()),
        TOOL_CALL(List.of(ARGUMENTS, RESULT)),
        DECISION(List.of(RATIONALE)),
        ERROR(List.of(CONTEXT));

        final List<String> labels;

        Body(List<String> labels) {
            this.labels = labels;
        }

        /** The label {@code line} starts with, or null. */
        String labelOf(String line) {
            for (String label : labels) {
                if (line.startsWith(label)) {
                    return label;
                }
            }
            return null;
        }

        /** Whether a content line of this body must be escaped (given without its leading backslashes). */
        boolean reserves(String line) {
            return isReserved(line) || labelOf(line) != null;
        }
    }

    private TextTranscriptLines() {
    }

    /** {@code [yyyy-MM-dd HH:mm:ss] label}: the first line of an entry. */
    static boolean isEntryHeader(String line) {
        return line.length() > LABEL_START && line.charAt(0) == '[' && line.charAt(LABEL_START - 2) == ']'
                && line.charAt(LABEL_START - 1) == ' ' && isTime(line, 1);
    }

    /** Whether {@code s} holds digits laid out as {@link #TIME_PATTERN} at {@code at}. */
    static boolean isTime(String s, int at) {
        if (s.length() < at + TIME_PATTERN.length()) {
            return false;
        }
        for (int i = 0; i < TIME_PATTERN.length(); i++) {
            char p = TIME_PATTERN.charAt(i);
            char c = s.charAt(at + i);
            if (Character.isLetter(p) ? c < '0' || c > '9' : c != p) {
                return false;
            }
        }
        return true;
    }

    /** A line that ends the entry before it: an entry header, a file header or a footer. */
    static boolean endsEntry(String line) {
        return isEntryHeader(line) || line.startsWith(HEADER) || line.startsWith(FOOTER);
    }

    /** Structure that is the same in every body; the body's field labels come on top ({@link Body#reserves}). */
    static boolean isReserved(String line) {
        return endsEntry(line) || line.startsWith(METADATA_OPEN) || line.equals(SEPARATOR) || line.equals(RULE)
                || line.startsWith(SESSION);
    }

    /** The first characters of every reserved line, and the escape: a line starting otherwise needs no closer look. */
    private static final String RESERVED_STARTS = "" + ESCAPE + '[' + HEADER.charAt(0) + SESSION.charAt(0)
            + RULE.charAt(0) + SEPARATOR.charAt(0) + FOOTER.charAt(0) + METADATA_OPEN.charAt(0) + ARGUMENTS.charAt(0)
            + RESULT.charAt(0) + RATIONALE.charAt(0) + CONTEXT.charAt(0);

    /** Whether a line starting with {@code first} may be reserved in some body ({@link Body#reserves}). */
    static boolean mayBeReserved(char first) {
        return RESERVED_STARTS.indexOf(first) >= 0;
    }

    /** {@code line}, with one more leading backslash when it is reserved once its leading backslashes are set aside. */
    static String escape(String line, Predicate<String> reserved) {
        int k = leadingEscapes(line);
        return reserved.test(k == 0 ? line : line.substring(k)) ? ESCAPE + line : line;
    }

    /** The inverse of {@link #escape} with the same {@code reserved}. */
    static String unescape(String line, Predicate<String> reserved) {
        int k = leadingEscapes(line);
        return k > 0 && reserved.test(line.substring(k)) ? line.substring(1) : line;
    }

    private static int leadingEscapes(String line) {
        int k = 0;
        while (k < line.length() && line.charAt(k) == ESCAPE) {
            k++;
        }
        return k;
    }

    /**
     * {@code Name} or {@code Name: message} with a Java identifier for a name: how the first line of an error entry
     * with an exception looks, so the first content line of one without an exception must not look like it.
     */
    static boolean looksLikeErrorName(String line) {
        int end = line.indexOf(ERROR_NAME_END);
        int nameEnd = end < 0 ? line.length() : end;
        if (nameEnd == 0 || !Character.isJavaIdentifierStart(line.charAt(0))) {
            return false;
        }
        for (int i = 1; i < nameEnd; i++) {
            if (!Character.isJavaIdentifierPart(line.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A message label that would read as another kind of entry: {@code Decision}, {@code Error}, {@code Tool call: …}. */
    static boolean isKindLabel(String label) {
        return label.equals(DECISION) || label.equals(ERROR) || label.startsWith(TOOL_CALL);
    }
}
