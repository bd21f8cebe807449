package io.github.chatlog.logback;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import org.slf4j.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A real LoggerContext configured through Joran from XML, with {@code CHATLOG_DIR} pointing at a test directory. */
public final class LogbackFixture implements AutoCloseable {

    /** The drop-in configuration at the top of the repository (tests run with the project as working directory). */
    public static final Path EXAMPLE_CONFIG = Path.of("logback-example.xml");

    public final LoggerContext context;
    public final Path dir;

    private LogbackFixture(LoggerContext context, Path dir) {
        this.context = context;
        this.dir = dir;
        context.putProperty("CHATLOG_DIR", dir.toString());
    }

    private LogbackFixture(Path dir) {
        this(new LoggerContext(), dir);
        context.setName("test-" + dir.getFileName());
        // share the MDC that org.slf4j.MDC writes to, as the context SLF4J binds would
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
    }

    /**
     * Reconfigures the context SLF4J is bound to (what {@code LoggerFactory.getLogger} returns loggers of) from the
     * drop-in configuration, for code that logs through static SLF4J calls. Close it to reset that context.
     */
    public static LogbackFixture globalFromExample(Path dir) throws IOException, JoranException {
        LoggerContext global = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        global.reset();
        // a context stopped by an earlier fixture's close() must be started again, or its next stop() is skipped
        // (no app:shutdown, files left open): as SLF4J's own initialisation starts it
        global.start();
        LogbackFixture f = new LogbackFixture(global, dir);
        try (InputStream in = Files.newInputStream(EXAMPLE_CONFIG)) {
            f.configure(in);
        }
        return f;
    }

    public static LogbackFixture fromFile(Path xml, Path dir) throws IOException, JoranException {
        LogbackFixture f = new LogbackFixture(dir);
        try (InputStream in = Files.newInputStream(xml)) {
            f.configure(in);
        }
        return f;
    }

    /** Configures from a {@code <configuration>} body. */
    public static LogbackFixture fromXml(String body, Path dir) throws JoranException {
        LogbackFixture f = new LogbackFixture(dir);
        f.configure(new ByteArrayInputStream(("<configuration>" + body + "</configuration>").getBytes(StandardCharsets.UTF_8)));
        return f;
    }

    private void configure(InputStream in) throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(in);
    }

    /** A logger of this context, used through the plain SLF4J API. */
    public Logger logger(String name) {
        return context.getLogger(name);
    }

    public List<String> statusMessages(int level) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == level)
                .map(Status::getMessage)
                .collect(Collectors.toList());
    }

    public List<String> errors() {
        return statusMessages(Status.ERROR);
    }

    public Path master() {
        return dir.resolve("master.log");
    }

    public List<String> masterLines() throws IOException {
        return Files.readAllLines(master(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        context.stop();
    }
}
