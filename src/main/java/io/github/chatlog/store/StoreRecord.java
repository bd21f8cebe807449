package io.github.chatlog.store;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.EntryText;
import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.format.JsonText;
import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import io.github.chatlog.format.UtcTimestamps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A row to store: a master-log event or a conversation entry. The live appender and ingest build the same rows. */
public sealed interface StoreRecord {

    /** The member of an error's {@code metadata} that holds its exception: {@value}. */
    String ERROR_KEY = "error";

    /** Whether this record may never be dropped (conversation entries and errors): writers wait for room instead. */
    boolean mustKeep();

    /**
     * One master-log event, built from its line: {@code raw} is the line exactly as the file holds it, so the row is
     * lossless; {@code kvJson} is a best-effort parse of its {@code key=value} tokens. {@code key} is made once, when
     * the record is: a batch written again after a lost connection carries the same keys, and a database that keeps
     * them (PostgreSQL: {@code event_key}) stores each event once.
     */
    record Event(String ts, String eventType, String source, String message, String sessionId, String kvJson,
                 String raw, UUID key) implements StoreRecord {

        /** The record of a master-log line (without its line break), with a new key; null when the line is not one. */
        public static Event ofLine(String line) {
            return ofLine(line, EventKeys.next());
        }

        /** The record of a master-log line with the key it was given when logged; null when the line is not one. */
        public static Event ofLine(String line, UUID key) {
            MasterLine parsed = MasterLineFormat.parse(line);
            if (parsed == null) {
                return null;
            }
            List<KeyValue> kvs = parsed.keyValues();
            String session = null;
            StringBuilder json = new StringBuilder("{");
            Set<String> seen = new HashSet<>();
            for (KeyValue kv : kvs) {
                if (!seen.add(kv.key())) {
                    continue;
                }
                if (session == null && kv.key().equals(MasterLineFormat.SESSION_KEY)) {
                    session = kv.value();
                }
                if (json.length() > 1) {
                    json.append(',');
                }
                JsonText.string(json, kv.key());
                json.append(':');
                JsonText.string(json, kv.value());
            }
            json.append('}');
            return new Event(parsed.timestamp(), parsed.eventType(), parsed.source(), parsed.message(), session,
                    kvs.isEmpty() ? null : json.toString(), parsed.raw(), key);
        }

        @Override
        public boolean mustKeep() {
            return eventType.startsWith("error:");
        }
    }

    /**
     * A master-log line not yet taken apart: the logging thread only formats it (and gives it its key); the writer
     * thread parses it into an {@link Event}, so the parse costs the logging call nothing.
     */
    record Line(String raw, UUID key) implements StoreRecord {

        /** A line with a new key. */
        public Line(String raw) {
            this(raw, EventKeys.next());
        }

        /** The line of an entry the master log writes, without its line break. */
        public static Line of(LogEntry masterEvent) {
            String line = MasterLineFormat.format(masterEvent);
            return new Line(line.substring(0, line.length() - 1));
        }

        /** The event this line holds, with the line's key; null when it is not a master-log line. */
        public Event event() {
            return Event.ofLine(raw, key);
        }

        @Override
        public boolean mustKeep() {
            // {timestamp}|{event_type}|…: errors are kept
            return raw.startsWith("error:", UtcTimestamps.LENGTH + 1);
        }
    }

    /**
     * One conversation entry for {@code messages}. {@code metadata} holds its key-values as a JSON object, and for an
     * error its exception under {@value #ERROR_KEY} ({@code "SimpleName: message"}).
     */
    record Message(String sessionId, String timestamp, String role, String type, String content, String provider,
                   String model, Long latencyMs, Long tokens, Long tokensIn, Double confidence, String tool,
                   String metadata, String entryKey) implements StoreRecord {

        public static Message of(LogEntry e, String defaultSession) {
            String session = e.sessionId() == null || e.sessionId().isEmpty() ? defaultSession : e.sessionId();
            String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
            String role = EntryText.role(e);
            String content = EntryText.of(e); // what the file search looks in too
            StringBuilder meta = new StringBuilder("{");
            Set<String> seen = new HashSet<>();
            if (e.error() != null) {
                // the exception apart from the text it is part of, so a reader gets the entry back as logged
                seen.add(ERROR_KEY);
                JsonText.string(meta, ERROR_KEY);
                meta.append(':');
                JsonText.string(meta, e.error().describe());
            }
            for (KeyValue kv : e.keyValues()) {
                if (kv.key().equals("session_id") || !seen.add(kv.key())) {
                    continue;
                }
                if (meta.length() > 1) {
                    meta.append(',');
                }
                JsonText.string(meta, kv.key());
                meta.append(':');
                JsonText.scalar(meta, kv.value());
            }
            meta.append('}');
            String ts = UtcTimestamps.format(e.timestamp());
            // the same entry read from a transcript or logged live gets the same key: text transcripts keep times to the
            // second, and show a role only for messages
            String keyRole = ChatKeys.TYPE_MESSAGE.equals(type) ? role : "";
            String key = sha256(session + '\u0000' + ts.substring(0, 19) + '\u0000' + keyRole + '\u0000' + type
                    + '\u0000' + content + '\u0000' + nonNull(e.value(ChatKeys.TOOL)));
            return new Message(session, ts, role, type, content, e.value(ChatKeys.PROVIDER), e.value(ChatKeys.MODEL),
                    integer(e.value(ChatKeys.LATENCY_MS)), integer(e.value(ChatKeys.TOKENS)),
                    integer(e.value(ChatKeys.TOKENS_IN)), real(e.value(ChatKeys.CONFIDENCE)), e.value(ChatKeys.TOOL),
                    meta.length() > 2 ? meta.toString() : null, key);
        }

        @Override
        public boolean mustKeep() {
            return true;
        }

        /**
         * The conversation entry this row holds, as a reader of the store sees it: its key-values back from
         * {@code metadata} (numbers as written), a tool call's text back to empty when it was made of its tool,
         * arguments and result. An error's exception stays in its text ({@link EntryText#of} gives the same text).
         */
        public LogEntry entry() {
            LogEntry.Builder b = LogEntry.builder().kind(LogEntry.Kind.CHAT).timestamp(UtcTimestamps.parse(timestamp)
                            .toEpochMilli()).eventType(io.github.chatlog.event.EventTypes.CONVERSATION_TURN).source("chat")
                    .sessionId(sessionId).role(role).entryType(type);
            List<KeyValue> kvs = MetadataJson.read(metadata);
            String message = content;
            String error = ChatKeys.TYPE_ERROR.equals(type) ? value(kvs, ERROR_KEY) : null;
            if (error != null) {
                int colon = error.indexOf(": ");
                b.error(new ErrorInfo(colon < 0 ? error : error.substring(0, colon),
                        colon < 0 ? null : error.substring(colon + 2)));
                message = content.equals(error) ? "" : content.endsWith(" - " + error)
                        ? content.substring(0, content.length() - error.length() - 3) : content;
            }
            for (KeyValue kv : kvs) {
                if (error == null || !kv.key().equals(ERROR_KEY)) {
                    b.keyValue(kv.key(), kv.value());
                }
            }
            if (ChatKeys.TYPE_TOOL_CALL.equals(type)) {
                String made = String.join(" ", nonNull(value(kvs, ChatKeys.TOOL)), nonNull(value(kvs, ChatKeys.ARGS)),
                        nonNull(value(kvs, ChatKeys.RESULT))).trim();
                if (made.equals(content)) {
                    message = "";
                }
            }
            return b.message(message).build();
        }

        private static String value(List<KeyValue> kvs, String key) {
            for (KeyValue kv : kvs) {
                if (kv.key().equals(key)) {
                    return kv.value();
                }
            }
            return null;
        }

        private static Long integer(String v) {
            double d = ChatKeys.number(v);
            return Double.isNaN(d) ? null : (long) d;
        }

        private static Double real(String v) {
            double d = ChatKeys.number(v);
            return Double.isNaN(d) ? null : d;
        }

        private static String nonNull(String s) {
            return s == null ? "" : s;
        }

        private static String sha256(String s) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(d, 0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
