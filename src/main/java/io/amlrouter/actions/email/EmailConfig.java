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
     * How long one SMTP session may take once it has one of the {@link #maxConnections()}: connecting, TLS,
     * login, envelope and data must be done within it, or the session is dropped before the final {@code .}
     * and the relay delivers nothing; each reply of the relay (the one to the final {@code .} included) is
     * waited for at most this long. The time a mail waits for a connection is not counted
     * ({@link #queueWait()}). A cut or timed-out send is a transient failure: the event is redelivered.
     * Defaults to 15s.
     */
    @WithDefault("15s")
    Duration sendTimeout();

    /**
     * How many SMTP sessions the email actions hold at once: the number of mails in flight. A mail beyond it
     * waits in a queue for a free connection. Defaults to 10.
     */
    @WithDefault("10")
    int maxConnections();

    /**
     * How long a mail may wait for one of the {@link #maxConnections()}. A mail still waiting then is never
     * sent by this attempt: it fails transiently and the redelivery sends it. Keep
     * {@code queue-wait + send-timeout} at or below {@code ingest.deadline}, so a mail's outcome is known
     * when its event is answered. Defaults to 5s.
     */
    @WithDefault("5s")
    Duration queueWait();

    /**
     * How many mails may wait for a connection; one more fails transiently at once (the event is answered
     * 503 and redelivered). Defaults to 100.
     */
    @WithDefault("100")
    int maxQueued();

    /** Where mails go. */
    enum Delivery {
        SMTP,
        LOG
    }
}
