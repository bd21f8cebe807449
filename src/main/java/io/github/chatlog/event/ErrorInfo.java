package io.github.chatlog.event;

import java.util.Objects;

/**
 * What the logs keep of an exception: its class and message, never the stack trace. Built from a {@link Throwable} or
 * from Logback's throwable proxy, so the core needs no Logback.
 *
 * @param className the fully qualified class name
 * @param message   the exception's message, or {@code null} when it had none
 */
public record ErrorInfo(String className, String message) {

    public ErrorInfo {
        Objects.requireNonNull(className, "className");
    }

    /** Reads a throwable defensively: a {@code getMessage()} that throws does not escape. */
    public static ErrorInfo of(Throwable t) {
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException | LinkageError e) {
            message = "<getMessage() threw " + e.getClass().getSimpleName() + ">";
        }
        return new ErrorInfo(t.getClass().getName(), message);
    }

    /** The simple name: {@code java.net.SocketException} gives {@code SocketException}, {@code a.Outer$Inner} gives {@code Inner}. */
    public String simpleName() {
        String name = className.substring(className.lastIndexOf('.') + 1);
        int dollar = name.lastIndexOf('$');
        if (dollar >= 0 && dollar < name.length() - 1 && !Character.isDigit(name.charAt(dollar + 1))) {
            name = name.substring(dollar + 1);
        }
        return name;
    }

    /** {@code SimpleName: message}, or the simple name alone when there is no message. */
    public String describe() {
        return message == null ? simpleName() : simpleName() + ": " + message;
    }
}
