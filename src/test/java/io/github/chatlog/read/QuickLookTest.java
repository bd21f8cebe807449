package io.github.chatlog.read;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick look of the file search, which finds a word's first byte eight bytes at a time, answers exactly what a
 * byte-by-byte comparison answers: for words planted at every offset of short and long files, in mixed case, next to
 * their other case's neighbours ({@code @} and {@code `} differ from {@code A} and {@code a} by one bit), and in bytes
 * of every value.
 */
class QuickLookTest {

    private static boolean naive(byte[] raw, String word) {
        byte[] lower = word.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] upper = word.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + lower.length <= raw.length; i++) {
            for (int j = 0; j < lower.length; j++) {
                if (raw[i + j] != lower[j] && raw[i + j] != upper[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean fast(byte[] raw, String word) {
        return TranscriptSearch.containsIgnoringAsciiCase(raw, word.toLowerCase(Locale.ROOT).getBytes(
                StandardCharsets.US_ASCII), word.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void findsWhatAByteByByteLookFinds() {
        Random r = new Random(5);
        String[] words = {"a", "Z", "zebraquartz", "@", "`", "ab", "A`", "city=", "{x", "50%", "~", "cheaper_than"};
        String alphabet = "aAzZ@`[{bBqQ =_%~x";
        int found = 0;
        for (int i = 0; i < 30_000; i++) {
            String word = words[r.nextInt(words.length)];
            byte[] raw = new byte[r.nextInt(i % 10 == 0 ? 300 : 40)];
            for (int k = 0; k < raw.length; k++) {
                raw[k] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            }
            if (raw.length >= word.length() && r.nextBoolean()) {
                int at = r.nextInt(raw.length - word.length() + 1);
                for (int k = 0; k < word.length(); k++) {
                    char c = word.charAt(k);
                    raw[at + k] = (byte) (r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
            }
            boolean expected = naive(raw, word);
            found += expected ? 1 : 0;
            assertEquals(expected, fast(raw, word), () -> word + " in " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        assertTrue(found > 5_000 && found < 25_000, "both answers are exercised: " + found);
    }

    @Test
    void aWordAtEveryOffsetAndAcrossTheEnd() {
        for (int length = 0; length < 40; length++) {
            for (int at = 0; at < length; at++) {
                byte[] raw = "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
                byte[] word = "ZeBrA".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(word, 0, raw, at, Math.min(word.length, length - at));
                assertEquals(at + word.length <= length, fast(raw, "zebra"), "at " + at + " of " + length);
            }
        }
        assertFalse(fast(new byte[0], "a"));
        assertFalse(fast("`".getBytes(StandardCharsets.US_ASCII), "@"));
        assertFalse(fast("@@@@@@@@@@".getBytes(StandardCharsets.US_ASCII), "`"));
    }
}
