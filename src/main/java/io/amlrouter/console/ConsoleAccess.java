package io.amlrouter.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;

import io.amlrouter.observability.RateLimitedLog;
import io.amlrouter.security.AdminConfig;
import io.amlrouter.security.SharedKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * Who may use the console: a sign-in with one of the admin keys ({@code admin.auth.keys}, the same keys as the JSON
 * admin API), or with a Microsoft Entra account holding the app role ({@link EntraSignInResource}), opens a session
 * ({@link ConsoleSessions}); pages without a valid session send the browser to the sign-in
 * page, and a POST without the session's CSRF token is refused with 403. Failed sign-ins are counted
 * ({@code console.logins{result="failure"}}) and logged, at most one line a minute plus a count of the rest.
 */
@ApplicationScoped
public class ConsoleAccess {

    private static final Logger LOG = Logger.getLogger(ConsoleAccess.class);

    /** The login page. */
    public static final URI LOGIN = URI.create("/console/login");

    private final SharedKeys keys;
    private final ConsoleSessions sessions;
    private final ConsoleConfig config;
    private final RateLimitedLog failures;
    private final Counter succeeded;
    private final Counter failed;
    private final Vertx vertx;
    private final long timer;

    public ConsoleAccess(AdminConfig admin, ConsoleSessions sessions, ConsoleConfig config, MeterRegistry metrics,
            Vertx vertx) {
        this.keys = new SharedKeys(admin.auth().keys().orElse(List.of()));
        this.sessions = sessions;
        this.config = config;
        this.vertx = vertx;
        this.failures = new RateLimitedLog(LOG, Duration.ofMinutes(1), 16, System::nanoTime);
        this.timer = vertx.setPeriodic(60_000, id -> failures.flush());
        this.succeeded = Counter.builder("console.logins").description("Sign-ins to the web console, by result")
                .tag("result", "success").register(metrics);
        this.failed = Counter.builder("console.logins").description("Sign-ins to the web console, by result")
                .tag("result", "failure").register(metrics);
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
        failures.flushAll();
    }

    /** Whether any admin key is configured (else the key form cannot succeed, and the login page says so). */
    public boolean keysConfigured() {
        return !keys.isEmpty();
    }

    /** The session a request's cookie carries, if valid. */
    public Optional<ConsoleSessions.Session> session(String cookie) {
        return sessions.verify(cookie);
    }

    /** Checks a submitted admin key; a session when it is one of the admin keys. */
    public Optional<ConsoleSessions.Session> signIn(String key, String from) {
        if (key != null && keys.matches(key.trim())) {
            succeeded.increment();
            ConsoleSessions.Session s = sessions.open("admin key");
            LOG.infof("Console sign-in with an admin key from %s", from);
            return Optional.of(s);
        }
        failed.increment();
        failures.log(Logger.Level.WARN, "Failed console sign-ins (wrong admin key)",
                "Failed console sign-in from " + from + ": the key is not an admin key (admin.auth.keys)");
        return Optional.empty();
    }

    /**
     * A session for a Microsoft Entra user whose ID token (checked by quarkus-oidc) carries the app role; {@code user}
     * is the account's name as the token gives it.
     */
    public ConsoleSessions.Session signInWithEntra(String user, String from) {
        succeeded.increment();
        String who = printable(user) + " (Microsoft Entra)";
        LOG.infof("Console sign-in of %s from %s", who, from);
        return sessions.open(who);
    }

    /** A Microsoft Entra user without the app role: counted and logged as a failed sign-in, no session. */
    public void refuseEntra(String user, String role, String from) {
        failed.increment();
        failures.log(Logger.Level.WARN, "Failed console sign-ins (Microsoft Entra account without the app role)",
                "Failed console sign-in from " + from + ": the Microsoft Entra account " + printable(user)
                        + " does not hold the app role " + role);
    }

    /** A name fit for the session cookie's payload (no separator, no control characters) and a log line. */
    static String printable(String user) {
        String s = user == null ? "" : user.replaceAll("[\\p{Cntrl}|]", "").trim();
        if (s.isEmpty()) {
            return "unnamed account";
        }
        return s.length() > 120 ? s.substring(0, 120) : s;
    }

    /** The session cookie: HttpOnly, SameSite=Strict, path /console, Secure over HTTPS (or when forced). */
    public NewCookie cookie(ConsoleSessions.Session s, UriInfo uri) {
        return cookie(sessions.cookieValue(s), (int) sessions.ttlSeconds(), uri);
    }

    /** A cookie that removes the session cookie (logout). */
    public NewCookie expired(UriInfo uri) {
        return cookie("", 0, uri);
    }

    private NewCookie cookie(String value, int maxAge, UriInfo uri) {
        boolean secure = config.session().forceSecure() || "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path("/console").maxAge(maxAge)
                .httpOnly(true).secure(secure).sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** Ends a session (logout). */
    public void end(ConsoleSessions.Session s) {
        sessions.end(s);
    }

    /** The session's CSRF token for its forms. */
    public String csrf(ConsoleSessions.Session s) {
        return sessions.csrfToken(s);
    }

    public boolean csrfMatches(ConsoleSessions.Session s, String submitted) {
        return sessions.csrfMatches(s, submitted);
    }

    /** The answer to a page request without a session: to the sign-in page. */
    public static Response toLogin() {
        return Response.seeOther(LOGIN).build();
    }
}
