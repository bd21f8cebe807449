package io.github.chatlog.cli;

import io.github.chatlog.ChatlogVersion;
import io.github.chatlog.format.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Entry point of the {@code ./chatlog} launcher: the demo, ingest, and the reading commands. Errors are one line on
 * standard error and a non-zero exit code: 2 for a wrong command line, 1 for a failure.
 */
@Command(name = "chatlog", mixinStandardHelpOptions = true, versionProvider = ChatlogCli.Version.class,
        description = "logback-chatlog: conversation transcripts and the master event log.",
        subcommands = {CommandLine.HelpCommand.class, ChatlogCli.DemoCommand.class, ChatlogCli.AdapterDemoCommand.class,
                IngestCommand.class,
                ReadCommands.Tail.class, ReadCommands.Sessions.class, ReadCommands.Show.class, AnalysisCommands.Search.class,
                AnalysisCommands.Stats.class, AnalysisCommands.Reflect.class, AnalysisCommands.Export.class,
                AnalysisCommands.Prune.class, ReadCommands.Text.class},
        footer = "%nCHATLOG_DIR sets the log directory (default: logs).")
public final class ChatlogCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /**
     * The Logback configuration (a class-path resource) of every command but {@code demo}: no appenders of the
     * application, no files, library warnings on standard error. {@value}
     */
    static final String QUIET_LOGGING = "io/github/chatlog/cli/logback-cli.xml";

    public static void main(String[] args) {
        // before anything touches SLF4J (sqlite-jdbc logs through it): a reading command run with an application's
        // class path or -Dlogback.configurationFile must not start that application's appenders, which would write
        // app:start/app:shutdown into the very logs it reads
        if (!isDemo(args)) {
            System.setProperty("logback.configurationFile", QUIET_LOGGING);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Whether the command line runs a demo, the only commands that log through the configuration in force. */
    static boolean isDemo(String[] args) {
        return args.length > 0 && (args[0].equals("demo") || args[0].equals("demo-adapter"));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new ChatlogCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, argv) -> {
            String message = ex instanceof CommandLine.UnmatchedArgumentException u && u.getCommandLine() == cl
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")
                    ? "unknown command '" + u.getUnmatched().get(0) + "'" : ex.getMessage();
            err.println("chatlog: " + TerminalText.line(String.valueOf(message)) + " (try: chatlog help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            // a message may quote logged data (a session id, a line of a file): shown escaped, on one line
            err.println("chatlog: " + commandLine.getCommandName() + ": " + TerminalText.line(String.valueOf(ex.getMessage()))
                    + (ex instanceof CliSupport.UsageError ? " (try: chatlog help " + commandLine.getCommandName() + ")" : ""));
            return ex instanceof CliSupport.UsageError ? 2 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The version Maven built. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"logback-chatlog " + ChatlogVersion.VERSION};
        }
    }

    @Command(name = "demo", description = "Log three simulated agent sessions with the configuration in force and show the files.")
    static final class DemoCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return Demo.run(spec.commandLine().getOut());
        }
    }

    @Command(name = "demo-adapter", description = "Run LangChain4j's OpenAI clients against a local stub server with "
            + "ChatlogChatModelListener registered, and show the transcript it wrote.")
    static final class AdapterDemoCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return AdapterDemo.run(spec.commandLine().getOut());
        }
    }
}
