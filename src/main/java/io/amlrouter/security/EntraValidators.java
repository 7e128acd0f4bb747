package io.amlrouter.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Builds a {@link JwtValidator} for tokens of one Entra tenant. */
public final class EntraValidators {

    private EntraValidators() {
    }

    /**
     * @param authorityHost e.g. https://login.microsoftonline.com
     * @param jwksUrl where the keys are published; defaults to the tenant's v2.0 keys document
     * @param issuers accepted issuers; defaults to the tenant's v1 and v2 issuers
     */
    public static JwtValidator forTenant(String tenant, String authorityHost, Optional<URI> jwksUrl,
            Optional<List<String>> issuers, List<String> audiences, Optional<String> requiredRole, Duration clockSkew,
            Duration refetchCooldown) {
        String host = authorityHost.replaceAll("/+$", "");
        URI keys = jwksUrl.orElse(URI.create(host + "/" + tenant + "/discovery/v2.0/keys"));
        List<String> accepted = issuers.orElse(List.of("https://sts.windows.net/" + tenant + "/", host + "/" + tenant + "/v2.0"));
        Jwks jwks = new Jwks(keys, Clock.systemUTC(), Duration.ofHours(24), refetchCooldown);
        return new JwtValidator(jwks, new JwtValidator.Expectations(accepted, audiences,
                requiredRole.filter(r -> !r.isBlank()), clockSkew), Clock.systemUTC());
    }
}
