package io.github.chatlog.logback.json;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real syslog-ng (Debian's {@code syslog-ng-core}) on a loopback port: a TCP network source whose lines go through
 * its {@code json-parser}, and a file destination that writes chosen parsed fields, tab-separated, one line per
 * document. Runs in the foreground with its persist file, pid file and control socket in the given directory, so it
 * never touches the system's.
 */
final class SyslogNgReceiver implements AutoCloseable {

    /** The parsed fields written per document, in this order. */
    static final List<String> FIELDS = List.of("seq", "session_id", "event_type", "entry_type", "gen_ai.conversation.id",
            "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.usage.output_tokens", "message");

    private final Path executable;
    private final Path dir;
    private final int port;
    private Process process;

    SyslogNgReceiver(Path executable, Path dir, int port) throws IOException {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        StringBuilder template = new StringBuilder();
        for (String f : FIELDS) {
            template.append(template.length() == 0 ? "" : "\\t").append("${").append(f).append('}');
        }
        Files.writeString(dir.resolve("syslog-ng.conf"), """
                @version: 3.38
                source s_net { network(ip("127.0.0.1") port(%d) transport("tcp") flags(no-parse)); };
                parser p_json { json-parser(); };
                destination d_out { file("%s" template("%s\\n")); };
                log { source(s_net); parser(p_json); destination(d_out); };
                """.formatted(port, output(), template), StandardCharsets.UTF_8);
    }

    /** syslog-ng on the PATH or in /usr/sbin, or null. */
    static Path find() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "syslog-ng");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    Path output() {
        return dir.resolve("received.tsv");
    }

    /** Starts it and waits (up to {@code deadlineMs}) until its port accepts connections. */
    void start(long deadlineMs) throws Exception {
        process = new ProcessBuilder(executable.toString(), "-F", "--no-caps",
                "-f", dir.resolve("syslog-ng.conf").toString(),
                "--persist-file", dir.resolve("syslog-ng.persist").toString(),
                "--pidfile", dir.resolve("syslog-ng.pid").toString(),
                "--control", dir.resolve("syslog-ng.ctl").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("syslog-ng.out").toFile()))
                .start();
        Waits.until(deadlineMs, "syslog-ng accepting on port " + port + " (its output: " + dir.resolve("syslog-ng.out") + ")",
                () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("syslog-ng exited with " + process.exitValue() + ": "
                                + Files.readString(dir.resolve("syslog-ng.out")));
                    }
                    return accepts();
                });
    }

    /** Stops it (SIGTERM) and waits until the process is gone and the port refuses connections. */
    void stop(long deadlineMs) throws Exception {
        process.destroy();
        if (!process.waitFor(deadlineMs, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("syslog-ng did not stop");
        }
        Waits.until(deadlineMs, "port " + port + " closed", () -> !accepts());
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The documents received so far, as field-value rows. */
    List<List<String>> received() throws IOException {
        if (!Files.exists(output())) {
            return List.of();
        }
        return Files.readAllLines(output(), StandardCharsets.UTF_8).stream()
                .map(l -> List.of(l.split("\t", -1))).toList();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
