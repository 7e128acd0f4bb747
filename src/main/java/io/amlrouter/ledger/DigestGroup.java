package io.amlrouter.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A digest group: the events of one grouped action ({@code rule}, {@code actionIndex}) whose {@code group.by}
 * rendered to the same {@code key}. Its first event waits {@code groupWait} (the rules file's {@code wait}) for others; it sends at most one digest per
 * {@code interval}.
 *
 * @param id a stable id derived from rule, action and key ({@link #idOf})
 */
@RegisterForReflection
public record DigestGroup(String id, String rule, int actionIndex, String key, Duration groupWait, Duration interval) {

    public static DigestGroup of(String rule, int actionIndex, String key, Duration groupWait, Duration interval) {
        return new DigestGroup(idOf(rule, actionIndex, key), rule, actionIndex, key, groupWait, interval);
    }

    /** 32 hex characters of the SHA-256 of rule, action index and key: safe in keys, the same on every replica. */
    public static String idOf(String rule, int actionIndex, String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((rule + "\n" + actionIndex + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
