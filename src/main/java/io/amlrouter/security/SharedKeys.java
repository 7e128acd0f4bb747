package io.amlrouter.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A set of shared secrets, several valid at once so a key can be rotated without downtime. Candidates
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every key without an
 * early exit, so neither the position of the first wrong byte nor the key's length nor which key
 * matched leaks through timing. The keys themselves are never kept in clear.
 */
public final class SharedKeys {

    private final List<byte[]> digests;

    public SharedKeys(List<String> keys) {
        this.digests = keys.stream().map(String::trim).filter(k -> !k.isEmpty()).map(SharedKeys::sha256).toList();
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    /** True when {@code candidate} equals one of the keys. */
    public boolean matches(String candidate) {
        if (candidate == null || digests.isEmpty()) {
            return false;
        }
        byte[] given = sha256(candidate);
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(d, given);
        }
        return match;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
