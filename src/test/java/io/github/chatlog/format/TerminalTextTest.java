package io.github.chatlog.format;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches a terminal from logged text: every control, bidi and hiding character shown, ordinary text untouched. */
class TerminalTextTest {

    private static final int[] BIDI = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067,
            0x2068, 0x2069};
    private static final int[] HIDING = {0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x2028, 0x2029,
            0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x206A, 0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB,
            0x1D173, 0x1D17A, 0xE0001, 0xE0041, 0xE007F};

    private static String hex(char c) {
        return String.format("\\u%04x", (int) c);
    }

    /** The escape of one code point: each UTF-16 unit as backslash-u and four hex digits. */
    private static String escaped(int cp) {
        StringBuilder sb = new StringBuilder();
        for (char c : Character.toChars(cp)) {
            sb.append(hex(c));
        }
        return sb.toString();
    }

    @Test
    void everyC0ControlButLineFeedAndTabIsShownInText() {
        for (int c = 0; c < 0x20; c++) {
            String in = "a" + (char) c + "b";
            String expected = switch (c) {
                case '\n' -> "a\nb";
                case '\t' -> "a\tb";
                case '\r' -> "a\\rb";
                default -> "a" + hex((char) c) + "b";
            };
            assertEquals(expected, TerminalText.text(in), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void everyC0ControlIsShownOnOneLine() {
        for (int c = 0; c < 0x20; c++) {
            String out = TerminalText.line("a" + (char) c + "b");
            String expected = switch (c) {
                case '\n' -> "a\\nb";
                case '\t' -> "a\\tb";
                case '\r' -> "a\\rb";
                default -> "a" + hex((char) c) + "b";
            };
            assertEquals(expected, out, "U+" + Integer.toHexString(c));
            assertTrue(out.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F), out);
        }
    }

    @Test
    void deleteAndEveryC1ControlAreShown() {
        for (int c = 0x7F; c <= 0x9F; c++) {
            assertEquals("x" + hex((char) c) + "y", TerminalText.text("x" + (char) c + "y"));
            assertEquals("x" + hex((char) c) + "y", TerminalText.line("x" + (char) c + "y"));
        }
    }

    @Test
    void bidiControlsAndHidingCharactersAreShown() {
        for (int[] set : List.of(BIDI, HIDING)) {
            for (int cp : set) {
                String in = "pay " + new String(Character.toChars(cp)) + "100";
                assertEquals("pay " + escaped(cp) + "100", TerminalText.text(in), "U+" + Integer.toHexString(cp));
                assertEquals("pay " + escaped(cp) + "100", TerminalText.line(in), "U+" + Integer.toHexString(cp));
            }
        }
    }

    @Test
    void everyFormatCharacterButTheKeptOnesIsShown() {
        List<Integer> kept = List.of(0x200C, 0x200D, 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F,
                0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD);
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.getType(cp) != Character.FORMAT || kept.contains(cp)) {
                continue;
            }
            String in = "a" + new String(Character.toChars(cp));
            assertEquals("a" + escaped(cp), TerminalText.line(in), "U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void loneSurrogatesAreShownAndPairsKept() {
        assertEquals("a\\ud800b", TerminalText.line("a\ud800b"));
        assertEquals("a\\udc00b", TerminalText.line("a\udc00b"));
        assertEquals("a\\udc00\\ud800", TerminalText.text("a\udc00\ud800"), "reversed pair");
        assertEquals("end\\ud83d", TerminalText.text("end\ud83d"));
        assertEquals("\ud83d\ude00", TerminalText.line("\ud83d\ude00"));
        // a supplementary code point whose low 16 bits look like a surrogate is not one
        String cp1d800 = new String(Character.toChars(0x1D800));
        assertEquals(cp1d800, TerminalText.line(cp1d800));
    }

    @Test
    void ordinaryTextIsUnchanged() {
        List<String> ordinary = List.of("Hello, world! ~ {} [] \\ | ` ' \"",
                "Crème brûlée, naïve façade, Ærøskøbing, Łódź, İstanbul",
                "東京の天気は晴れです。北京欢迎你。서울 날씨",
                "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "ไทย", "Привет, мир",
                "Emoji 😀 🤖 👍🏽 ❤️ ☕ 🇵🇹 🏳️‍🌈 👨‍👩‍👧‍👦",
                "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F Scotland",
                "Persian: می\u200Cخواهم", "葛\uDB40\uDD00 ideographic variant",
                "C:\\Users\\me\\file.txt and \\u001b written out as six characters");
        for (String s : ordinary) {
            assertEquals(s, TerminalText.line(s), s);
            assertEquals(s, TerminalText.text(s), s);
            assertTrue(TerminalText.isSafe(s, true), s);
        }
        assertEquals("two\nlines\tand a tab", TerminalText.text("two\nlines\tand a tab"));
    }

    @Test
    void tagCharactersOutsideAFlagAndRunsOfVariationSelectorsAreShown() {
        // "ASCII smuggling": instructions spelled in invisible tag characters after ordinary text
        String hidden = "hi" + new String(Character.toChars(0xE0069)) + new String(Character.toChars(0xE0067));
        assertEquals("hi\\udb40\\udc69\\udb40\\udc67", TerminalText.line(hidden));
        // a flag sequence ends at its cancel tag: tags after it are shown
        String flag = "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC7F";
        assertEquals(flag + "\\udb40\\udc67", TerminalText.line(flag + "\uDB40\uDC67"));
        // data hidden in a run of variation selectors; one after a character stays
        assertEquals("a\uFE0F\\ufe01\\ufe02", TerminalText.line("a\uFE0F\uFE01\uFE02"));
        assertEquals("\\ufe0f", TerminalText.line("\uFE0F"), "nothing to select a variant of");
        assertEquals("\\u001b\\ufe0f", TerminalText.line("\u001b\uFE0F"));
    }

    @Test
    void terminalAttacksAreDisarmed() {
        String attack = "\u001b]0;pwned\u0007\u001b[2J\u001b[H\u001b[8mhidden\u001b[0m\rfake\u009b31m\u202Egnp.exe";
        for (String out : List.of(TerminalText.text(attack), TerminalText.line(attack))) {
            assertTrue(out.chars().allMatch(c -> c >= 0x20 && c < 0x7F), out);
            assertTrue(out.contains("\\u001b]0;pwned\\u0007") && out.contains("\\u202egnp.exe"), out);
        }
    }

    @Test
    void jsonStaysTheSameJsonAndBecomesSafe() throws Exception {
        Random random = new Random(12);
        JsonMapper mapper = JsonMapper.builder().build();
        for (int round = 0; round < 2_000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                int pick = random.nextInt(6);
                s.appendCodePoint(switch (pick) {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> 0x7F + random.nextInt(0x21);
                    case 2 -> BIDI[random.nextInt(BIDI.length)];
                    case 3 -> HIDING[random.nextInt(HIDING.length)];
                    case 4 -> 0x1F600 + random.nextInt(50);
                    default -> 'a' + random.nextInt(26);
                });
            }
            if (random.nextInt(10) == 0) {
                s.append('\uDC00'); // a lone surrogate
            }
            StringBuilder json = new StringBuilder("{\"k\":");
            JsonText.string(json, s.toString());
            String safe = TerminalText.json(json.append('}').toString());
            assertTrue(TerminalText.isSafe(safe, true), safe);
            if (s.indexOf("\uDC00") < 0) {
                assertEquals(s.toString(), mapper.readTree(safe).get("k").asString(), safe);
            } else {
                assertTrue(safe.contains("\\udc00"), safe);
            }
        }
    }

    @Test
    void widthCountsTerminalColumns() {
        assertEquals(5, TerminalText.width("hello"));
        assertEquals(2, TerminalText.width("🤖"));
        assertEquals(4, TerminalText.width("東京"));
        assertEquals(4, TerminalText.width("e\u0301t\u00e9s"), "a combining accent takes no column");
        assertEquals(2, TerminalText.width("👨‍👩‍👧"), "a joined family is one emoji");
        assertEquals("🤖bot   ", TerminalText.fit("🤖bot", 8));
        assertEquals("東京東…", TerminalText.fit("東京東京東京", 7));
        assertEquals(7, TerminalText.width(TerminalText.fit("東京東京東京", 7)));
        assertEquals("abcdefghi…", TerminalText.fit("abcdefghijklmnop", 10));
        assertFalse(TerminalText.fit("東京東京東京", 8).contains("京京京"));
    }
}
