package io.github.chatlog.store;

import io.github.chatlog.event.KeyValue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads back the {@code metadata} object a message row was written with ({@link StoreRecord.Message#of}): its members
 * in order, each value as its text, read the way the jsonl transcript reader reads the same values (a number as JSON
 * gives it back), so an entry read from the store and from its jsonl transcript carry the same key-values.
 */
final class MetadataJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MetadataJson() {
    }

    static List<KeyValue> read(String metadata) {
        List<KeyValue> out = new ArrayList<>();
        if (metadata == null || metadata.isEmpty()) {
            return out;
        }
        JsonNode node;
        try {
            node = JSON.readTree(metadata);
        } catch (JacksonException damaged) {
            return out;
        }
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode v = field.getValue();
                out.add(new KeyValue(field.getKey(), v.isString() ? v.asString() : v.isNull() ? "" : v.toString()));
            }
        }
        return out;
    }
}
