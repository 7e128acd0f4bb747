package io.amlrouter.ingest;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.security.EntraValidators;
import io.amlrouter.security.JwtValidator;
import io.amlrouter.security.SharedKeys;
import io.amlrouter.security.TokenCheck;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;

/**
 * Decides whether a delivery comes from our Event Grid subscription: a shared key (query parameter
 * {@code key} or header {@code X-Event-Key}) or an Entra bearer token; either suffices when both are
 * configured. With neither configured the service refuses to start, unless the development switch is
 * on, and then says so loudly.
 */
@Startup
@ApplicationScoped
public class IngestAuthenticator {

    private static final Logger LOG = Logger.getLogger(IngestAuthenticator.class);

    private final SharedKeys keys;
    private final Optional<JwtValidator> entra;
    private final boolean open;

    public IngestAuthenticator(IngestConfig config, Vertx vertx) {
        IngestConfig.Auth auth = config.auth();
        this.keys = new SharedKeys(auth.keys().orElse(List.of()));
        this.entra = EntraValidators.from(vertx, auth.entra(), "ingest.auth.entra", "AzureEventGridSecureWebhookSubscriber",
                EntraValidators.EVENT_GRID_APPS);
        this.open = keys.isEmpty() && entra.isEmpty();
        if (open && !auth.allowUnauthenticated()) {
            throw new ConfigurationException("Ingest authentication is not configured. Set ingest.auth.keys "
                    + "(INGEST_AUTH_KEYS, comma-separated shared keys) and/or ingest.auth.entra.tenant-id with "
                    + "ingest.auth.entra.audiences (INGEST_AUTH_ENTRA_TENANT_ID, INGEST_AUTH_ENTRA_AUDIENCES). "
                    + "For local development only, ingest.auth.allow-unauthenticated=true turns the check off.");
        }
        if (open) {
            LOG.warn("""

                    ************************************************************************
                    *  INGEST AUTHENTICATION IS OFF: POST /events accepts anyone.          *
                    *  This is the development mode (ingest.auth.allow-unauthenticated).   *
                    *  Never run like this where Event Grid or anyone else can reach you.  *
                    ************************************************************************""");
        } else {
            LOG.infof("Ingest authentication: %d shared key(s)%s", keys.size(),
                    entra.isPresent() ? ", Entra ID tokens for tenant " + auth.entra().tenantId().get() : "");
        }
    }

    /** True when no credential is configured (development switch on). */
    public boolean isOpen() {
        return open;
    }

    CompletionStage<AuthDecision> authenticate(String queryKey, String headerKey, String authorization) {
        if (open) {
            return done(new AuthDecision.Allowed("development mode"));
        }
        boolean keyGiven = queryKey != null || headerKey != null;
        if (keyGiven && !keys.isEmpty() && (keys.matches(queryKey) | keys.matches(headerKey))) {
            return done(new AuthDecision.Allowed("shared key"));
        }
        String token = bearer(authorization);
        if (token != null && entra.isPresent()) {
            return entra.get().check(token).map(IngestAuthenticator::decision).subscribeAsCompletionStage();
        }
        if (keyGiven) {
            return done(new AuthDecision.Denied("the key is not valid"));
        }
        return done(new AuthDecision.Denied(entra.isPresent() && keys.isEmpty()
                ? "an Entra bearer token is required"
                : "a key (query parameter \"key\" or header X-Event-Key)" + (entra.isPresent() ? " or an Entra bearer token" : "")
                        + " is required"));
    }

    private static AuthDecision decision(TokenCheck check) {
        if (check instanceof TokenCheck.Valid v) {
            return new AuthDecision.Allowed("Entra token of " + v.appId());
        }
        if (check instanceof TokenCheck.Unavailable u) {
            return new AuthDecision.Unavailable(u.reason());
        }
        return new AuthDecision.Denied(((TokenCheck.Invalid) check).reason());
    }

    boolean expectsBearer() {
        return entra.isPresent();
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
    }

    private static CompletionStage<AuthDecision> done(AuthDecision d) {
        return CompletableFuture.completedFuture(d);
    }
}
