package io.github.chatlog.json;

import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The field layout without Logback: typed values, one field per name, and a master line read back into the same fields. */
class ShippingFieldsTest {

    private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    @Test
    void numbersAreJsonNumbersOnlyWhenTheyReadBackAsTheSameText() {
        for (String n : new String[]{"0", "45", "-3", "0.92", "1e5", "-2.5E-3", "123456789012345678"}) {
            assertTrue(JsonValues.isNumber(n), n);
        }
        for (String s : new String[]{"", "-", "007", "+1", "1.", ".5", "1e", "0x10", "NaN", "12 ", "1,5",
                "1234567890123456789012345"}) {
            assertFalse(JsonValues.isNumber(s), s);
        }
    }

    @Test
    void aMasterLineShipsItsKeyValuesAsFieldsAndTheRestAsMessage() {
        String raw = "2024-12-19T14:32:01.123Z|llm:response|agent_service|reply with level\\=high inside "
                + "session_id=abc123 tokens=28 model=\"phi 3\" level=x stream=true";
        JsonNode doc = STRICT.readTree(JsonLines.entry("2024-12-19T14:32:01.123Z",
                MasterLineEntries.of(MasterLineFormat.parse(raw)), true));
        assertEquals("reply with level=high inside", doc.get("message").asString());
        assertEquals("abc123", doc.get("session_id").asString());
        assertEquals("abc123", doc.get("gen_ai.conversation.id").asString());
        assertEquals(28, doc.get("tokens").asInt());
        assertTrue(doc.get("tokens").isNumber());
        assertEquals(28, doc.get("gen_ai.usage.output_tokens").asInt());
        assertEquals("phi 3", doc.get("model").asString());
        assertTrue(doc.get("stream").isBoolean());
        assertEquals("x", doc.get("level").asString());
        assertEquals("llm:response", doc.get("event_type").asString());
        assertEquals("2024-12-19T14:32:01.123Z", doc.get("@timestamp").asString());
    }

    @Test
    void aNameIsWrittenOnceAndATakenKeyValueKeepsItsValueUnderKvPrefix() {
        String json = JsonLines.object(doc -> {
            doc.string("message", "text");
            doc.keyValue("message", "kv text");
            doc.keyValue("message", "third");
            doc.string("message", "again");
        });
        JsonNode node = STRICT.readTree(json);
        assertEquals("text", node.get("message").asString());
        assertEquals("kv text", node.get("kv.message").asString());
        assertEquals(2, node.size(), json);
        assertNull(node.get("again"));
    }
}
