package io.github.chatlog.logback;

import ch.qos.logback.core.rolling.RollingFileAppender;
import io.github.chatlog.file.FileModes;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Logback's {@link RollingFileAppender} with the plugin's file modes: the live file and the folders it creates are
 * owner-only ({@value FileModes#DEFAULT_FILE_MODE} / {@value FileModes#DEFAULT_DIRECTORY_MODE}) unless
 * {@code fileMode} / {@code directoryMode} widen them. Rolled files stay in those folders, so a folder this appender
 * created keeps them private too. The example configuration writes its JSON file with it.
 */
public class OwnerOnlyRollingFileAppender<E> extends RollingFileAppender<E> {

    private String fileMode = FileModes.DEFAULT_FILE_MODE;
    private String directoryMode = FileModes.DEFAULT_DIRECTORY_MODE;
    private FileModes modes;

    @Override
    public void start() {
        try {
            modes = FileModes.parse(fileMode, directoryMode);
        } catch (IllegalArgumentException e) {
            addError("[" + getName() + "] " + e.getMessage());
            return;
        }
        super.start();
    }

    @Override
    public void openFile(String fileName) throws IOException {
        FileModes m = modes != null ? modes : FileModes.OWNER_ONLY;
        Path file = Path.of(fileName).toAbsolutePath();
        m.createDirectories(file.getParent());
        m.createFile(file);
        super.openFile(fileName);
    }

    /** Permissions of the files it creates; default {@value FileModes#DEFAULT_FILE_MODE}. */
    public void setFileMode(String fileMode) {
        this.fileMode = fileMode;
    }

    /** Permissions of the folders it creates; default {@value FileModes#DEFAULT_DIRECTORY_MODE}. */
    public void setDirectoryMode(String directoryMode) {
        this.directoryMode = directoryMode;
    }
}
