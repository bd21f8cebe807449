package io.github.chatlog.viewer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.github.chatlog.logback.LogbackFixture;
import org.slf4j.event.KeyValuePair;

import java.nio.file.Path;
import java.util.Map;

/**
 * A log directory written by the real appenders through a real {@code logback.xml} (Joran): the master log rolled
 * into archives, transcripts in all three formats, an id with two conversations, hostile text in content, roles,
 * model names and session ids, and the same events in a SQLite store written by the store appender.
 */
final class ViewerLogs {

    /** 2025-03-01T09:00:00Z: the first conversation starts here; later ones are hours and days after. */
    static final long T0 = 1_740_819_600_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;

    /** A script any of the hostile texts would run: each sets {@code window.__pwned} and the title. */
    static final String RUN = "window.__pwned=1;document.title='PWNED'";
    /** A session id made to break out of markup, attributes and paths. */
    static final String HOSTILE_ID = "\"><img src=x onerror=\"" + RUN + "\"></div><script>" + RUN + "</script>";
    static final String HOSTILE_ROLE = "<svg onload=\"" + RUN + "\">";
    static final String HOSTILE_MODEL = "<script>" + RUN + "</script>";
    static final String HOSTILE_CONTENT = "<img src=x onerror=\"" + RUN + "\"> and </div></article><script>" + RUN
            + "</script> and <a href=\"javascript:" + RUN + "\">click</a> javascript:" + RUN;
    /** An id shaped like a path out of the log directory: only ever looked up, never opened. */
    static final String PATH_ID = "../../master.log";

    private ViewerLogs() {
    }

    /** The appenders: master log (rolled at 2 KB), transcripts in {@code format}, and the store at {@code store}. */
    static String configuration(String format, Path store) {
        return "<appender name='MASTER' class='io.github.chatlog.logback.MasterLogAppender'>"
                + "<file>${CHATLOG_DIR}/master.log</file><archiveDirectory>${CHATLOG_DIR}/archive</archiveDirectory>"
                + "<maxFileSize>2KB</maxFileSize><logTurns>true</logTurns></appender>"
                + "<appender name='CHAT' class='io.github.chatlog.logback.ChatTranscriptAppender'>"
                + "<directory>${CHATLOG_DIR}/chats</directory><format>" + format + "</format></appender>"
                + "<appender name='STORE' class='io.github.chatlog.logback.EventStoreAppender'>"
                + "<url>jdbc:sqlite:" + store + "</url></appender>"
                + "<logger name='chat' additivity='false'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/>"
                + "<appender-ref ref='STORE'/></logger>"
                + "<logger name='event' additivity='false'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/>"
                + "<appender-ref ref='STORE'/></logger>"
                + "<root level='INFO'><appender-ref ref='MASTER'/><appender-ref ref='CHAT'/><appender-ref ref='STORE'/></root>";
    }

    /** Writes the whole directory; the store is the SQLite file {@code store}. */
    static void write(Path dir, Path store) throws Exception {
        try (LogbackFixture f = LogbackFixture.fromXml(configuration("text", store), dir)) {
            Log log = new Log(f);
            long t = T0;
            log.chat(t, "weather", "What's the weather like in Lisbon tomorrow?", "role", "user");
            log.event(t + 200, "weather", "llm:request", "provider", "local", "model", "llama3.2", "tokens_in", 512);
            log.chat(t + 400, "weather", "", "type", "tool_call", "tool", "weather_forecast",
                    "args", "{\"city\":\"Lisbon\",\"day\":\"tomorrow\"}", "result", "{\"high\":24,\"sky\":\"sunny\"}");
            log.chat(t + 1_300, "weather", "Sunny with a high of 24°C.", "role", "assistant", "provider", "local",
                    "model", "llama3.2", "latency_ms", 850, "tokens", 28, "tokens_in", 512, "confidence", 0.92);
            log.chat(t + 5_000, "weather", "Should I take an umbrella?", "role", "user");
            log.chat(t + 5_700, "weather", "I'm not sure: the forecast only covers the morning.", "role", "assistant",
                    "provider", "local", "model", "llama3.2", "latency_ms", 610, "tokens", 14, "confidence", 0.38);
            for (int i = 0; i < 20; i++) {
                log.event(t + 5_800 + i, "weather", "llm:response", "provider", "local", "model", "llama3.2",
                        "latency_ms", 600 + i, "attempt", i);
            }
            log.event(t + 6_000, "weather", "conversation:end");

            t = T0 + 2 * HOUR;
            log.chat(t, "support", "You are a support agent for ACME routers.", "role", "system");
            log.chat(t + 1_000, "support", "My router keeps rebooting.", "role", "user");
            log.error(t + 1_500, "support", "calling the model", new IllegalStateException("openai: 429 Too Many Requests"));
            log.chat(t + 2_500, "support", "Is the LED steady or blinking?", "role", "assistant", "provider", "local",
                    "model", "phi3-mini.gguf", "latency_ms", 920, "tokens", 17, "fallback_from", "openai");
            log.chat(t + 3_000, "support", "escalate to a human", "type", "decision", "rationale",
                    "the user reported a hardware fault twice");
            log.event(t + 4_000, "support", "conversation:end");

            // one id, two conversations: the second starts a day after the first ended
            t = T0 + DAY;
            log.chat(t, "repeat", "first visit question", "role", "user");
            log.chat(t + 700, "repeat", "first visit answer", "role", "assistant", "model", "llama3.2", "latency_ms", 700,
                    "tokens", 9);
            log.event(t + 1_000, "repeat", "conversation:end");
            t = T0 + 2 * DAY;
            log.chat(t, "repeat", "second visit question", "role", "user");
            log.chat(t + 1_200, "repeat", "second visit answer", "role", "assistant", "model", "llama3.2",
                    "latency_ms", 1_200, "tokens", 11);
            log.event(t + 2_000, "repeat", "conversation:end");

            t = T0 + 3 * DAY;
            log.chat(t, HOSTILE_ID, HOSTILE_CONTENT, "role", "user");
            log.chat(t + 300, HOSTILE_ID, HOSTILE_CONTENT, "role", HOSTILE_ROLE);
            log.chat(t + 900, HOSTILE_ID, "an answer from a hostile model", "role", "assistant", "model", HOSTILE_MODEL,
                    "latency_ms", 300, "tokens", 5, HOSTILE_ROLE, HOSTILE_CONTENT);
            log.chat(t + 1_000, HOSTILE_ID, "", "type", "tool_call", "tool", HOSTILE_MODEL, "args",
                    "{\"html\":\"<svg/onload=" + RUN + ">\"}", "result", HOSTILE_CONTENT);
            log.chat(t + 1_200, PATH_ID, "a session whose id looks like a path", "role", "user");
            log.event(t + 2_000, HOSTILE_ID, "conversation:end");
            log.event(t + 2_000, PATH_ID, "conversation:end");
        }
        try (LogbackFixture f = LogbackFixture.fromXml(configuration("jsonl", store), dir)) {
            Log log = new Log(f);
            long t = T0 + 4 * DAY;
            log.chat(t, "json-1", "a question kept as JSON lines", "role", "user");
            log.chat(t + 400, "json-1", "an answer kept as JSON lines", "role", "assistant", "model", "gpt-4o-mini",
                    "latency_ms", 400, "tokens", 12);
            log.event(t + 1_000, "json-1", "conversation:end");
        }
        try (LogbackFixture f = LogbackFixture.fromXml(configuration("plain", store), dir)) {
            Log log = new Log(f);
            long t = T0 + 5 * DAY;
            log.chat(t, "plain-1", "a question kept as plain lines", "role", "user");
            log.chat(t + 500, "plain-1", "an answer kept as plain lines", "role", "assistant");
            log.event(t + 1_000, "plain-1", "conversation:end");
        }
    }

    /** Logs through a fixture's real appenders at a chosen time (the SLF4J API has no way to set the time). */
    static final class Log {
        private final LogbackFixture fixture;

        Log(LogbackFixture fixture) {
            this.fixture = fixture;
        }

        void chat(long millis, String session, String message, Object... keyValues) {
            send("chat", Level.INFO, millis, session, message, null, keyValues);
        }

        void event(long millis, String session, String message, Object... keyValues) {
            send("event.llm", Level.INFO, millis, session, message, null, keyValues);
        }

        void error(long millis, String session, String message, Throwable t) {
            send("error.llm", Level.ERROR, millis, session, message, t);
        }

        private void send(String logger, Level level, long millis, String session, String message, Throwable t,
                          Object... keyValues) {
            ch.qos.logback.classic.Logger l = fixture.context.getLogger(logger);
            LoggingEvent e = new LoggingEvent(org.slf4j.Logger.class.getName(), l, level, message, t, null);
            e.setTimeStamp(millis);
            e.setMDCPropertyMap(Map.of("session_id", session));
            for (int i = 0; i < keyValues.length; i += 2) {
                e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
            }
            l.callAppenders(e);
        }
    }
}
