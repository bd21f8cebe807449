package io.github.chatlog.json;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Set;

/** One JSON object as one line of text, written through Jackson with the shipping field names: the CLI's {@code --json}. */
public final class JsonLines {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** What goes inside the braces. */
    @FunctionalInterface
    public interface Body {
        void write(ShippingDocument doc) throws IOException;
    }

    private JsonLines() {
    }

    /** The object {@code body} writes, on one line (Jackson escapes line breaks and control characters in strings). */
    public static String object(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(new ShippingDocument(new Jackson3FieldSink(g), Set.of()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** An entry as a shipping document: {@code @timestamp} (ISO-8601 UTC) then {@link ShippingFields}. */
    public static String entry(String timestamp, io.github.chatlog.event.LogEntry entry, boolean includeContent) {
        return object(doc -> {
            doc.string(ShippingFields.TIMESTAMP, timestamp);
            ShippingFields.write(entry, includeContent, doc);
        });
    }
}
