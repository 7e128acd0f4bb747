package io.amlrouter.actions.email;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Mail delivery. The SMTP server itself is Quarkus' mailer: {@code quarkus.mailer.host}, {@code port},
 * {@code username}, {@code password}, {@code from}, {@code start-tls}, {@code tls}
 * ({@code QUARKUS_MAILER_*}, the password from a Secret).
 */
@ConfigMapping(prefix = "email")
public interface EmailConfig {

    /**
     * {@code smtp} sends through the mailer; {@code log} writes each rendered mail to the log instead.
     * Defaults to smtp when quarkus.mailer.host is configured, log otherwise.
     */
    Optional<Delivery> delivery();

    /** How long one SMTP send may take before it counts as a transient failure. Defaults to 15s. */
    @WithDefault("15s")
    Duration sendTimeout();

    enum Delivery {
        SMTP,
        LOG
    }
}
