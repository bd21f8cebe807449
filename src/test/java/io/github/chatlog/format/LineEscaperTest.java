package io.github.chatlog.format;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class LineEscaperTest {

    @Test
    void escapesExactlyWhatBreaksALine() {
        assertEquals("a\\\\b\\nc\\rd\\u0009e\\u0000f\\u001Bg\\u2028h\\u0085i\\u007F", LineEscaper.escape(
                "a\\b\nc\rd\te\u0000f\u001bg\u2028h\u0085i\u007f"));
        assertEquals("plain | text é 😀", LineEscaper.escape("plain | text é 😀"));
    }

    @Test
    void plainTextIsNotCopied() {
        String s = "nothing to escape";
        assertSame(s, LineEscaper.escape(s));
        assertSame(s, LineEscaper.unescape(s));
    }

    @Test
    void unescapeIsTheInverseForAnyUtf16() {
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = random.nextBoolean() ? (char) random.nextInt(0x10000) : "\\nu0A\n\r".charAt(random.nextInt(7));
            }
            String s = new String(chars);
            String escaped = LineEscaper.escape(s);
            assertFalse(escaped.contains("\n") || escaped.contains("\r"));
            assertEquals(s, LineEscaper.unescape(escaped));
        }
    }

    @Test
    void unescapeIsLenientWithForeignBackslashes() {
        assertEquals("a\\qb\\u12", LineEscaper.unescape("a\\qb\\u12"));
        assertEquals("end\\", LineEscaper.unescape("end\\"));
    }
}
