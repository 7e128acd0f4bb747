package io.amlrouter.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Console session cookies: signed, expiring, ended by logout; CSRF tokens bound to one session. */
class ConsoleSessionsTest {

    static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    static ConsoleConfig.Session config(Optional<String> secret) {
        return new ConsoleConfig.Session() {
            @Override
            public Duration ttl() {
                return Duration.ofHours(8);
            }

            @Override
            public Optional<String> secret() {
                return secret;
            }

            @Override
            public boolean forceSecure() {
                return false;
            }
        };
    }

    static ConsoleSessions at(Instant now, Optional<String> secret) {
        return new ConsoleSessions(config(secret), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aCookieIsValidUntilItExpires() {
        ConsoleSessions sessions = at(T0, Optional.empty());
        ConsoleSessions.Session s = sessions.open("admin key");
        String cookie = sessions.cookieValue(s);
        assertThat(sessions.verify(cookie)).contains(s);
        assertThat(s.expires()).isEqualTo(T0.plus(Duration.ofHours(8)));
        assertThat(sessions.verify(cookie).orElseThrow().who()).isEqualTo("admin key");
    }

    @Test
    void anExpiredCookieIsRefusedEvenWithTheSameKey() {
        String secret = "0123456789abcdef0123456789abcdef";
        ConsoleSessions then = at(T0, Optional.of(secret));
        String cookie = then.cookieValue(then.open("admin key"));
        assertThat(at(T0.plus(Duration.ofHours(8)).minusSeconds(1), Optional.of(secret)).verify(cookie)).isPresent();
        assertThat(at(T0.plus(Duration.ofHours(8)), Optional.of(secret)).verify(cookie)).isEmpty();
    }

    @Test
    void aSharedSecretLetsEveryReplicaAcceptTheCookieAndARandomKeyDoesNot() {
        String secret = "0123456789abcdef0123456789abcdef";
        ConsoleSessions a = at(T0, Optional.of(secret));
        String cookie = a.cookieValue(a.open("admin key"));
        assertThat(at(T0, Optional.of(secret)).verify(cookie)).isPresent();
        assertThat(at(T0, Optional.empty()).verify(cookie)).isEmpty();
        assertThat(at(T0, Optional.of(secret + "x")).verify(cookie)).isEmpty();
    }

    @Test
    void aTamperedCookieIsRefused() {
        ConsoleSessions sessions = at(T0, Optional.empty());
        ConsoleSessions.Session s = sessions.open("admin key");
        String cookie = sessions.cookieValue(s);
        String mac = cookie.substring(cookie.indexOf('.'));
        // a later expiry with the original signature
        String longer = Base64.getUrlEncoder().withoutPadding().encodeToString((s.id() + "|admin key|"
                + T0.plus(Duration.ofDays(365)).getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        for (String forged : new String[] { longer + mac, cookie + "A", cookie.substring(1), "", ".", "a.b", "x".repeat(2000),
                cookie.replace('.', '!') }) {
            assertThat(sessions.verify(forged)).as(forged).isEmpty();
        }
        assertThat(sessions.verify(null)).isEmpty();
    }

    @Test
    void logoutEndsOneSession() {
        ConsoleSessions sessions = at(T0, Optional.empty());
        ConsoleSessions.Session a = sessions.open("admin key");
        ConsoleSessions.Session b = sessions.open("admin key");
        sessions.end(a);
        assertThat(sessions.verify(sessions.cookieValue(a))).isEmpty();
        assertThat(sessions.verify(sessions.cookieValue(b))).isPresent();
    }

    @Test
    void theCsrfTokenBelongsToOneSession() {
        ConsoleSessions sessions = at(T0, Optional.empty());
        ConsoleSessions.Session a = sessions.open("admin key");
        ConsoleSessions.Session b = sessions.open("admin key");
        assertThat(a.id()).isNotEqualTo(b.id());
        String token = sessions.csrfToken(a);
        assertThat(sessions.csrfMatches(a, token)).isTrue();
        assertThat(sessions.csrfMatches(b, token)).isFalse();
        assertThat(sessions.csrfMatches(a, null)).isFalse();
        assertThat(sessions.csrfMatches(a, "")).isFalse();
        assertThat(sessions.csrfMatches(a, token + "x")).isFalse();
        // not derivable without the key
        assertThat(at(T0, Optional.empty()).csrfToken(a)).isNotEqualTo(token);
    }

    @Test
    void aShortSecretIsAConfigurationError() {
        assertThatThrownBy(() -> at(T0, Optional.of("too-short"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("console.session.secret must be at least 32 characters");
    }
}
