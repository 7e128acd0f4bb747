package io.amlrouter.actions.email;

import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Which way mails go, and why, decided once at startup. An explicit {@code email.delivery} wins.
 * Otherwise mails go to SMTP exactly when the operator set {@code quarkus.mailer.host}: the mailer
 * defaults the host to {@code localhost}, and a service that silently mails localhost:25 in a pod
 * loses every mail, while one that writes mails to the log says so at startup.
 *
 * @param delivery the mode
 * @param reason why, for the startup log line
 */
record DeliveryMode(EmailConfig.Delivery delivery, String reason) {

    static final String HOST = "quarkus.mailer.host";

    static DeliveryMode decide(Optional<EmailConfig.Delivery> explicit, Config config) {
        ConfigValue host = config.getConfigValue(HOST);
        if (explicit.isPresent()) {
            return new DeliveryMode(explicit.get(), "email.delivery=" + explicit.get().name().toLowerCase());
        }
        if (setByOperator(host)) {
            return new DeliveryMode(EmailConfig.Delivery.SMTP, HOST + " is set (" + host.getSourceName() + ")");
        }
        return new DeliveryMode(EmailConfig.Delivery.LOG, HOST + " (QUARKUS_MAILER_HOST) is not set");
    }

    /**
     * True when the value comes from a source someone configured: environment, system properties,
     * application.yml, a mounted Secret, and not from a built-in default (sources with a negative
     * ordinal, such as {@code DefaultValuesConfigSource}).
     */
    static boolean setByOperator(ConfigValue value) {
        return value != null && value.getRawValue() != null && !value.getRawValue().isBlank()
                && value.getSourceOrdinal() >= 0;
    }
}
