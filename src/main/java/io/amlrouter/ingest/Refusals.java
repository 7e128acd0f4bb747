package io.amlrouter.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.observability.RateLimitedLog;
import io.vertx.core.Vertx;

/**
 * The log lines of refused deliveries, rate-limited ({@link RateLimitedLog}): per kind of refusal the
 * first line of each {@code ingest.refusal-log-interval} in full, then one summary line with the count.
 * A kind is the answer, the reason and the subscription ({@code aeg-subscription-name}), so a wrong key
 * at one subscription does not hide another's. Never a key or a token: the reasons do not carry them.
 */
@ApplicationScoped
public class Refusals {

    private static final Logger LOG = Logger.getLogger(Refusals.class);
    /** Distinct kinds logged on their own per interval; the rest share one kind. */
    static final int MAX_KINDS = 64;
    /** A subscription name longer than this is cut in the log (the header is the caller's to choose). */
    static final int MAX_SUBSCRIPTION_CHARS = 128;

    private final RateLimitedLog log;
    private final Vertx vertx;
    private final long timer;

    public Refusals(IngestConfig config, Vertx vertx) {
        this.log = new RateLimitedLog(LOG, config.refusalLogInterval(), MAX_KINDS, System::nanoTime);
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(Math.max(1, config.refusalLogInterval().toMillis()), id -> log.flush());
    }

    /** 401: missing or wrong key or token. */
    void unauthorized(String subscription, String reason) {
        String line = "Refused a delivery" + from(subscription) + " with 401 unauthorized: " + reason;
        log.log(Logger.Level.INFO, line, line);
    }

    /** 403: a CloudEvents handshake from an origin not allowed. */
    void forbiddenOrigin(String origin) {
        String line = "Refused the CloudEvents handshake with 403 from origin " + clip(origin)
                + " (not in ingest.handshake.allowed-origins)";
        log.log(Logger.Level.INFO, line, line);
    }

    /** 400: a delivery that will never be valid. */
    void invalid(String subscription, String slug, String reason) {
        log.log(Logger.Level.INFO, "Refused a delivery" + from(subscription) + " with 400 " + slug,
                "Refused a delivery" + from(subscription) + " with 400 " + slug + ": " + reason);
    }

    /** 503 overloaded. {@code detail} varies per delivery; the kind does not. */
    void overloaded(String detail) {
        log.log(Logger.Level.WARN, "Overloaded: refused deliveries with 503", "Overloaded: " + detail);
    }

    /** 503: the credential could not be checked now (Entra signing keys unreachable). */
    void authUnavailable(String reason) {
        log.log(Logger.Level.WARN, "Cannot check the deliveries' credentials now (503)",
                "Cannot check the delivery's credential now (503): " + reason);
    }

    @PreDestroy
    void close() {
        vertx.cancelTimer(timer);
        log.flushAll();
    }

    private static String from(String subscription) {
        return subscription == null || subscription.isBlank() ? " (no aeg-subscription-name)"
                : " from subscription " + clip(subscription);
    }

    /** Cut to a bounded length, control characters replaced, since headers are the caller's to choose. */
    static String clip(String value) {
        String v = value.length() > MAX_SUBSCRIPTION_CHARS ? value.substring(0, MAX_SUBSCRIPTION_CHARS) + "…" : value;
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
