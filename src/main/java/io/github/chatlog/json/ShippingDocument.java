package io.github.chatlog.json;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * The fields of one JSON document as they are written, so that no name is written twice: strict parsers
 * (Elasticsearch, OpenSearch) reject a document with a duplicate key. Names the encoder's other providers write
 * ({@code @timestamp}, {@code level}, ...) are reserved up front. Not thread-safe: one per document.
 */
public final class ShippingDocument {

    /** The prefix a key-value gets when its own name is already a field of the document: {@value}. */
    public static final String RENAMED_PREFIX = "kv.";

    private final JsonFieldSink sink;
    private final Set<String> reserved;
    private String[] names = new String[16];
    private int count;

    /**
     * @param sink     where the fields go
     * @param reserved names other parts of the document write; never written here
     */
    public ShippingDocument(JsonFieldSink sink, Set<String> reserved) {
        this.sink = sink;
        this.reserved = reserved;
    }

    /** Whether {@code name} is reserved or already written. */
    public boolean has(String name) {
        if (reserved.contains(name)) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Writes a string field unless its name is taken; returns whether it was written. */
    public boolean string(String name, String value) throws IOException {
        if (value == null || !claim(name)) {
            return false;
        }
        sink.string(name, value);
        return true;
    }

    /** Writes a number field (the text of a JSON number) unless its name is taken. */
    public boolean number(String name, String number) throws IOException {
        if (number == null || !claim(name)) {
            return false;
        }
        sink.number(name, number);
        return true;
    }

    /**
     * Writes a key-value as a typed field ({@link JsonValues}): under its own name, or under {@value #RENAMED_PREFIX}
     * and its name when that is taken by a different field, so nothing the call site gave is lost.
     */
    public void keyValue(String name, String value) throws IOException {
        String field = !has(name) ? name : !has(RENAMED_PREFIX + name) ? RENAMED_PREFIX + name : null;
        if (field != null) {
            claim(field);
            JsonValues.write(sink, field, value);
        }
    }

    /** The names written so far, in order. */
    public Collection<String> names() {
        return Arrays.asList(Arrays.copyOf(names, count));
    }

    private boolean claim(String name) {
        if (has(name)) {
            return false;
        }
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
        }
        names[count++] = name;
        return true;
    }
}
