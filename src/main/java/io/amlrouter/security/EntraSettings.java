package io.amlrouter.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Which Microsoft Entra ID tokens are accepted: a config group shared by ingest and admin authentication. */
public interface EntraSettings {

    /** The tenant that issues the tokens. Setting it turns Entra checking on. No default. */
    Optional<String> tenantId();

    /** Accepted audiences: the app's application id and/or application id URI. Required with a tenant. */
    Optional<List<String>> audiences();

    /**
     * The app role a token must carry. Defaults to AzureEventGridSecureWebhookSubscriber for ingest and
     * AmlEventRouter.Admin for the admin endpoints.
     */
    Optional<String> requiredRole();

    /** Entra's host; other clouds use e.g. https://login.microsoftonline.us. Defaults to https://login.microsoftonline.com. */
    @WithDefault("https://login.microsoftonline.com")
    String authorityHost();

    /** Where the signing keys are published. Defaults to {authority-host}/{tenant}/discovery/v2.0/keys. */
    Optional<URI> jwksUrl();

    /**
     * Accepted issuers. Defaults to both Entra forms for the tenant: https://sts.windows.net/{tenant}/
     * (v1 tokens) and {authority-host}/{tenant}/v2.0 (v2 tokens).
     */
    Optional<List<String>> issuers();

    /**
     * The least time between two fetches of the signing keys caused by tokens naming an unknown key id
     * (Entra rotates keys; made-up key ids must not flood it). Defaults to 1m.
     */
    @WithDefault("1m")
    Duration jwksRefetchCooldown();

    /** Tolerated clock difference on expiry and not-before. Defaults to 5m. */
    @WithDefault("5m")
    Duration clockSkew();
}
