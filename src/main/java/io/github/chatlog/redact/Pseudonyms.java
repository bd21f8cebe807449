package io.github.chatlog.redact;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Stable keyed pseudonyms for session ids that are themselves personal data: {@code anon-} and the first 16 hex digits
 * of HMAC-SHA256(key, id). The same id and key give the same pseudonym in every process and after every restart, so a
 * conversation stays one conversation; without the key, the pseudonym cannot be turned back into the id, nor can a
 * guess be checked.
 */
public final class Pseudonyms {

    /** {@value}: how every pseudonym starts. */
    public static final String PREFIX = "anon-";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public Pseudonyms(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 16) {
            throw new IllegalArgumentException("a pseudonym key needs at least 16 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public String of(String id) {
        byte[] digest = macs.get().doFinal(id.getBytes(StandardCharsets.UTF_8));
        return PREFIX + HexFormat.of().formatHex(digest, 0, 8);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
