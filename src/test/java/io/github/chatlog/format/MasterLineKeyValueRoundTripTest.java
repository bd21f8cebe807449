package io.github.chatlog.format;

import io.github.chatlog.event.ErrorInfo;
import io.github.chatlog.event.KeyValue;
import io.github.chatlog.event.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key-value tokens are structure, message text is data (SPEC §3): whatever the message, exception or MDC session holds,
 * a line reads back with exactly the entry's key-values and session, and its message unescapes to the original text.
 */
class MasterLineKeyValueRoundTripTest {

    private static final long T = Instant.parse("2024-12-19T14:32:01.123Z").toEpochMilli();
    private static final String[] FORGERIES = {"session_id=victim", " session_id=victim", "session_id=\"victim\"",
            "x session_id=victim y", "a=b c=d", "k=", "=v", "session_id\\=victim", "\\\\session_id=victim",
            " - SocketException: session_id=victim", "role=assistant", "session_id=", "\"", "\\\"", ":=:", "-=-"};

    @Test
    void textNeverReadsAsAKeyValueAndEverythingRoundTrips() {
        Random r = new Random(31);
        for (int c = 0; c < 5000; c++) {
            StringBuilder message = new StringBuilder(HostileText.text(r));
            for (int k = r.nextInt(3); k > 0; k--) {
                message.append(FORGERIES[r.nextInt(FORGERIES.length)]).append(r.nextBoolean() ? " " : "");
            }
            LogEntry.Builder b = LogEntry.builder().timestamp(T).eventType("chat:input").source("s")
                    .message(message.toString());
            String session = r.nextInt(3) == 0 ? null : r.nextBoolean() ? "attacker" : value(r);
            b.sessionId(session);
            List<KeyValue> expected = new ArrayList<>();
            List<KeyValue> given = new ArrayList<>();
            for (int k = r.nextInt(4); k > 0; k--) {
                String key = r.nextInt(4) == 0 ? HostileText.text(r) : "k" + k;
                KeyValue kv = new KeyValue(key, value(r));
                given.add(kv);
                b.keyValue(kv.key(), kv.value());
            }
            boolean carriesSession = given.stream().anyMatch(kv -> kv.key().equals("session_id"));
            if (session != null && !carriesSession) {
                expected.add(new KeyValue("session_id", session));
            }
            given.forEach(kv -> expected.add(new KeyValue(FieldSanitizer.sanitize(kv.key()), kv.value())));
            if (r.nextInt(4) == 0) {
                b.error(new ErrorInfo("java.io.IOException", r.nextBoolean() ? null
                        : FORGERIES[r.nextInt(FORGERIES.length)] + HostileText.text(r)));
            }
            LogEntry e = b.build();
            String line = MasterLineFormat.format(e);
            assertEquals(line.length() - 1, line.indexOf('\n'), line);
            MasterLine parsed = MasterLineFormat.parse(new String(line.getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            assertNotNull(parsed, line);
            assertEquals(expected, parsed.keyValues(), line);
            String sessionRead = parsed.value("session_id");
            if (session == null && !carriesSession) {
                assertNull(sessionRead, line);
            } else {
                assertEquals(expected.stream().filter(kv -> kv.key().equals("session_id")).findFirst().orElseThrow()
                        .value(), sessionRead, line);
            }
            assertEquals(MasterLineFormat.message(e), parsed.message(), line);
            assertTrue(parsed.message().startsWith(e.message()), line);
        }
    }

    private static String value(Random r) {
        return r.nextBoolean() ? FORGERIES[r.nextInt(FORGERIES.length)] + HostileText.text(r) : HostileText.text(r);
    }

    @Test
    void aTypedKeyValueIsEscapedOnlyWhereItWouldReadAsOne() {
        LogEntry e = LogEntry.builder().timestamp(T).eventType("chat:input").source("s")
                .message("hello session_id=victim6 there a = b x==y =z").sessionId("attacker6").build();
        String line = MasterLineFormat.format(e);
        assertEquals("2024-12-19T14:32:01.123Z|chat:input|s|hello session_id\\=victim6 there a = b x\\==y =z"
                + " session_id=attacker6\n", line);
        MasterLine parsed = MasterLineFormat.parse(line);
        assertEquals(List.of(new KeyValue("session_id", "attacker6")), parsed.keyValues());
        assertEquals("hello session_id=victim6 there a = b x==y =z session_id=attacker6", parsed.message());
        LogEntry noSession = e.toBuilder().sessionId(null).build();
        assertEquals(List.of(), MasterLineFormat.parse(MasterLineFormat.format(noSession)).keyValues());
    }
}
