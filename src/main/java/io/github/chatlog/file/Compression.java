package io.github.chatlog.file;

/** How rolled archives are stored. */
public enum Compression {
    /** gzip, in the background; the archive name ends with {@code .gz}. */
    GZIP(".gz"),
    /** Kept as written. */
    NONE("");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    /** What the archive's file name ends with after {@code .log}. */
    public String suffix() {
        return suffix;
    }
}
