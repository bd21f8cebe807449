package io.github.chatlog.format;

/**
 * A reusable byte buffer that text is encoded into as UTF-8 without the intermediate {@code String} and
 * {@code byte[]} that {@code toString().getBytes()} would allocate. A lone surrogate becomes {@code ?}, as Java's own
 * encoder does. Not thread-safe: keep one per thread.
 */
public final class Utf8Buffer {

    private byte[] bytes;
    private int length;

    public Utf8Buffer(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Replaces the content with {@code text} encoded. */
    public Utf8Buffer encode(CharSequence text) {
        int n = text.length();
        ensure(n); // ASCII needs exactly n bytes; more is grown below
        byte[] b = bytes;
        int pos = 0;
        int i = 0;
        for (; i < n; i++) { // the fast path: ASCII
            char c = text.charAt(i);
            if (c >= 0x80) {
                break;
            }
            b[pos++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (pos + 4 > b.length) {
                length = pos;
                ensure(pos + 4 + (n - i) * 3);
                b = bytes;
            }
            if (c < 0x80) {
                b[pos++] = (byte) c;
            } else if (c < 0x800) {
                b[pos++] = (byte) (0xC0 | (c >> 6));
                b[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                b[pos++] = (byte) (0xF0 | (cp >> 18));
                b[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[pos++] = '?';
            } else {
                b[pos++] = (byte) (0xE0 | (c >> 12));
                b[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length = pos;
        return this;
    }

    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Whether the buffer grew large enough that a thread should not keep it. */
    public boolean isOversized() {
        return bytes.length > 64 * 1024;
    }

    private void ensure(int capacity) {
        if (bytes.length < capacity) {
            byte[] grown = new byte[Math.max(capacity, bytes.length * 2)];
            System.arraycopy(bytes, 0, grown, 0, length);
            bytes = grown;
        }
    }
}
