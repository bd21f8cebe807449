package io.github.chatlog.logback;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of the application per master log and process: {@code app:start} when the first appender of this JVM starts
 * on the file, {@code app:shutdown} when the last one stops for good, and nothing in between however often the
 * logging is reconfigured.
 *
 * <p>Logback gives an appender no way to tell a reconfiguration from the end of the application: both stop it. So a
 * stop is taken as the end unless a known reconfigurer called it: Spring Boot's logging system while it initialises
 * Logback (a {@code logback.xml} it loads again, {@code logback-spring.xml} replacing Logback's own start, a DevTools
 * restart), Logback's {@code scan} and its JMX reload. Such a stop <em>suspends</em> the run; the appender that the
 * new configuration starts resumes it without a line. Should none start, a JVM shutdown hook writes the run's
 * {@code app:shutdown} at exit.
 */
final class MasterLogRuns {

    /** The methods that stop the appenders to configure Logback again, by declaring class. */
    private static final Map<String, Set<String>> RECONFIGURERS = Map.of(
            "org.springframework.boot.logging.logback.LogbackLoggingSystem",
            Set.of("beforeInitialize", "initialize", "reinitialize", "loadConfiguration", "loadDefaults", "stopAndReset"),
            "org.springframework.boot.logging.AbstractLoggingSystem",
            Set.of("initialize", "initializeWithConventions", "initializeWithSpecificConfig", "reinitialize"),
            "ch.qos.logback.classic.joran.ReconfigureOnChangeTask", Set.of("run", "performXMLConfiguration"),
            "ch.qos.logback.classic.jmx.JMXConfigurator",
            Set.of("reloadDefaultConfiguration", "reloadByFileName", "reloadByURL"));

    /** A run: when it started, how many appenders write it now, and what ends it if it stays suspended. */
    static final class Run {
        final Path file;
        final long startMillis;
        private int attached;
        private Runnable lastWords; // set while suspended

        private Run(Path file, long startMillis) {
            this.file = file;
            this.startMillis = startMillis;
        }
    }

    private static final Map<Path, Run> RUNS = new HashMap<>(); // guarded by itself
    private static boolean hookAdded; // guarded by RUNS

    private MasterLogRuns() {
    }

    /**
     * An appender starts writing {@code file}: the run it continues, or a new one (then {@code isNew} is set and the
     * appender writes {@code app:start}).
     */
    static Run attach(Path file, long nowMillis, boolean[] isNew) {
        Path key = file.toAbsolutePath().normalize();
        synchronized (RUNS) {
            Run run = RUNS.get(key);
            isNew[0] = run == null;
            if (run == null) {
                run = new Run(key, nowMillis);
                RUNS.put(key, run);
            }
            run.attached++;
            run.lastWords = null; // resumed
            return run;
        }
    }

    /**
     * An appender stops writing the run. Returns true when it writes {@code app:shutdown} now: the last appender of the
     * run, stopped by something other than a reconfiguration. When a reconfiguration stopped the last one, the run is
     * suspended and {@code lastWords} writes its {@code app:shutdown} at exit unless another appender resumes it.
     */
    static boolean detach(Run run, boolean reconfiguring, Runnable lastWords) {
        synchronized (RUNS) {
            if (--run.attached > 0) {
                return false; // another appender of this JVM goes on writing the run
            }
            if (!reconfiguring) {
                RUNS.remove(run.file, run);
                return true;
            }
            run.lastWords = lastWords;
            if (!hookAdded) {
                hookAdded = true;
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(MasterLogRuns::endSuspended, "chatlog-master-log-end"));
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: end it now
                    RUNS.remove(run.file, run);
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether the current thread is stopping the appenders for a known reconfigurer of Logback. */
    static boolean reconfiguring() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> {
            Set<String> methods = RECONFIGURERS.get(f.getClassName());
            return methods != null && methods.contains(f.getMethodName());
        }));
    }

    /** At exit: writes {@code app:shutdown} for the runs a reconfiguration suspended and nothing resumed. */
    static void endSuspended() {
        List<Runnable> ends = new ArrayList<>();
        synchronized (RUNS) {
            for (Run run : List.copyOf(RUNS.values())) {
                if (run.attached == 0 && run.lastWords != null) {
                    ends.add(run.lastWords);
                    RUNS.remove(run.file, run);
                }
            }
        }
        for (Runnable end : ends) {
            try {
                end.run();
            } catch (RuntimeException e) {
                // at exit there is nobody left to tell: the file ends without its app:shutdown
            }
        }
    }
}
