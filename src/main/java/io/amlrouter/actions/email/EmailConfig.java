package io.amlrouter.actions.email;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the {@code email} actions deliver. The SMTP server itself is configured as Quarkus' mailer:
 * {@code quarkus.mailer.host}, {@code port}, {@code from}, {@code username}, {@code password},
 * {@code start-tls}, {@code tls} ({@code QUARKUS_MAILER_*}, in Kubernetes from the Secret). The recipient
 * cap is {@code rules.max-recipients}, because the loader enforces it.
 */
@ConfigMapping(prefix = "email")
public interface EmailConfig {

    /**
     * {@code smtp} sends through the mailer; {@code log} writes each rendered mail (recipients, subject,
     * text part) to the log and sends nothing. Defaults to smtp when the operator set
     * {@code quarkus.mailer.host} (environment, system property, application.yml or any other
     * configuration source; the mailer's built-in default does not count), log otherwise.
     */
    Optional<Delivery> delivery();

    /**
     * How long one SMTP send may take (connect, TLS, dialogue, data) before it counts as a transient
     * failure and the event is redelivered. Defaults to 15s.
     */
    @WithDefault("15s")
    Duration sendTimeout();

    /** Where mails go. */
    enum Delivery {
        SMTP,
        LOG
    }
}
