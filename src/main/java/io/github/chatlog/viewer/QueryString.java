package io.github.chatlog.viewer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a request's query, and the strict percent-decoding the viewer uses for them and for path
 * segments: a malformed escape or bytes that are not UTF-8 are a 400, never guessed at.
 */
final class QueryString {

    private final String raw;
    private final List<Map.Entry<String, String>> parameters;

    private QueryString(String raw, List<Map.Entry<String, String>> parameters) {
        this.raw = raw;
        this.parameters = parameters;
    }

    /** Parses a raw query ({@code a=1&b=x%20y}; {@code +} is a space, as forms send it); null is empty. */
    static QueryString parse(String rawQuery) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String raw = rawQuery == null ? "" : rawQuery;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            out.add(Map.entry(key, value));
        }
        return new QueryString(raw, out);
    }

    /** The first value of {@code name}, or null. */
    String first(String name) {
        for (Map.Entry<String, String> p : parameters) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        return null;
    }

    /** The first value of {@code name} when it is not empty, or null. */
    String nonEmpty(String name) {
        String v = first(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** A whole number between {@code min} and {@code max}; {@code otherwise} when absent or empty; else a 400. */
    long number(String name, long otherwise, long min, long max) {
        String v = nonEmpty(name);
        if (v == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiError.badRequest(name + " takes a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    /** {@code 1}, {@code true} or {@code on}: true; absent, empty, {@code 0} or {@code false}: false; else a 400. */
    boolean flag(String name) {
        String v = nonEmpty(name);
        if (v == null || v.equals("0") || v.equalsIgnoreCase("false")) {
            return false;
        }
        if (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on")) {
            return true;
        }
        throw ApiError.badRequest(name + " takes 1 or 0, not '" + v + "'");
    }

    /** The raw query without the parameters named {@code name}. */
    String without(String name) {
        StringBuilder out = new StringBuilder();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty() || decode(eq < 0 ? pair : pair.substring(0, eq), true).equals(name)) {
                continue;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair);
        }
        return out.toString();
    }

    /**
     * Percent-decodes {@code raw} as UTF-8 ({@code +} as a space when {@code plusIsSpace}); a malformed escape or
     * bytes that are not UTF-8 are an {@link ApiError} 400.
     */
    static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw ApiError.badRequest("a malformed %-escape in the address");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ApiError.badRequest("a malformed %-escape in the address");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("the address is not UTF-8");
        }
    }
}
