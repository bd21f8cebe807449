package io.github.chatlog.json;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.ConversationTurns;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;

import java.io.IOException;

/**
 * The fields SPEC §9 ships for one entry, the same names in every JSON output (logstash-logback-encoder documents and
 * the CLI's {@code --json}): {@code event_type}, {@code source}, {@code session_id}, {@code entry_type} and
 * {@code role} of chat entries, {@code message}, {@code error_type} / {@code error_message}, the OpenTelemetry GenAI
 * names where the entry knows them, then every key-value under its own name, typed by {@link JsonValues}.
 *
 * <p>Chat content (a chat entry's message and its {@link ConversationTurns#CONTENT_KEYS content key-values}) is
 * written only when asked for. The entry given is already redacted: this class only lays it out.
 */
public final class ShippingFields {

    public static final String TIMESTAMP = "@timestamp";
    public static final String EVENT_TYPE = "event_type";
    public static final String SOURCE = "source";
    public static final String SESSION_ID = "session_id";
    public static final String ENTRY_TYPE = "entry_type";
    public static final String ROLE = "role";
    public static final String MESSAGE = "message";
    public static final String ERROR_TYPE = "error_type";
    public static final String ERROR_MESSAGE = "error_message";

    /** OpenTelemetry GenAI semantic conventions (attribute registry, {@code gen_ai.*}). */
    public static final String GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id";
    public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
    public static final String GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
    public static final String GEN_AI_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String GEN_AI_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

    private ShippingFields() {
    }

    /**
     * Writes the fields of {@code entry} into {@code doc}.
     *
     * @param includeContent whether a chat entry's content (its message, tool arguments and results, rationale) is written
     */
    public static void write(LogEntry entry, boolean includeContent, ShippingDocument doc) throws IOException {
        boolean chat = entry.kind() == LogEntry.Kind.CHAT;
        doc.string(EVENT_TYPE, entry.eventType());
        doc.string(SOURCE, entry.source());
        String session = entry.sessionId();
        doc.string(SESSION_ID, session);
        if (chat) {
            doc.string(ENTRY_TYPE, entry.entryType() == null ? LogEntry.DEFAULT_ENTRY_TYPE : entry.entryType());
            doc.string(ROLE, entry.role() == null ? LogEntry.DEFAULT_ROLE : entry.role());
        }
        if (!chat || includeContent) {
            doc.string(MESSAGE, entry.message());
        }
        if (entry.error() != null) {
            doc.string(ERROR_TYPE, entry.error().simpleName());
            doc.string(ERROR_MESSAGE, entry.error().message());
        }
        doc.string(GEN_AI_CONVERSATION_ID, session);
        doc.string(GEN_AI_PROVIDER_NAME, entry.value(ChatKeys.PROVIDER));
        doc.string(GEN_AI_REQUEST_MODEL, entry.value(ChatKeys.MODEL));
        count(doc, GEN_AI_INPUT_TOKENS, entry.value(ChatKeys.TOKENS_IN));
        count(doc, GEN_AI_OUTPUT_TOKENS, entry.value(ChatKeys.TOKENS));
        for (KeyValue kv : entry.keyValues()) {
            if (chat && !includeContent && ConversationTurns.CONTENT_KEYS.contains(kv.key())) {
                continue;
            }
            if (kv.key().equals(SESSION_ID) && session != null) {
                continue;   // the entry's session came from this key-value: one field
            }
            doc.keyValue(kv.key(), kv.value());
        }
    }

    /** A token count as a JSON number; left out when the call site's value is not a whole number. */
    private static void count(ShippingDocument doc, String name, String value) throws IOException {
        if (value != null && JsonValues.isNumber(value) && value.indexOf('.') < 0 && value.indexOf('e') < 0
                && value.indexOf('E') < 0) {
            doc.number(name, value);
        }
    }
}
