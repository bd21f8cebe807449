package io.github.chatlog.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How far a text runs on in plain characters: printable ASCII other than {@code \}, which every line format writes as
 * it is. Found in bulk rather than character by character, so that a large message costs about what copying it does:
 * a chunk of the text is copied out with {@link String#getChars} and narrowed to bytes by the ISO-8859-1 encoder
 * (both JVM intrinsics; the encoder stops at the first character above U+00FF, so no character is ever mistaken for
 * its low byte), then eight bytes at a time are tested for a control character, DEL or above, or {@code \}. The
 * narrowed bytes of a plain run are the run's UTF-8, so a caller writing bytes keeps them where they were narrowed.
 *
 * <p>One per thread ({@link #forThread}), reused from text to text; not for sharing between threads.
 */
final class AsciiRuns {

    /** The most characters looked at in one call: small enough to stay in the first-level cache. */
    static final int CHUNK = 4096;

    private static final ThreadLocal<AsciiRuns> RUNS = ThreadLocal.withInitial(AsciiRuns::new);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    /**
     * The first size of the buffers below, which grow to {@link #CHUNK} only for a thread that meets long texts (a
     * virtual thread per request that logs a short message pays for little).
     */
    private static final int FIRST_SIZE = 128;

    private char[] chars = new char[FIRST_SIZE];
    private CharBuffer in = CharBuffer.wrap(chars);
    private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
    /** Where a run is narrowed when the caller only wants its length. */
    private byte[] scratch = new byte[FIRST_SIZE];
    private byte[] target;
    private ByteBuffer out;

    private AsciiRuns() {
    }

    static AsciiRuns forThread() {
        return RUNS.get();
    }

    /** Whether {@code c} is written as it is, one byte, by every line format. */
    static boolean isPlain(char c) {
        return c >= 0x20 && c < 0x7F && c != '\\';
    }

    /** The length of the run of plain characters {@code text[from, to)} starts with ({@code to - from <= CHUNK}). */
    int plainRun(String text, int from, int to) {
        if (to - from > scratch.length) {
            scratch = new byte[CHUNK];
        }
        return copyPlainRun(text, from, to, scratch, 0);
    }

    /**
     * Copies the run of plain characters {@code text[from, to)} starts with ({@code to - from <= CHUNK}) to
     * {@code dst} from {@code offset}, one byte each, and returns its length. {@code dst} must have room for
     * {@code to - from} bytes there; the bytes after the run may be overwritten.
     */
    int copyPlainRun(String text, int from, int to, byte[] dst, int offset) {
        int len = to - from;
        if (len <= 0) {
            return 0;
        }
        if (len > chars.length) {
            chars = new char[CHUNK];
            in = CharBuffer.wrap(chars);
        }
        text.getChars(from, to, chars, 0);
        if (dst != target) {
            target = dst;
            out = ByteBuffer.wrap(dst);
        }
        in.limit(len).position(0);
        out.limit(offset + len).position(offset);
        latin1.encode(in, out, false); // stops at the first character above U+00FF: never a false low byte
        return plainPrefix(dst, offset, in.position());
    }

    /** How many of {@code bytes[from, from + n)} are plain before the first one that is not. */
    static int plainPrefix(byte[] bytes, int from, int n) {
        int i = from;
        int end = from + n;
        for (; i + 32 <= end; i += 32) {
            // 32 bytes with the cheapest test that holds for a whole block: none 0x7F or above, then (so that
            // nothing carries) all at least 0x20 and none a backslash; the first that is not is found word by word
            long w0 = (long) LONGS.get(bytes, i);
            long w1 = (long) LONGS.get(bytes, i + 8);
            long w2 = (long) LONGS.get(bytes, i + 16);
            long w3 = (long) LONGS.get(bytes, i + 24);
            long high = highOrDel(w0) | highOrDel(w1) | highOrDel(w2) | highOrDel(w3);
            long printable = printableNoBackslash(w0) & printableNoBackslash(w1) & printableNoBackslash(w2)
                    & printableNoBackslash(w3);
            if (((high | ~printable) & HIGH) != 0) {
                break;
            }
        }
        for (; i + 8 <= end; i += 8) {
            long other = ~plain((long) LONGS.get(bytes, i)) & HIGH;
            if (other != 0) {
                return i - from + (Long.numberOfTrailingZeros(other) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (!isPlain((char) (bytes[i] & 0xFF))) {
                break;
            }
        }
        return i - from;
    }

    /** The high bit set in a byte of 0x7F or above (and maybe in the bytes after one of 0xFF). */
    private static long highOrDel(long w) {
        return w | (w + ONES);
    }

    /**
     * The high bit set in each byte of at least 0x20 that is no backslash, provided that no byte is 0x7F or above
     * (then nothing carries from one byte into the next).
     */
    private static long printableNoBackslash(long w) {
        return (w + 0x6060606060606060L) & ((w ^ 0x5C5C5C5C5C5C5C5CL) + LOW7);
    }

    /**
     * The high bit of each byte of {@code w} (eight ISO-8859-1 characters, the first lowest) that is plain: in
     * {@code [0x20, 0x7E]} (the "between" test of the bit-twiddling literature, on the low seven bits, and the high
     * bit clear) and not {@code \} (its low seven bits differ from 0x5C). Exact for each byte: nothing carries from
     * one byte into the next.
     */
    private static long plain(long w) {
        long low = w & LOW7;
        long notBackslash = ((w ^ 0x5C5C5C5C5C5C5C5CL) & LOW7) + LOW7;
        return (ONES * (127 + 0x7F) - low) & ~w & (low + ONES * (127 - 0x1F)) & notBackslash & HIGH;
    }
}
