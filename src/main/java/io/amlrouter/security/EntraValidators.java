package io.amlrouter.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Builds a {@link JwtValidator} for the tokens of one Entra tenant. */
public final class EntraValidators {

    private EntraValidators() {
    }

    /**
     * The validator the settings describe, or empty when no tenant is configured.
     *
     * @param prefix the configuration prefix, for error messages (e.g. {@code ingest.auth.entra})
     * @param defaultRole the role required when the settings name none
     */
    public static Optional<JwtValidator> from(EntraSettings settings, String prefix, String defaultRole) {
        Optional<String> tenant = settings.tenantId().filter(t -> !t.isBlank());
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        List<String> audiences = settings.audiences().orElse(List.of());
        if (audiences.isEmpty()) {
            String env = prefix.toUpperCase().replace('.', '_').replace('-', '_');
            throw new ConfigurationException(prefix + ".tenant-id is set but " + prefix + ".audiences is not (" + env
                    + "_AUDIENCES): list the app's application id and/or application id URI.");
        }
        String host = settings.authorityHost().replaceAll("/+$", "");
        URI keys = settings.jwksUrl().orElse(URI.create(host + "/" + tenant.get() + "/discovery/v2.0/keys"));
        List<String> issuers = settings.issuers()
                .orElse(List.of("https://sts.windows.net/" + tenant.get() + "/", host + "/" + tenant.get() + "/v2.0"));
        Jwks jwks = new Jwks(keys, Clock.systemUTC(), Duration.ofHours(24), settings.jwksRefetchCooldown());
        String role = settings.requiredRole().orElse(defaultRole);
        return Optional.of(new JwtValidator(jwks, new JwtValidator.Expectations(issuers, audiences,
                Optional.of(role).filter(r -> !r.isBlank()), settings.clockSkew()), Clock.systemUTC()));
    }
}
