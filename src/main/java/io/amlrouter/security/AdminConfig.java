package io.amlrouter.security;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may use the admin endpoints ({@code /rules}, {@code /rules/evaluate}, {@code /events/recent},
 * {@code /events/{id}}, {@code /events/{id}/replay}): a bearer key or an Entra token with an app role.
 * Never the ingest keys.
 */
@ConfigMapping(prefix = "admin")
public interface AdminConfig {

    Auth auth();

    interface Auth {
        /** Bearer keys ({@code Authorization: Bearer <key>}); several for rotation. {@code ADMIN_AUTH_KEYS}, comma-separated. No default. */
        Optional<List<String>> keys();

        /** Entra ID tokens for operators and automation (role defaults to AmlEventRouter.Admin). */
        EntraSettings entra();

        /** Development only: admin endpoints without a credential. Defaults to false (true in the dev profile). */
        @WithDefault("false")
        boolean allowUnauthenticated();
    }
}
