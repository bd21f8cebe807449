package io.github.chatlog.file;

/**
 * Where the file layer reports what went wrong, so it never throws into a logging caller. The Logback appenders adapt
 * it to their status manager; plain-Java users may print it.
 */
public interface StatusReporter {

    void info(String message);

    void warn(String message);

    void error(String message, Throwable cause);

    /** A reporter that prints to standard error; for tools that run without Logback. */
    StatusReporter STDERR = new StatusReporter() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            System.err.println("chatlog: WARN " + message);
        }

        @Override
        public void error(String message, Throwable cause) {
            System.err.println("chatlog: ERROR " + message + (cause == null ? "" : " (" + cause + ")"));
        }
    };
}
