package io.github.chatlog.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Who may read what the plugin creates: the permissions of new files and of new directories, owner-only by default
 * ({@value #DEFAULT_FILE_MODE} and {@value #DEFAULT_DIRECTORY_MODE}), set exactly whatever the process's umask, so a
 * wider setting (a log shipper's group, {@code rw-r-----}) holds too. Files and directories that already exist are
 * left as they are. On file systems without POSIX permissions nothing is set.
 *
 * @param file      permissions of new files
 * @param directory permissions of new directories
 */
public record FileModes(Set<PosixFilePermission> file, Set<PosixFilePermission> directory) {

    /** {@value}: owner read and write. */
    public static final String DEFAULT_FILE_MODE = "rw-------";
    /** {@value}: owner read, write and search. */
    public static final String DEFAULT_DIRECTORY_MODE = "rwx------";
    public static final FileModes OWNER_ONLY = parse(DEFAULT_FILE_MODE, DEFAULT_DIRECTORY_MODE);

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public FileModes {
        file = Set.copyOf(file);
        directory = Set.copyOf(directory);
    }

    /**
     * Reads two {@code rwxr-x---} strings; throws {@link IllegalArgumentException} naming the one that is not such a
     * string, or a file mode its owner could not write.
     */
    public static FileModes parse(String fileMode, String directoryMode) {
        Set<PosixFilePermission> f = permissions("fileMode", fileMode);
        Set<PosixFilePermission> d = permissions("directoryMode", directoryMode);
        if (!f.contains(PosixFilePermission.OWNER_WRITE) || !f.contains(PosixFilePermission.OWNER_READ)) {
            throw new IllegalArgumentException("fileMode '" + fileMode + "' must let the owner read and write");
        }
        if (!d.contains(PosixFilePermission.OWNER_EXECUTE) || !d.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new IllegalArgumentException("directoryMode '" + directoryMode + "' must let the owner write and search");
        }
        return new FileModes(f, d);
    }

    private static Set<PosixFilePermission> permissions(String name, String mode) {
        try {
            return PosixFilePermissions.fromString(mode == null ? "" : mode.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + mode + "' is not of the form rw-r----- (9 characters of rwx-)");
        }
    }

    /** The attribute that creates a file with these permissions (the umask may still take some away: see {@link #created}). */
    public FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(file)} : new FileAttribute<?>[0];
    }

    /** Sets the file permissions on a file this process has just created, so the umask cannot narrow or widen them. */
    public void created(Path path) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, file);
        }
    }

    /**
     * Creates {@code dir} and every missing parent with the directory permissions, like
     * {@link Files#createDirectories}; directories that exist keep theirs.
     */
    public void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(directory));
                Files.setPosixFilePermissions(absolute, directory);
            } else {
                Files.createDirectory(absolute);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    /** Creates an empty file with the file permissions unless one exists; returns whether it created it. */
    public boolean createFile(Path path) throws IOException {
        try {
            Files.createFile(path, fileAttributes());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
        created(path);
        return true;
    }

    @Override
    public String toString() {
        return PosixFilePermissions.toString(file) + "/" + PosixFilePermissions.toString(directory);
    }

    /** Gives {@code to} the permissions of {@code from}. */
    public static void copy(Path from, Path to) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        }
    }
}
