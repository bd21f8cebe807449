package io.github.chatlog.redact;

import io.github.chatlog.file.FileModes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the pseudonym key comes from: a key given as text (from a secret store, through {@code CHATLOG_PSEUDONYM_KEY}),
 * or else a key file that the first process to need one creates with 32 random bytes, readable by its owner only, and
 * that every later process on the same log directory reads, so pseudonyms are the same across processes and restarts.
 */
public final class PseudonymKeys {

    /** {@value}: the environment variable or system property holding the key as text. */
    public static final String KEY_PROPERTY = "CHATLOG_PSEUDONYM_KEY";
    /** {@value}: the key file's name inside the log directory when no key is given. */
    public static final String DEFAULT_KEY_FILE = ".pseudonym.key";

    private PseudonymKeys() {
    }

    /** A key from text: SHA-256 of its UTF-8 bytes, so any passphrase of enough entropy serves. */
    public static byte[] fromText(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The key in {@code file}, creating the file (and its folder, owner-only) when it does not exist yet. Creation is
     * atomic: the key is written to a private temporary file and linked into place, so two processes starting at once
     * end with one key.
     */
    public static byte[] fromFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            FileModes.OWNER_ONLY.createDirectories(dir);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Path tmp = Files.createTempFile(dir, ".pseudonym", ".tmp", FileModes.OWNER_ONLY.fileAttributes());
            try {
                FileModes.OWNER_ONLY.created(tmp);
                Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n");
                try {
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException e) {
                    // another process was first: use its key
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, file);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String text = Files.readString(file).trim();
        try {
            byte[] key = HexFormat.of().parseHex(text);
            if (key.length >= 16) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // not hex: taken as a passphrase below
        }
        return fromText(text);
    }
}
