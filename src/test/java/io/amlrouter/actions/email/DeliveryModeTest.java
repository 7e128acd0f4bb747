package io.amlrouter.actions.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;

/**
 * SMTP or log: an explicit {@code email.delivery} wins; otherwise SMTP exactly when the operator set
 * {@code quarkus.mailer.host}, wherever (environment, system property, application.yml), and never
 * because of the mailer's built-in {@code localhost} default. Sources are built like Quarkus builds them,
 * with their real ordinals.
 */
class DeliveryModeTest {

    /** The mailer's own default, as Quarkus registers it. */
    static Config config(ConfigSource... sources) {
        return new SmallRyeConfigBuilder().withDefaultValue("quarkus.mailer.host", "localhost").withSources(sources)
                .build();
    }

    @Test
    void withNoHostConfiguredMailsGoToTheLog() {
        DeliveryMode mode = DeliveryMode.decide(Optional.empty(), config());
        assertThat(mode.delivery()).isEqualTo(EmailConfig.Delivery.LOG);
        assertThat(mode.reason()).isEqualTo("quarkus.mailer.host (QUARKUS_MAILER_HOST) is not set");
    }

    @Test
    void aHostFromTheEnvironmentMeansSmtp() {
        DeliveryMode mode = DeliveryMode.decide(Optional.empty(),
                config(new EnvConfigSource(Map.of("QUARKUS_MAILER_HOST", "smtp.contoso.com"), 300)));
        assertThat(mode.delivery()).isEqualTo(EmailConfig.Delivery.SMTP);
        assertThat(mode.reason()).isEqualTo("quarkus.mailer.host is set (EnvConfigSource)");
    }

    @Test
    void aHostFromASystemPropertyOrTheApplicationConfigMeansSmtp() {
        assertThat(DeliveryMode.decide(Optional.empty(), config(new PropertiesConfigSource(
                Map.of("quarkus.mailer.host", "smtp.contoso.com"), "SysPropConfigSource", 400))).delivery())
                .isEqualTo(EmailConfig.Delivery.SMTP);
        assertThat(DeliveryMode.decide(Optional.empty(), config(new YamlConfigSource("application.yml",
                "quarkus:\n  mailer:\n    host: smtp.contoso.com\n", 255))).delivery())
                .isEqualTo(EmailConfig.Delivery.SMTP);
    }

    @Test
    void localhostCountsWhenTheOperatorWroteIt() {
        assertThat(DeliveryMode.decide(Optional.empty(),
                config(new EnvConfigSource(Map.of("QUARKUS_MAILER_HOST", "localhost"), 300))).delivery())
                .isEqualTo(EmailConfig.Delivery.SMTP);
    }

    @Test
    void aBlankHostIsNotAHost() {
        assertThat(DeliveryMode.decide(Optional.empty(),
                config(new EnvConfigSource(Map.of("QUARKUS_MAILER_HOST", " "), 300))).delivery())
                .isEqualTo(EmailConfig.Delivery.LOG);
    }

    @Test
    void anExplicitChoiceWins() {
        Config withHost = config(new EnvConfigSource(Map.of("QUARKUS_MAILER_HOST", "smtp.contoso.com"), 300));
        DeliveryMode log = DeliveryMode.decide(Optional.of(EmailConfig.Delivery.LOG), withHost);
        assertThat(log.delivery()).isEqualTo(EmailConfig.Delivery.LOG);
        assertThat(log.reason()).isEqualTo("email.delivery=log");
        assertThat(DeliveryMode.decide(Optional.of(EmailConfig.Delivery.SMTP), config()).delivery())
                .isEqualTo(EmailConfig.Delivery.SMTP);
    }
}
