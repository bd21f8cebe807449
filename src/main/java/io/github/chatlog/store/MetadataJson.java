package io.github.chatlog.store;

import io.github.chatlog.event.KeyValue;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the {@code metadata} object a message row was written with ({@link StoreRecord.Message#of}): its members
 * in order, each value as its text, numbers exactly as written ({@code 0.90} stays {@code 0.90}).
 */
final class MetadataJson {

    private static final JsonFactory JSON = new JsonFactory();

    private MetadataJson() {
    }

    static List<KeyValue> read(String metadata) {
        List<KeyValue> out = new ArrayList<>();
        if (metadata == null || metadata.isEmpty()) {
            return out;
        }
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), metadata)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren(); // the writer writes scalars only
                    continue;
                }
                out.add(new KeyValue(key, value == JsonToken.VALUE_NULL ? "" : p.getString()));
            }
        } catch (JacksonException damaged) {
            // what was read before the damage is kept
        }
        return out;
    }
}
