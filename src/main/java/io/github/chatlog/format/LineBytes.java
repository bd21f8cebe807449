package io.github.chatlog.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A line written straight into UTF-8 bytes, for the writer that hands them to a file: the formats append to it
 * ({@link MasterLineFormat#appendLine(LineBytes, io.github.chatlog.event.LogEntry)}), so a line is encoded once, with
 * no intermediate {@code String} or second copy, and the buffer is reused from line to line. Owned by one thread at a
 * time.
 */
public final class LineBytes {

    private byte[] bytes;
    private int length;

    /** An empty line with room for 256 bytes; it grows as needed. */
    public LineBytes() {
        this(256);
    }

    /** An empty line with room for {@code capacity} bytes; it grows as needed. */
    public LineBytes(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** Empties the line, keeping its buffer. */
    public void clear() {
        length = 0;
    }

    /** The buffer: the line is its first {@link #length()} bytes. Valid until the next change. */
    public byte[] array() {
        return bytes;
    }

    /** The number of bytes written. */
    public int length() {
        return length;
    }

    /** The size of the buffer, so an owner can drop one that grew large. */
    public int capacity() {
        return bytes.length;
    }

    /** The line decoded: the text that was appended. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Makes room for {@code more} bytes. */
    void ensure(int more) {
        int need = length + more;
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
        }
    }

    /** Where the next byte goes; {@link #advance} moves it after bytes were written there directly. */
    int end() {
        return length;
    }

    void advance(int written) {
        length += written;
    }

    /** Appends an ASCII character. */
    void append(char ascii) {
        ensure(1);
        bytes[length++] = (byte) ascii;
    }

    /** Appends {@code text}, every character of which is ASCII (a timestamp, a sanitized field), in one copy. */
    @SuppressWarnings("deprecation") // wanted: the low byte of each character, which for ASCII is its UTF-8
    void appendAscii(String text) {
        int n = text.length();
        ensure(n);
        text.getBytes(0, n, bytes, length);
        length += n;
    }

    /** Appends {@code c} as UTF-8 ({@code c} is no surrogate). */
    void appendUtf8(char c) {
        ensure(3);
        if (c < 0x80) {
            bytes[length++] = (byte) c;
        } else if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | (c >> 6));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
        } else {
            bytes[length++] = (byte) (0xE0 | (c >> 12));
            bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    /** Appends a supplementary code point (a valid surrogate pair) as its four UTF-8 bytes. */
    void appendCodePoint(int cp) {
        ensure(4);
        bytes[length++] = (byte) (0xF0 | (cp >> 18));
        bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        bytes[length++] = (byte) (0x80 | (cp & 0x3F));
    }

    /**
     * Appends text that is already escaped, as UTF-8. It holds no unpaired surrogate (escaping wrote each as
     * {@code \}{@code uXXXX}); should one be there all the same, it is written as {@code ?}, as {@link String#getBytes}
     * would write it.
     */
    void appendUtf8(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                appendUtf8(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                appendCodePoint(Character.toCodePoint(c, text.charAt(++i)));
            } else {
                append('?');
            }
        }
    }
}
