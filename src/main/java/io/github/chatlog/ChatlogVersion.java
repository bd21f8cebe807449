package io.github.chatlog;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of logback-chatlog, as Maven built it. */
public final class ChatlogVersion {

    /** For example {@code 0.1.0}; {@code unknown} when the build's resource is missing. */
    public static final String VERSION = read();

    private ChatlogVersion() {
    }

    private static String read() {
        try (InputStream in = ChatlogVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }
}
