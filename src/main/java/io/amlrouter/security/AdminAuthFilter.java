package io.amlrouter.security;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.amlrouter.http.Problem;
import io.amlrouter.http.Problems;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Guards {@link AdminOnly} endpoints: {@code Authorization: Bearer} with an admin key or an Entra
 * token carrying the admin role. Without any admin credential configured the endpoints answer 401,
 * unless the development switch is on.
 */
@Startup
@ApplicationScoped
public class AdminAuthFilter {

    private static final Logger LOG = Logger.getLogger(AdminAuthFilter.class);

    private final SharedKeys keys;
    private final Optional<JwtValidator> entra;
    private final boolean open;
    private final boolean configured;

    public AdminAuthFilter(AdminConfig config, Vertx vertx) {
        AdminConfig.Auth auth = config.auth();
        this.keys = new SharedKeys(auth.keys().orElse(List.of()));
        this.entra = EntraValidators.from(vertx, auth.entra(), "admin.auth.entra", "AmlEventRouter.Admin", List.of());
        this.configured = !keys.isEmpty() || entra.isPresent();
        this.open = !configured && auth.allowUnauthenticated();
        if (open) {
            LOG.warn("ADMIN ENDPOINTS ARE OPEN (admin.auth.allow-unauthenticated): /rules and /events/* need no credential");
        } else if (!configured) {
            LOG.info("No admin credential configured (ADMIN_AUTH_KEYS or admin.auth.entra.*): admin endpoints answer 401");
        }
    }

    @ServerRequestFilter
    @AdminOnly
    public Uni<Response> check(ContainerRequestContext request) {
        if (open) {
            return Uni.createFrom().nullItem();
        }
        if (!configured) {
            return deny("no admin credential is configured on this service (ADMIN_AUTH_KEYS)");
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            return deny("an admin bearer credential is required");
        }
        if (keys.matches(token)) {
            return Uni.createFrom().nullItem();
        }
        if (entra.isPresent() && JwtValidator.compactJws(token)) {
            return entra.get().check(token).map(check -> {
                if (check instanceof TokenCheck.Valid) {
                    return null;
                }
                if (check instanceof TokenCheck.Unavailable u) {
                    return Problems.response(Problem.of(503, "auth-unavailable", "Credential check unavailable", u.reason())
                            .withRetryAfter(30));
                }
                return unauthorized(((TokenCheck.Invalid) check).reason());
            });
        }
        return deny("the admin credential is not valid");
    }

    private static Uni<Response> deny(String reason) {
        return Uni.createFrom().item(unauthorized(reason));
    }

    private static Response unauthorized(String reason) {
        return Response.fromResponse(Problems.response(Problem.of(401, "unauthorized", "Unauthorized", reason)))
                .header("WWW-Authenticate", "Bearer").build();
    }
}
