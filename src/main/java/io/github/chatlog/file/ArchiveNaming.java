package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Names the archives of one rolling file and finds them again. The master log names archives by UTC rollover time;
 * session transcripts by a sequence number. Archives are written first under their <em>staged</em> name (the final
 * name without the compression suffix), then compressed to the final name through a {@code .tmp} file.
 */
public interface ArchiveNaming {

    /** A final archive name that no existing archive, staged file or temporary file uses; {@code nowMillis} is UTC. */
    Path next(long nowMillis) throws IOException;

    /** The completed archives, oldest first. */
    List<Path> archives() throws IOException;

    /** Rolled files still waiting for compression, oldest first (left by a stop or a crash during compression). */
    List<Path> staged() throws IOException;

    /** Temporary files of interrupted compressions. */
    List<Path> temporaries() throws IOException;

    /** Where the archives are. */
    Path directory();

    /** The compression the final names carry. */
    Compression compression();

    /** The staged name of a final archive name: the final name without the compression suffix. */
    default Path stagedName(Path archive) {
        String suffix = compression().suffix();
        String name = archive.getFileName().toString();
        return suffix.isEmpty() ? archive : archive.resolveSibling(name.substring(0, name.length() - suffix.length()));
    }

    /** The final name of a staged file. */
    default Path finalName(Path staged) {
        return staged.resolveSibling(staged.getFileName() + compression().suffix());
    }
}
