package io.github.chatlog.format;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UtcTimestampsTest {

    @Test
    void matchesIsoInstantWithMilliseconds() {
        Random random = new Random(3);
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
        for (int i = 0; i < 10_000; i++) {
            long millis = random.nextLong() % 4_000_000_000_000L;
            if (millis < 0) {
                millis = -millis;
            }
            String s = UtcTimestamps.format(millis);
            assertEquals(iso.format(Instant.ofEpochMilli(millis)), s);
            assertEquals(UtcTimestamps.LENGTH, s.length());
            assertTrue(UtcTimestamps.isTimestamp(s, 0));
            assertEquals(Instant.ofEpochMilli(millis), UtcTimestamps.parse(s));
        }
        assertEquals("2024-12-19T14:32:01.000Z", UtcTimestamps.format(Instant.parse("2024-12-19T14:32:01Z")));
        assertEquals("1970-01-01T00:00:00.001Z", UtcTimestamps.format(1));
        assertEquals(Instant.parse("2024-12-19T14:32:01.123Z").truncatedTo(ChronoUnit.MILLIS),
                UtcTimestamps.parse("2024-12-19T14:32:01.123Z"));
    }
}
