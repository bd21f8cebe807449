package io.github.chatlog.read;

/**
 * The default names inside a log directory ({@code CHATLOG_DIR}), written once for the appenders that create them and
 * the commands that read them, neither of which needs Logback to know them.
 */
public final class LogDirectoryNames {

    /** The property and environment variable naming the log directory: {@value}. */
    public static final String DIR_PROPERTY = "CHATLOG_DIR";
    /** The log directory when {@link #DIR_PROPERTY} is not set: {@value}. */
    public static final String DEFAULT_DIR = "logs";
    /** The live master log: {@value}. */
    public static final String MASTER_LOG = "master.log";
    /** The folder of master-log archives: {@value}. */
    public static final String ARCHIVE = "archive";
    /** The folder of transcripts: {@value}. */
    public static final String CHATS = "chats";
    /** The SQLite store: {@value}. */
    public static final String DATABASE = "chatlog.db";

    private LogDirectoryNames() {
    }
}
