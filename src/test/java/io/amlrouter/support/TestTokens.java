package io.amlrouter.support;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Microsoft Entra-shaped access tokens signed by test keys, and the JWKS document that publishes the
 * trusted one. The tenant, audiences and role match the test configuration.
 */
public final class TestTokens {

    public static final String TENANT = "0b5f6c3e-7d21-4a8e-9f10-3c4d5e6f7a8b";
    public static final String APP_ID = "7f0c2d4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f";
    public static final String APP_ID_URI = "api://aml-event-router";
    public static final String EVENT_GRID_APP = "4962773b-9cdb-44cf-a8bf-237846a00ab7";
    public static final String ROLE = "AzureEventGridSecureWebhookSubscriber";
    public static final String KID = "test-key-1";
    /** The key id of the key Entra rotates to ({@link #jwksWithRotatedKey()}). */
    public static final String ROTATED_KID = "test-key-2";

    private static final KeyPair TRUSTED = generate();
    private static final KeyPair UNTRUSTED = generate();
    private static final KeyPair ROTATED = generate();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestTokens() {
    }

    /** Claims of a token Event Grid would present, valid for an hour. */
    public static Map<String, Object> eventGridClaims() {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", APP_ID_URI);
        claims.put("iss", "https://sts.windows.net/" + TENANT + "/");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("appid", EVENT_GRID_APP);
        claims.put("roles", List.of(ROLE));
        claims.put("sub", "a1b2c3d4-0000-4000-8000-000000000001");
        claims.put("tid", TENANT);
        return claims;
    }

    /** A token with the given claims, signed by the trusted key under {@link #KID}. */
    public static String sign(Map<String, Object> claims) {
        return sign(claims, KID, TRUSTED.getPrivate());
    }

    /** A token signed by a key the JWKS does not publish, claiming the trusted key id. */
    public static String signWithUntrustedKey(Map<String, Object> claims) {
        return sign(claims, KID, UNTRUSTED.getPrivate());
    }

    /** A token signed by the trusted key but naming another key id. */
    public static String signWithKid(Map<String, Object> claims, String kid) {
        return sign(claims, kid, TRUSTED.getPrivate());
    }

    /** A token signed by the key Entra rotates to, under {@link #ROTATED_KID}: valid once the JWKS publishes it. */
    public static String signWithRotatedKey(Map<String, Object> claims) {
        return sign(claims, ROTATED_KID, ROTATED.getPrivate());
    }

    /** A token signed by a key the JWKS does not publish, under a key id it does not publish either. */
    public static String signWithUnknownKey(Map<String, Object> claims, String kid) {
        return sign(claims, kid, UNTRUSTED.getPrivate());
    }

    public static String jwks() {
        return jwksOf(Map.of(KID, (RSAPublicKey) TRUSTED.getPublic()));
    }

    /** The JWKS after Entra rotated keys: the trusted key and the new one ({@link #ROTATED_KID}). */
    public static String jwksWithRotatedKey() {
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        keys.put(KID, (RSAPublicKey) TRUSTED.getPublic());
        keys.put(ROTATED_KID, (RSAPublicKey) ROTATED.getPublic());
        return jwksOf(keys);
    }

    private static String jwksOf(Map<String, RSAPublicKey> keys) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        List<Map<String, Object>> jwks = new java.util.ArrayList<>();
        keys.forEach((kid, pub) -> {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("kty", "RSA");
            key.put("use", "sig");
            key.put("kid", kid);
            key.put("n", b64.encodeToString(unsigned(pub.getModulus().toByteArray())));
            key.put("e", b64.encodeToString(unsigned(pub.getPublicExponent().toByteArray())));
            jwks.add(key);
        });
        try {
            return JSON.writeValueAsString(Map.of("keys", jwks));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(Map<String, Object> claims, String kid, PrivateKey key) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String header = b64.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", kid)));
            String payload = b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
