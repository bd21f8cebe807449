package io.github.chatlog.file;

import io.github.chatlog.event.ChatKeys;
import io.github.chatlog.event.LogEntry;
import io.github.chatlog.event.SessionSummary;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's transcript: its file, its open sink (when it has a descriptor) and the figures its footer reports.
 * Owned by {@link TranscriptRouter}; every field but the volatile ones is guarded by {@link #lock}.
 */
final class SessionTranscript {

    final String sessionId;
    final Path path;
    final long startMillis;
    final ReentrantLock lock = new ReentrantLock();

    volatile RollingFileSink sink; // written under the lock; read without it to skip closed sessions when choosing one to close
    boolean retired; // ended or reaped: a writer that finds this must look the session up again
    volatile boolean referenced;   // written to since the clock hand last passed: spared once when closing one
    volatile long lastEntryMillis; // for the idle reaper
    volatile long lastWriteWallMillis; // the system time of this process's last write, to compare with the file's

    private int users;
    private int assistants;
    private long tokens;
    private long generationMillis;
    private long generatedTokens;

    SessionTranscript(String sessionId, Path path, long startMillis) {
        this.sessionId = sessionId;
        this.path = path;
        this.startMillis = startMillis;
        this.lastEntryMillis = startMillis;
    }

    void count(LogEntry e) {
        String type = e.entryType() == null ? ChatKeys.TYPE_MESSAGE : e.entryType();
        if (ChatKeys.TYPE_MESSAGE.equals(type)) {
            if ("user".equals(e.role())) {
                users++;
            } else if ("assistant".equals(e.role())) {
                assistants++;
            }
        }
        double t = ChatKeys.number(e.value(ChatKeys.TOKENS));
        if (!Double.isNaN(t) && t >= 0) {
            tokens += (long) t;
            double latency = ChatKeys.number(e.value(ChatKeys.LATENCY_MS));
            if (!Double.isNaN(latency) && latency > 0) {
                generationMillis += (long) latency;
                generatedTokens += (long) t;
            }
        }
    }

    SessionSummary summary(long endMillis) {
        return new SessionSummary(sessionId, startMillis, endMillis, Math.max(users, assistants), tokens,
                generationMillis, generatedTokens);
    }
}
