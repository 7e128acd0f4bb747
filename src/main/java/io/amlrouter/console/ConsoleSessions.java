package io.amlrouter.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Console sessions as signed cookies: {@code base64url(sid|who|expiry) "." base64url(HMAC-SHA256(key, that))}.
 * The session id is 16 random bytes ({@link SecureRandom}); the key is {@code console.session.secret} or 32 random
 * bytes drawn at start. Nothing is stored per session, so any replica with the same key accepts it, except the
 * sessions ended by logout, remembered (until they would expire) by the replica that ended them.
 *
 * <p>
 * The CSRF token of a session is {@code HMAC-SHA256(key, "csrf|" + sid)}: a synchronizer token bound to the
 * session, carried by every console form and checked on every console POST ({@link #csrfMatches}).
 */
@ApplicationScoped
public class ConsoleSessions {

    /** The cookie's name (path {@code /console}). */
    public static final String COOKIE = "aer_console";

    /** A valid session: its id, who signed in (an admin key, or an Entra user) and until when. */
    public record Session(String id, String who, Instant expires) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String MAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final ConsoleConfig.Session config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> ended = new ConcurrentHashMap<>();

    @Inject
    public ConsoleSessions(ConsoleConfig config) {
        this(config.session(), Clock.systemUTC());
    }

    ConsoleSessions(ConsoleConfig.Session config, Clock clock) {
        this.config = config;
        this.clock = clock;
        byte[] secret;
        if (config.secret().isPresent()) {
            String s = config.secret().get();
            if (s.length() < 32) {
                throw new ConfigurationException("console.session.secret must be at least 32 characters; it has "
                        + s.length());
            }
            secret = s.getBytes(StandardCharsets.UTF_8);
        } else {
            secret = new byte[32];
            random.nextBytes(secret);
        }
        this.key = new SecretKeySpec(secret, MAC);
    }

    /** A new session for {@code who}; {@link #cookieValue} is what the browser keeps. */
    public Session open(String who) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new Session(B64.encodeToString(id), who, clock.instant().plus(config.ttl()));
    }

    /** The signed cookie value of a session. */
    public String cookieValue(Session s) {
        String payload = B64.encodeToString((s.id() + "|" + s.who() + "|" + s.expires().getEpochSecond())
                .getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(mac(payload));
    }

    /** The session a cookie value stands for: signed with our key, not expired and not ended by logout. */
    public Optional<Session> verify(String cookie) {
        if (cookie == null || cookie.length() > 1024) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String payload = cookie.substring(0, dot);
        byte[] given;
        String text;
        try {
            given = B64D.decode(cookie.substring(dot + 1));
            text = new String(B64D.decode(payload), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), given)) {
            return Optional.empty();
        }
        String[] parts = text.split("\\|", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(expires) || ended.containsKey(parts[0])) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[0], parts[1], expires));
    }

    /** Ends a session (logout): this replica refuses its cookie from now on. */
    public void end(Session s) {
        Instant now = clock.instant();
        ended.values().removeIf(until -> !now.isBefore(until));
        ended.put(s.id(), s.expires());
    }

    /** The session's CSRF token, for the hidden field of every console form. */
    public String csrfToken(Session s) {
        return B64.encodeToString(mac("csrf|" + s.id()));
    }

    /** Whether a submitted CSRF token is the session's (compared in constant time). */
    public boolean csrfMatches(Session s, String submitted) {
        return submitted != null && MessageDigest.isEqual(csrfToken(s).getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    /** The session's lifetime, for the cookie's Max-Age. */
    public long ttlSeconds() {
        return config.ttl().toSeconds();
    }

    private byte[] mac(String data) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
