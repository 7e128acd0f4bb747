package io.amlrouter.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.oidc.runtime.OidcTenantConfig.Roles;
import io.quarkus.runtime.configuration.ConfigurationException;

/** How {@code console.entra.*} becomes quarkus-oidc's tenant, and what is refused at start. */
class EntraTenantTest {

    record Entra(Optional<String> tenantId, Optional<String> clientId, Optional<String> clientSecret,
            String requiredRole, String authorityHost, Optional<String> tlsConfigurationName)
            implements ConsoleConfig.Entra {

        static Entra of(String tenant, String client, String secret) {
            return new Entra(Optional.ofNullable(tenant), Optional.ofNullable(client), Optional.ofNullable(secret),
                    "AmlEventRouter.Admin", "https://login.microsoftonline.us/", Optional.empty());
        }
    }

    @Test
    void withoutATenantThereIsNoOidcTenant() {
        assertThat(EntraTenant.build(Entra.of(null, null, null), false)).isEmpty();
        assertThat(EntraTenant.build(Entra.of("  ", "client", "secret"), false)).isEmpty();
    }

    @Test
    void aTenantWithoutClientIdOrSecretStopsTheStartWithTheKeyToSet() {
        assertThatThrownBy(() -> EntraTenant.build(Entra.of("contoso.onmicrosoft.com", null, "s"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("console.entra.client-id");
        assertThatThrownBy(() -> EntraTenant.build(Entra.of("contoso.onmicrosoft.com", "c", " "), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("console.entra.client-secret");
    }

    @Test
    void theTenantIsAWebAppOfTheEntraV2AuthorityReadingTheRolesClaimOfTheIdToken() {
        OidcTenantConfig c = EntraTenant.build(Entra.of("contoso.onmicrosoft.com", "client-1", "secret"), true)
                .orElseThrow();
        assertThat(c.authServerUrl()).contains("https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0");
        assertThat(c.clientId()).contains("client-1");
        assertThat(c.tenantId()).contains(EntraTenant.TENANT);
        assertThat(c.applicationType()).contains(ApplicationType.WEB_APP);
        assertThat(c.roles().source()).contains(Roles.Source.idtoken);
        assertThat(c.roles().roleClaimPath()).contains(List.of("roles"));
        assertThat(c.authentication().redirectPath()).contains(EntraTenant.SIGN_IN);
        assertThat(c.authentication().cookiePath()).isEqualTo("/console/entra");
        // Behind an ingress that ends TLS (console.session.force-secure) the redirect URI is https too.
        assertThat(c.authentication().forceRedirectHttpsScheme()).contains(true);
    }
}
