package io.github.chatlog.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What is where in a log directory ({@code CHATLOG_DIR}): the master log, its archives, the transcripts and how they
 * are named, the database. One description for the appenders that write these and for every command that reads them;
 * needs no Logback. A custom {@code fileNamePattern} reaches the readers through the chats directory's
 * {@link SessionFileNames#DESCRIPTION}, which the transcript appender writes.
 */
public final class LogLayout {

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

    private final Path directory;
    private final ZoneId zone;
    private SessionFileNames transcriptNames;
    private List<SessionFileNames> readingNames;

    /**
     * Names that files in a chats directory may have besides the recorded pattern's: those of the default pattern
     * (written before a custom one was configured) and any {@code .log} or {@code .jsonl} named after its session.
     */
    private static final List<String> FORMER_PATTERNS = List.of(SessionFileNames.DEFAULT_PATTERN, "%session.log",
            "%session.jsonl");

    private LogLayout(Path directory, ZoneId zone) {
        this.directory = directory;
        this.zone = zone;
    }

    /**
     * The layout of {@code directory}.
     *
     * @param zone the zone text transcripts were written in, or null for the one the appender recorded (else the
     *             system's)
     */
    public static LogLayout of(Path directory, ZoneId zone) {
        return new LogLayout(directory, zone);
    }

    /** The log directory itself. */
    public Path directory() {
        return directory;
    }

    /** {@value #MASTER_LOG} in the directory. */
    public Path masterLog() {
        return directory.resolve(MASTER_LOG);
    }

    /** The master log's archive folder. */
    public Path archive() {
        return directory.resolve(ARCHIVE);
    }

    /** The transcripts' folder. */
    public Path chats() {
        return directory.resolve(CHATS);
    }

    /** The SQLite store's file. */
    public Path database() {
        return directory.resolve(DATABASE);
    }

    /**
     * How the transcripts are named (the recorded pattern, else the default) and which zone their times are in; read
     * once, on first use.
     *
     * @throws UncheckedIOException when the chats directory's description cannot be read
     */
    public synchronized SessionFileNames transcriptNames() {
        if (transcriptNames == null) {
            try {
                transcriptNames = SessionFileNames.described(chats(), zone);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return transcriptNames;
    }

    /**
     * What a file in the chats directory is, by the recorded pattern, else by a name an earlier configuration gave;
     * null when it is no transcript.
     */
    public SessionFileNames.Name transcriptName(Path file) {
        return nameOf(readingNames(), file);
    }

    private static SessionFileNames.Name nameOf(List<SessionFileNames> readingNames, Path file) {
        for (SessionFileNames names : readingNames) {
            SessionFileNames.Name name = names.parse(file);
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    private synchronized List<SessionFileNames> readingNames() {
        if (readingNames == null) {
            SessionFileNames recorded = transcriptNames();
            List<SessionFileNames> all = new java.util.ArrayList<>();
            all.add(recorded);
            for (String former : FORMER_PATTERNS) {
                if (!former.equals(recorded.pattern())) {
                    all.add(new SessionFileNames(chats(), former, recorded.zone()));
                }
            }
            readingNames = List.copyOf(all);
        }
        return readingNames;
    }

    /**
     * Every transcript file, live files and rolled parts, in path order: the files {@link #transcriptName} knows,
     * nothing else that lies in the chats directory.
     */
    public List<Path> transcriptFiles() {
        List<Path> out = new java.util.ArrayList<>();
        for (Path p : regularFilesOfChats()) {
            if (transcriptName(p) != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * What {@link #transcriptName} says of each of {@link #transcriptFiles()}, in the same order: for a reader that
     * needs the names of all, each read once, on the processors there are (reading a name is most of listing a large
     * directory).
     */
    public List<SessionFileNames.Name> transcriptNamesInPathOrder() {
        List<SessionFileNames> names = readingNames();
        return regularFilesOfChats().parallelStream().map(p -> nameOf(names, p)).filter(java.util.Objects::nonNull)
                .collect(Collectors.toList());
    }

    private List<Path> regularFilesOfChats() {
        if (!Files.isDirectory(chats())) {
            return List.of();
        }
        int depth = readingNames().stream().mapToInt(SessionFileNames::depth).max().orElse(1);
        // the walk's own look at each file says whether it is a regular one (links not followed): one stat a file
        try (Stream<Path> files = Files.find(chats(), depth, (p, attributes) -> attributes.isRegularFile())) {
            Path[] sorted = files.toArray(Path[]::new);
            java.util.Arrays.parallelSort(sorted); // a large directory is sorted on the processors there are
            return java.util.Arrays.asList(sorted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zone text transcripts were written in. */
    public ZoneId zone() {
        return transcriptNames().zone();
    }
}
