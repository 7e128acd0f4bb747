package io.amlrouter.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;

/** Builds a {@link JwtValidator} for the tokens of one Entra tenant. */
public final class EntraValidators {

    /**
     * Event Grid's first-party applications, the callers of its secure-webhook deliveries: public cloud and
     * Azure Government (Microsoft's script "Secure WebHook delivery with Microsoft Entra user/app in Azure
     * Event Grid", {@code $eventGridAppId}).
     */
    public static final List<String> EVENT_GRID_APPS = List.of("4962773b-9cdb-44cf-a8bf-237846a00ab7",
            "54316b56-3481-47f9-8f30-0300f5542a7b");

    /** Authority hosts of Azure China (21Vianet), whose tokens have their own issuers. */
    private static final Set<String> CHINA_HOSTS = Set.of("https://login.chinacloudapi.cn",
            "https://login.partner.microsoftonline.cn");

    private EntraValidators() {
    }

    /**
     * The validator the settings describe, or empty when no tenant is configured.
     *
     * @param vertx the Vert.x instance the signing keys are fetched on
     * @param prefix the configuration prefix, for error messages (e.g. {@code ingest.auth.entra})
     * @param defaultRole the role required when the settings name none
     * @param defaultCallers the callers ({@code appid}/{@code azp}) accepted when the settings name none;
     *            empty for any
     */
    public static Optional<JwtValidator> from(Vertx vertx, EntraSettings settings, String prefix, String defaultRole,
            List<String> defaultCallers) {
        Optional<String> tenant = settings.tenantId().filter(t -> !t.isBlank());
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        List<String> audiences = settings.audiences().orElse(List.of());
        if (audiences.isEmpty()) {
            String env = prefix.toUpperCase().replace('.', '_').replace('-', '_');
            throw new ConfigurationException(prefix + ".tenant-id is set but " + prefix + ".audiences is not (" + env
                    + "_AUDIENCES): list the app's application (client) id and its application id URI.");
        }
        String host = settings.authorityHost().replaceAll("/+$", "");
        URI keys = settings.jwksUrl().orElse(URI.create(host + "/" + tenant.get() + "/discovery/v2.0/keys"));
        List<String> issuers = settings.issuers().orElse(defaultIssuers(host, tenant.get()));
        List<String> callers = settings.allowedCallers().orElse(defaultCallers);
        Jwks jwks = new Jwks(vertx, keys, Clock.systemUTC(), Duration.ofHours(24), settings.jwksRefetchCooldown(),
                settings.jwksFetchTimeout());
        String role = settings.requiredRole().orElse(defaultRole);
        return Optional.of(new JwtValidator(jwks, new JwtValidator.Expectations(issuers, audiences,
                Optional.of(role).filter(r -> !r.isBlank()), callers, settings.clockSkew()), Clock.systemUTC()));
    }

    /**
     * The v1 and v2 issuers of the tenant's tokens in the cloud of {@code authorityHost}: Azure China has
     * its own v1 host and a v2 host that may differ from the authority host it is reached by; elsewhere
     * (public cloud, Azure Government) v1 tokens name sts.windows.net and v2 tokens the authority host.
     */
    static List<String> defaultIssuers(String authorityHost, String tenant) {
        if (CHINA_HOSTS.contains(authorityHost.toLowerCase(Locale.ROOT))) {
            return List.of("https://sts.chinacloudapi.cn/" + tenant + "/",
                    "https://login.partner.microsoftonline.cn/" + tenant + "/v2.0");
        }
        return List.of("https://sts.windows.net/" + tenant + "/", authorityHost + "/" + tenant + "/v2.0");
    }
}
