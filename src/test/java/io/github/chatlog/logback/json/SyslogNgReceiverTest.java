package io.github.chatlog.logback.json;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.appender.LogstashTcpSocketAppender;
import net.logstash.logback.appender.listener.TcpAppenderListener;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real log pipeline: the example configuration with {@code CHATLOG_LOGSTASH} sends through logstash-logback-encoder's
 * TCP appender to syslog-ng, which parses each document with its json-parser and writes the parsed fields to a file.
 * The receiver is stopped for {@value #DOWNTIME_MS} ms while the application keeps logging; every event logged
 * meanwhile arrives once it is back (the appender reconnects and sends what its ring buffer held).
 *
 * <p>Needs syslog-ng ({@code apt-get install syslog-ng-core}; {@code .ci/run} installs it). Skipped where it is
 * missing, except in CI ({@code CI} set), where a missing receiver fails the build.
 */
class SyslogNgReceiverTest {

    static final long DOWNTIME_MS = 3000;
    static final long DEADLINE_MS = 60_000;

    @TempDir
    Path dir;

    /** Measures the downtime; the system clock, here as a field so the scenario's time is one thing. */
    private final Clock clock = Clock.systemUTC();

    @Test
    void receiverParsesTheFieldsAndGetsWhatWasLoggedWhileItWasDown() throws Exception {
        Path syslogNg = SyslogNgReceiver.find();
        if (syslogNg == null) {
            if (System.getenv("CI") != null) {
                fail("syslog-ng is not installed: .ci/run installs syslog-ng-core; the real-receiver test must run in CI");
            }
            Assumptions.abort("syslog-ng not installed (apt-get install syslog-ng-core)");
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (SyslogNgReceiver receiver = new SyslogNgReceiver(syslogNg, dir, port)) {
            receiver.start(DEADLINE_MS);
            LoggerContext context = JsonFixture.example(dir.resolve("logs"), Map.of("CHATLOG_LOGSTASH", "127.0.0.1:" + port));
            try {
                assertEquals(List.of(), JsonFixture.errors(context));
                @SuppressWarnings("unchecked")
                LogstashTcpSocketAppender tcp = (LogstashTcpSocketAppender) context.getLogger("ROOT").getAppender("LOGSTASH");
                AtomicInteger closed = new AtomicInteger();
                tcp.addListener(new TcpAppenderListener<>() {
                    @Override
                    public void connectionClosed(ch.qos.logback.core.Appender<ILoggingEvent> appender, Socket socket) {
                        closed.incrementAndGet();
                    }
                });
                Map<String, Map<String, String>> expected = new HashMap<>();
                AtomicInteger seq = new AtomicInteger();

                for (int i = 0; i < 20; i++) {
                    logTurn(context, seq.incrementAndGet(), expected);
                }
                Waits.until(DEADLINE_MS, "the first 40 documents at syslog-ng", () -> receiver.received().size() >= 40);

                receiver.stop(DEADLINE_MS);
                Waits.until(DEADLINE_MS, "the appender to notice the receiver went away",
                        () -> closed.get() > 0 || tcp.getConnectedDestination().isEmpty());

                // the receiver stays down for DOWNTIME_MS by the clock, while the application logs a turn every 200 ms
                long downUntil = clock.millis() + DOWNTIME_MS;
                CountDownLatch downtimeOver = new CountDownLatch(1);
                AtomicInteger loggedWhileDown = new AtomicInteger();
                ScheduledExecutorService app = Executors.newSingleThreadScheduledExecutor();
                app.scheduleAtFixedRate(() -> {
                    if (downtimeOver.getCount() == 0) {
                        return;
                    }
                    logTurn(context, seq.incrementAndGet(), expected);
                    loggedWhileDown.incrementAndGet();
                    if (clock.millis() >= downUntil) {
                        downtimeOver.countDown();
                    }
                }, 0, 200, TimeUnit.MILLISECONDS);
                assertTrue(downtimeOver.await(DEADLINE_MS, TimeUnit.MILLISECONDS), "the downtime ended");
                app.shutdown();
                assertTrue(app.awaitTermination(DEADLINE_MS, TimeUnit.MILLISECONDS));
                assertTrue(loggedWhileDown.get() >= 2, "events were logged while the receiver was down");

                receiver.start(DEADLINE_MS);
                for (int i = 0; i < 5; i++) {
                    logTurn(context, seq.incrementAndGet(), expected);
                }
                Waits.until(DEADLINE_MS, "every document at syslog-ng after its restart",
                        () -> receiver.received().size() >= expected.size());

                Map<String, Map<String, String>> got = new HashMap<>();
                for (List<String> row : receiver.received()) {
                    Map<String, String> fields = new HashMap<>();
                    for (int i = 0; i < SyslogNgReceiver.FIELDS.size(); i++) {
                        fields.put(SyslogNgReceiver.FIELDS.get(i), i < row.size() ? row.get(i) : "");
                    }
                    got.put(fields.get("seq") + "/" + fields.get("event_type"), fields);
                }
                assertEquals(expected.keySet(), got.keySet(), "each document arrived once, none lost during the downtime");
                for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
                    Map<String, String> fields = got.get(e.getKey());
                    e.getValue().forEach((k, v) -> assertEquals(v, fields.get(k), k + " of " + e.getKey() + ": " + fields));
                }
            } finally {
                context.stop();
            }
        }
    }

    /** A chat reply and an llm:response event of one session, with what syslog-ng must have parsed from each. */
    private static void logTurn(LoggerContext context, int seq, Map<String, Map<String, String>> expected) {
        String session = "conv-" + (seq % 4);
        MDC.put("session_id", session);
        try {
            context.getLogger("chat").atInfo().addKeyValue("role", "assistant").addKeyValue("provider", "local")
                    .addKeyValue("model", "phi3-mini").addKeyValue("tokens", 20 + seq).addKeyValue("seq", seq)
                    .log("secret content " + seq);
            context.getLogger("event.agent_service").atInfo().addKeyValue("seq", seq).addKeyValue("model", "phi3-mini")
                    .log("llm:response reply " + seq);
        } finally {
            MDC.remove("session_id");
        }
        synchronized (expected) {
            Map<String, String> chat = new HashMap<>(Map.of("seq", "" + seq, "session_id", session,
                    "event_type", "conversation:turn", "entry_type", "message", "gen_ai.conversation.id", session,
                    "gen_ai.provider.name", "local", "gen_ai.request.model", "phi3-mini",
                    "gen_ai.usage.output_tokens", "" + (20 + seq)));
            chat.put("message", "");   // content is not shipped by default
            expected.put(seq + "/conversation:turn", chat);
            expected.put(seq + "/llm:response", new HashMap<>(Map.of("seq", "" + seq, "session_id", session,
                    "event_type", "llm:response", "entry_type", "", "gen_ai.conversation.id", session,
                    "gen_ai.request.model", "phi3-mini", "message", "reply " + seq)));
        }
    }
}
