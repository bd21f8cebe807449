package io.github.chatlog.file;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many transcript files a process may keep open when its configuration does not say: half of what the process may
 * open (its descriptor limit, which the JVM raises to the hard limit on Linux), between {@value #MIN_FILES} and
 * {@value #MAX_FILES}. The other half stays for the application's sockets, databases and jars. Where the limit cannot
 * be read, {@value #FALLBACK_FILES}.
 */
public final class DescriptorBudget {

    /** The least a derived cap gives: {@value}. */
    public static final int MIN_FILES = 64;
    /** The most a derived cap gives (beyond it, the kernel's per-process file table, not the cache, is the cost): {@value}. */
    public static final int MAX_FILES = 16_384;
    /** The cap where the descriptor limit cannot be read: {@value}. */
    public static final int FALLBACK_FILES = 256;

    private DescriptorBudget() {
    }

    /** The cap for this process, from its descriptor limit. */
    public static int defaultMaxOpenFiles() {
        return forLimit(descriptorLimit());
    }

    /** The cap for a process that may open {@code limit} descriptors ({@code -1}: unknown). */
    static int forLimit(long limit) {
        if (limit <= 0) {
            return FALLBACK_FILES;
        }
        return (int) Math.max(MIN_FILES, Math.min(MAX_FILES, limit / 2));
    }

    /** The process's descriptor limit, or -1 where the platform does not tell. */
    static long descriptorLimit() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError e) {
            // a runtime without jdk.management: the fallback
        }
        return -1;
    }
}
