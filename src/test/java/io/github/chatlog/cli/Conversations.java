package io.github.chatlog.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.github.chatlog.logback.LogbackFixture;
import org.slf4j.event.KeyValuePair;

import java.util.Map;

/**
 * Logs through a fixture's real appenders at a chosen time: a Logback event stamped {@code millis}, with the session (if any) in
 * its MDC and SLF4J key-values, as an application's call would make it (the SLF4J API has no way to set the time).
 */
final class Conversations {

    private final LogbackFixture fixture;

    Conversations(LogbackFixture fixture) {
        this.fixture = fixture;
    }

    void log(String logger, long millis, String session, String message, Object... keyValues) {
        ch.qos.logback.classic.Logger l = fixture.context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(org.slf4j.Logger.class.getName(), l, Level.INFO, message, null, null);
        e.setTimeStamp(millis);
        e.setMDCPropertyMap(session == null ? Map.of() : Map.of("session_id", session));
        for (int i = 0; i < keyValues.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        l.callAppenders(e);
    }

    void error(String logger, long millis, String session, String message, Throwable t) {
        ch.qos.logback.classic.Logger l = fixture.context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(org.slf4j.Logger.class.getName(), l, Level.ERROR, message, t, null);
        e.setTimeStamp(millis);
        e.setMDCPropertyMap(session == null ? Map.of() : Map.of("session_id", session));
        l.callAppenders(e);
    }
}
