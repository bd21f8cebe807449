package io.github.chatlog.read;

import io.github.chatlog.format.MasterLine;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the reading commands find master-log events: the master log and its archives ({@link MasterLogReader}) or a
 * store's {@code events} ({@link StoredLog}), each line exactly as the master log has it.
 */
public interface EventSource {

    /** The events matching {@code query}, oldest first. Close the stream. */
    Stream<MasterLine> lines(EventQuery query);

    /** The last {@code n} events matching {@code filter} (its limit ignored), oldest first. */
    List<MasterLine> tail(int n, EventQuery filter);

    /** The events since {@code since} as plain text, {@code event_type source message} per line, for relevance scoring. */
    default String logText(Instant since) {
        try (Stream<MasterLine> s = lines(EventQuery.ALL.since(since))) {
            return s.map(MasterLine::text).collect(Collectors.joining("\n"));
        }
    }
}
