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

    /**
     * Accepted audiences ({@code aud}): list both the app's application (client) id and its application id
     * URI. A v2 token's {@code aud} is always the client id, whatever the caller asked for; a v1 token's is
     * the identifier the caller asked for (Event Grid asks for the one the subscription names, which may be
     * either). Required with a tenant.
     */
    Optional<List<String>> audiences();

    /**
     * The applications whose tokens are accepted, by the token's caller: {@code appid} in v1 tokens,
     * {@code azp} in v2 tokens. For ingest this defaults to Event Grid's first-party applications,
     * {@code 4962773b-9cdb-44cf-a8bf-237846a00ab7} (public cloud) and
     * {@code 54316b56-3481-47f9-8f30-0300f5542a7b} (Azure Government): the role is also held by whoever
     * created the subscription, whose own tokens must not deliver events. For the admin endpoints it
     * defaults to any caller holding the role.
     */
    Optional<List<String>> allowedCallers();

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
     * Accepted issuers. Defaults to both Entra forms for the tenant, following the authority host: v1
     * tokens https://sts.windows.net/{tenant}/ and v2 tokens {authority-host}/{tenant}/v2.0 (public cloud,
     * Azure Government); in Azure China (authority host https://login.chinacloudapi.cn or
     * https://login.partner.microsoftonline.cn) https://sts.chinacloudapi.cn/{tenant}/ and
     * https://login.partner.microsoftonline.cn/{tenant}/v2.0.
     */
    Optional<List<String>> issuers();

    /**
     * The least time between two fetches of the signing keys caused by tokens naming an unknown key id
     * (Entra rotates keys; made-up key ids must not flood it). Defaults to 1m.
     */
    @WithDefault("1m")
    Duration jwksRefetchCooldown();

    /**
     * The most one fetch of the signing keys may take, from waiting for a connection to the last byte of
     * the answer; past it the check is unavailable (503, retried by the caller), never refused. Defaults to 10s.
     */
    @WithDefault("10s")
    Duration jwksFetchTimeout();

    /** Tolerated clock difference on expiry and not-before. Defaults to 5m. */
    @WithDefault("5m")
    Duration clockSkew();
}
