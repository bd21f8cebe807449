package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bulk scans (eight characters at a time, plain runs copied in one go, straight into UTF-8 bytes) write exactly
 * what the character-by-character {@link ReferenceEscaping} writes, for random and adversarial text: every control
 * character, C1, DEL, U+2028/U+2029, lone and paired surrogates, characters whose low byte is plain ASCII, and each of
 * them at every offset around the 8-byte words, the 32-byte blocks and the chunk ends of the scan. The reference was
 * checked against the code before the bulk scans (200,000 random texts and master lines, no difference).
 */
class BulkEscapingTest {

    /** Characters that need a closer look, or could be taken for what they are not by a scan of low bytes. */
    private static final char[] SPECIAL = specials();

    private static char[] specials() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        for (char c = 0x7F; c <= 0xA0; c++) {
            sb.append(c);
        }
        sb.append("\\|=\" :_-.é\u00ff\u0100\u0141\u015c\u2028\u2029\u2041\u205c\u3000\ud800\udbff\udc00\udfff\ud841"
                + "\udc5c\ufeff\uffff\u0420\u0400");
        return sb.toString().toCharArray();
    }

    private static void check(String s) {
        String expected = ReferenceEscaping.escape(s);
        assertEquals(expected, LineEscaper.escape(s), () -> "escape of " + dump(s));
        assertEquals(expected, LineEscaper.escape(new StringBuilder(s)), () -> "escape of builder " + dump(s));
        assertEquals(!expected.equals(s), LineEscaper.needsEscaping(s), () -> "needsEscaping of " + dump(s));
        StringBuilder appended = new StringBuilder("x");
        LineEscaper.appendEscaped(appended, s);
        assertEquals("x" + expected, appended.toString(), () -> "appendEscaped of " + dump(s));

        LineBytes bytes = new LineBytes(16);
        bytes.append('y');
        LineEscaper.appendEscaped(bytes, s, 0, s.length());
        assertArrayEquals(("y" + expected).getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(bytes.array(), bytes.length()), () -> "bytes of " + dump(s));
        if (s.length() > 2) {
            int from = 1;
            int to = s.length() - 1;
            LineBytes part = new LineBytes(16);
            LineEscaper.appendEscaped(part, s, from, to);
            assertArrayEquals(ReferenceEscaping.escape(s.substring(from, to)).getBytes(StandardCharsets.UTF_8),
                    Arrays.copyOf(part.array(), part.length()), () -> "bytes of part of " + dump(s));
        }

        String text = ReferenceEscaping.text(s);
        LineBytes textBytes = new LineBytes(16);
        KeyValueFormat.appendText(textBytes, s);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(textBytes.array(), textBytes.length()),
                () -> "text of " + dump(s));
        StringBuilder textBuilder = new StringBuilder();
        KeyValueFormat.appendText(textBuilder, s);
        assertEquals(text, textBuilder.toString(), () -> "text (builder) of " + dump(s));
    }

    @Test
    void everyCharacterAloneAndInAllPlainText() {
        for (int c = 0; c <= 0xFFFF; c++) {
            String one = String.valueOf((char) c);
            assertEquals(ReferenceEscaping.escape(one), LineEscaper.escape(one), () -> "escape of " + dump(one));
            assertEquals(!ReferenceEscaping.escape(one).equals(one), LineEscaper.needsEscaping(one));
        }
        // each character of the BMP once in a long plain text, so the bulk scan meets it at an odd place
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            sb.append("plain text ").append((char) c);
        }
        check(sb.toString());
    }

    @Test
    void aSpecialCharacterAtEveryOffsetAroundWordsBlocksAndChunks() {
        String plain = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 ~!@#$%^&*()_+{}[];':,./<>?";
        for (int length : new int[]{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 129}) {
            String base = plain.repeat(length / plain.length() + 1).substring(0, length);
            check(base);
            for (int at = 0; at < length; at++) {
                for (char c : SPECIAL) {
                    check(base.substring(0, at) + c + base.substring(at + 1));
                }
            }
        }
        // around the chunk ends of the scan in a long text: chunks of 64 characters, doubling up to 4096
        String longBase = plain.repeat(200);
        for (int chunk = 64, end = 64; end <= 16_384; chunk = Math.min(chunk * 2, 4096), end += chunk) {
            for (int at = end - 9; at <= end + 9; at++) {
                String around = longBase.substring(0, end + 16);
                for (char c : new char[]{'\n', '\\', '\u0085', '\u2028', '\ud800', '\udc00', '\u0141', 'é'}) {
                    check(around.substring(0, at) + c + around.substring(at + 1));
                }
                // a pair across the place
                check(around.substring(0, at) + "\ud83d\ude00" + around.substring(at + 2));
            }
        }
    }

    @Test
    void randomTextOfEveryKind() {
        Random r = new Random(16);
        for (int i = 0; i < 40_000; i++) {
            check(random(r, r.nextInt(71)));
        }
        for (int i = 0; i < 300; i++) {
            check(random(r, 1_000 + r.nextInt(20_000)));
        }
    }

    @Test
    void largeTextsWithRareSpecialsAndDenseNonLatinText() {
        Random r = new Random(32);
        for (int i = 0; i < 12; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 30_000 + r.nextInt(40_000);
            String words = "the quick brown fox jumps over the lazy dog key=value ";
            while (sb.length() < n) {
                int kind = r.nextInt(200);
                if (kind == 0) {
                    sb.append(SPECIAL[r.nextInt(SPECIAL.length)]);
                } else if (kind == 1) {
                    sb.append("Привет, как дела? 你好世界 😀 ");
                } else {
                    sb.append(words.charAt(sb.length() % words.length()));
                }
            }
            check(sb.toString());
        }
        check("Привет мир ".repeat(5_000));
        check("é".repeat(10_000) + "plain".repeat(2_000) + "\\".repeat(5_000));
        check("\ud83d\ude00".repeat(10_000));
        check("\ud800".repeat(5_000));
    }

    @Test
    void masterLinesMatchByteForByte() {
        Random r = new Random(64);
        for (int i = 0; i < 4_000; i++) {
            LogEntry.Builder b = LogEntry.builder().timestamp(1_700_000_000_000L + r.nextInt(1_000_000_000))
                    .eventType(r.nextInt(10) == 0 ? random(r, 8) : "llm:request")
                    .source(r.nextInt(10) == 0 ? random(r, 6) : "bench")
                    .message(random(r, r.nextInt(4) == 0 ? 100 + r.nextInt(5_000) : r.nextInt(71)));
            if (r.nextBoolean()) {
                b.sessionId(random(r, r.nextInt(12)));
            }
            for (int k = r.nextInt(4); k > 0; k--) {
                b.keyValue(r.nextInt(3) == 0 ? random(r, 5) : "key" + k, random(r, r.nextInt(3) == 0 ? 300 : 12));
            }
            if (r.nextInt(5) == 0) {
                b.error(new ErrorInfo(random(r, 10), r.nextBoolean() ? null : random(r, 40)));
            }
            LogEntry entry = b.build();
            byte[] expected = ReferenceEscaping.lineBytes(entry);
            LineBytes line = new LineBytes();
            MasterLineFormat.appendLine(line, entry);
            assertArrayEquals(expected, Arrays.copyOf(line.array(), line.length()), () -> "line of " + entry);
            assertEquals(new String(expected, StandardCharsets.UTF_8), MasterLineFormat.format(entry));
        }
    }

    /** Text of {@code n} characters, mixing plain runs, specials, non-Latin text, pairs and lone surrogates. */
    private static String random(Random r, int n) {
        StringBuilder sb = new StringBuilder(n + 2);
        while (sb.length() < n) {
            switch (r.nextInt(8)) {
                case 0 -> sb.append(SPECIAL[r.nextInt(SPECIAL.length)]);
                case 1 -> sb.append((char) r.nextInt(0x10000));
                case 2 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
                case 3 -> sb.append(" k").append(r.nextInt(9)).append('=');
                case 4 -> sb.append((char) (0x20 + r.nextInt(0x5F)));
                default -> sb.append("plain words ".repeat(4), 0, 1 + r.nextInt(40));
            }
        }
        return sb.substring(0, Math.min(sb.length(), n));
    }

    private static String dump(String s) {
        if (s.length() > 200) {
            return "text of " + s.length() + " chars";
        }
        List<String> codes = new ArrayList<>();
        for (char c : s.toCharArray()) {
            codes.add(Integer.toHexString(c));
        }
        return codes.toString();
    }
}
