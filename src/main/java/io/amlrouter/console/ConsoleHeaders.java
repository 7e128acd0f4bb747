package io.amlrouter.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The security headers of every console response (pages, their script and style sheet, errors): a strict
 * Content-Security-Policy (same-origin script and style files only, no inline code, no framing, forms post only
 * here), no framing, no referrer beyond the origin, no MIME sniffing, no caching of pages that show event data.
 */
@ApplicationScoped
public class ConsoleHeaders {

    /** The console's Content-Security-Policy. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    void install(@Observes Router router) {
        router.route("/console*").order(Integer.MIN_VALUE + 200).handler(ctx -> {
            ctx.response().headers()
                    .set("Content-Security-Policy", CSP)
                    .set("X-Frame-Options", "DENY")
                    .set("Referrer-Policy", "same-origin")
                    .set("X-Content-Type-Options", "nosniff")
                    .set("Cache-Control", "no-store");
            ctx.next();
        });
    }
}
