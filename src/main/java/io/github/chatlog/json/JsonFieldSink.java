package io.github.chatlog.json;

import java.io.IOException;

/**
 * Where the fields of one shipping document go: a JSON generator of either Jackson line, seen through this small
 * interface so that the field set of {@link ShippingFields} is written once for Jackson 2, Jackson 3 and the CLI.
 * The document's braces belong to the caller; a sink writes name/value pairs only.
 */
public interface JsonFieldSink {

    /** Writes {@code "name":"value"}. */
    void string(String name, String value) throws IOException;

    /** Writes {@code "name":number}; {@code number} is already valid JSON number text (see {@link JsonValues#isNumber}). */
    void number(String name, String number) throws IOException;

    /** Writes {@code "name":true} or {@code false}. */
    void bool(String name, boolean value) throws IOException;
}
