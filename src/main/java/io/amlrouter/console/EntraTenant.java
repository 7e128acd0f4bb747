package io.amlrouter.console;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.oidc.runtime.OidcTenantConfig.Roles;
import io.quarkus.oidc.runtime.OidcTenantConfig.TokenStateManager;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The OpenID Connect tenant of "Sign in with Microsoft" (quarkus-oidc's authorization code flow), built from
 * {@code console.entra.*} and applied to {@code /console/entra/*} only. quarkus-oidc's default tenant is off
 * ({@code quarkus.oidc.tenant-enabled=false}) and authentication is not proactive, so no other path (ingest, the
 * admin API, health, metrics, the key-based console) ever meets quarkus-oidc; without {@code console.entra.tenant-id}
 * this resolver answers nothing and no OIDC server is contacted. The tenant is created at the first sign-in (Entra's
 * discovery document is read then, not at start).
 *
 * <p>
 * quarkus-oidc's own session cookie ({@code q_session_console}, path /console/entra) lives for the one callback
 * request only: {@link EntraSignInResource} turns an ID token with the app role into a console session
 * ({@link ConsoleSessions}) and removes it.
 */
@ApplicationScoped
public class EntraTenant implements TenantConfigResolver {

    /** Where Entra sends the browser back (the redirect URI to register), and where signing in starts. */
    public static final String SIGN_IN = "/console/entra/sign-in";
    /** Where quarkus-oidc sends an error Entra answered (the user cancelled, consent refused). */
    public static final String ERROR = "/console/entra/error";
    /** The tenant's id: quarkus-oidc's cookies are q_auth_console and q_session_console. */
    public static final String TENANT = "console";

    private final Optional<OidcTenantConfig> tenant;
    private final String requiredRole;

    private final Template message;

    @Inject
    public EntraTenant(ConsoleConfig config, @Location("console/message.html") Template message) {
        this.tenant = build(config.entra(), config.session().forceSecure());
        this.requiredRole = config.entra().requiredRole();
        this.message = message;
    }

    /**
     * Without {@code console.entra.tenant-id}, /console/entra/* answers 404 (a page saying so) before any security
     * check, as it did before the feature existed: no challenge, no OIDC server.
     */
    void notConfigured(@Observes Router router) {
        if (tenant.isPresent()) {
            return;
        }
        router.route("/console/entra/*").order(Integer.MIN_VALUE + 300).handler(ctx -> ctx.response()
                .setStatusCode(404).putHeader("Content-Type", "text/html;charset=UTF-8")
                .end(message.data("nav", "").data("csrf", null).data("who", null).data("heading", "Not found")
                        .data("text", "Microsoft Entra sign-in is not configured on this service (console.entra.*).")
                        .render()));
    }

    /** Whether Microsoft Entra sign-in is configured (the sign-in page offers it). */
    public boolean enabled() {
        return tenant.isPresent();
    }

    /** The app role that opens a console session. */
    public String requiredRole() {
        return requiredRole;
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> request) {
        String path = context.normalizedPath();
        if (tenant.isEmpty() || path == null || !path.startsWith("/console/entra/")) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(tenant.get());
    }

    static Optional<OidcTenantConfig> build(ConsoleConfig.Entra entra, boolean forceSecure) {
        Optional<String> tenantId = entra.tenantId().map(String::trim).filter(s -> !s.isEmpty());
        if (tenantId.isEmpty()) {
            return Optional.empty();
        }
        String clientId = entra.clientId().map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(
                () -> new ConfigurationException("console.entra.tenant-id is set: console.entra.client-id is required too"));
        String secret = entra.clientSecret().filter(s -> !s.isBlank()).orElseThrow(
                () -> new ConfigurationException("console.entra.tenant-id is set: console.entra.client-secret is required too"));
        String host = entra.authorityHost().replaceAll("/+$", "");
        var builder = OidcTenantConfig.authServerUrl(host + "/" + tenantId.get() + "/v2.0")
                .tenantId(TENANT)
                .applicationType(ApplicationType.WEB_APP)
                .clientId(clientId)
                .credentials(secret)
                // Entra's app roles claim, in the ID token of a user assigned to a role of the app.
                .roles().source(Roles.Source.idtoken).roleClaimPath("roles").end()
                // Only the ID token is kept, and only for the callback request.
                .tokenStateManager().strategy(TokenStateManager.Strategy.ID_TOKEN).end()
                .authentication()
                .redirectPath(SIGN_IN)
                // The callback request itself is answered by EntraSignInResource: no second redirect.
                .removeRedirectParameters(false)
                .restorePathAfterRedirect(false)
                .errorPath(ERROR)
                .scopes(List.of("profile"))
                .cookiePath("/console/entra")
                .forceRedirectHttpsScheme(forceSecure)
                .cookieForceSecure(forceSecure)
                .end();
        entra.tlsConfigurationName().ifPresent(builder::tlsConfigurationName);
        return Optional.of(builder.build());
    }
}
