package io.github.chatlog.cli;

import io.github.chatlog.ChatlogVersion;

import java.io.PrintStream;

/** Entry point of the {@code ./chatlog} launcher. */
public final class ChatlogCli {

    private ChatlogCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "demo":
                    return Demo.run(out);
                case "ingest":
                    return IngestCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
                case "version":
                case "--version":
                    out.println("logback-chatlog " + ChatlogVersion.VERSION);
                    return 0;
                case "help":
                case "--help":
                case "-h":
                    usage(out);
                    return 0;
                default:
                    err.println("chatlog: unknown command '" + command + "' (try: chatlog help)");
                    return 2;
            }
        } catch (Exception e) {
            err.println("chatlog: " + command + " failed: " + e);
            return 1;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: chatlog <command>");
        out.println();
        out.println("  demo      log a simulated agent session with logback-example.xml and show the files");
        out.println("  ingest    load master.log, its archives and the transcripts into SQLite");
        out.println("            [--dir DIR] [--db FILE] [--zone ZONE]   (needs org.xerial:sqlite-jdbc)");
        out.println("  version   print the version");
        out.println();
        out.println("CHATLOG_DIR sets the log directory (default: logs).");
    }
}
