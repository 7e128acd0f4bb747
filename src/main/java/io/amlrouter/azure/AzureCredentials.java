package io.amlrouter.azure;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.vertx.VertxHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The service's one Azure identity and its ARM access token. The configuration is checked at startup
 * (no network call: the service starts with no Azure configured at all); the azure-identity credential
 * is built on first use. Tokens are cached and refreshed before they expire (azure-core's
 * {@link SimpleTokenCache}: refreshed five minutes ahead, one request at a time). Entra ID is reached
 * through azure-core's Vert.x HTTP client on Quarkus' own Vert.x, trusting {@link AzureTrust}.
 * Tokens are never logged.
 */
@Startup
@ApplicationScoped
public class AzureCredentials {

    private static final Logger LOG = Logger.getLogger(AzureCredentials.class);

    private final AzureConfig config;
    private final Vertx vertx;
    private final AzureTrust trust;
    private final URI armEndpoint;
    private final String armScope;
    private volatile SimpleTokenCache armTokens;
    private volatile TokenCredential shared;

    public AzureCredentials(AzureConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
        this.armEndpoint = withoutTrailingSlash(config.armEndpoint());
        this.armScope = armEndpoint + "/.default";
        verify(config);
        this.trust = AzureTrust.load(config.trustStore());
        LOG.infof("Azure: ARM %s (token scope %s), credential %s%s", armEndpoint, armScope,
                config.credential().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                trust.keyStore().isPresent() ? ", extra trusted certificates from azure.trust-store.path" : "");
    }

    /** Azure Resource Manager's base URL, without a trailing slash. */
    public URI armEndpoint() {
        return armEndpoint;
    }

    /** The scope of ARM tokens: {@code {arm-endpoint}/.default}. */
    public String armScope() {
        return armScope;
    }

    /** What outbound HTTPS trusts. */
    public AzureTrust trust() {
        return trust;
    }

    /** A valid ARM access token (cached; fetched or refreshed off the event loop when needed). */
    public Uni<String> armToken() {
        SimpleTokenCache cache = armTokens();
        return Uni.createFrom().completionStage(() -> cache.getToken().toFuture()).map(AccessToken::getToken);
    }

    private SimpleTokenCache armTokens() {
        SimpleTokenCache cache = armTokens;
        if (cache == null) {
            synchronized (this) {
                cache = armTokens;
                if (cache == null) {
                    TokenCredential credential = credential();
                    TokenRequestContext request = new TokenRequestContext().addScopes(armScope);
                    // MSAL and the Azure CLI block: never on an event-loop thread.
                    Scheduler worker = Schedulers.fromExecutor(Infrastructure.getDefaultWorkerPool());
                    cache = new SimpleTokenCache(() -> Mono.fromCallable(() -> credential.getTokenSync(request))
                            .subscribeOn(worker));
                    armTokens = cache;
                }
            }
        }
        return cache;
    }

    /**
     * A token of another scope than ARM's from the same identity, fetched now (blocking: never call it on an
     * event-loop thread). For clients that cache and refresh tokens themselves, such as Kafka's OAUTHBEARER
     * login (the Event Hubs ingest).
     */
    public AccessToken tokenSync(String scope) {
        TokenCredential credential = shared;
        if (credential == null) {
            synchronized (this) {
                if (shared == null) {
                    shared = credential();
                }
                credential = shared;
            }
        }
        return credential.getTokenSync(new TokenRequestContext().addScopes(scope));
    }

    private TokenCredential credential() {
        HttpClientOptions options = new HttpClientOptions();
        trust.trustManagers().ifPresent(tmf -> options.setTrustOptions(io.vertx.core.net.TrustOptions.wrap(tmf)));
        HttpClient http = new VertxHttpClientBuilder().vertx(vertx).httpClientOptions(options).build();
        if (config.credential() == AzureConfig.CredentialMode.CLIENT_SECRET) {
            ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().httpClient(http)
                    .tenantId(config.tenantId().get()).clientId(config.clientId().get())
                    .clientSecret(config.clientSecret().get());
            config.authorityHost().ifPresent(host -> builder.authorityHost(host).disableInstanceDiscovery());
            LOG.infof("Azure credential: client secret of application %s in tenant %s", config.clientId().get(),
                    config.tenantId().get());
            return builder.build();
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().httpClient(http);
        config.authorityHost().ifPresent(builder::authorityHost);
        config.tenantId().ifPresent(builder::tenantId);
        config.clientId().ifPresent(id -> builder.managedIdentityClientId(id).workloadIdentityClientId(id));
        LOG.infof("Azure credential: DefaultAzureCredential%s",
                config.clientId().map(id -> " (client id " + id + ")").orElse(""));
        return builder.build();
    }

    /** Cross-field rules, checked without any network call. */
    static void verify(AzureConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.credential() == AzureConfig.CredentialMode.CLIENT_SECRET) {
            if (config.tenantId().isEmpty()) {
                problems.add("azure.tenant-id (AZURE_TENANT_ID) is required");
            }
            if (config.clientId().isEmpty()) {
                problems.add("azure.client-id (AZURE_CLIENT_ID) is required");
            }
            if (config.clientSecret().isEmpty()) {
                problems.add("azure.client-secret (AZURE_CLIENT_SECRET) is required");
            }
        }
        config.authorityHost().ifPresent(host -> {
            if (!host.toLowerCase(Locale.ROOT).startsWith("https://")) {
                problems.add("azure.authority-host must be an https:// URL, got " + host);
            }
        });
        String scheme = config.armEndpoint().getScheme();
        if (scheme == null || !scheme.equalsIgnoreCase("https") || config.armEndpoint().getHost() == null) {
            problems.add("azure.arm-endpoint must be an https:// URL (tokens are only sent over HTTPS), got "
                    + config.armEndpoint());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Azure configuration is invalid (" + AzureConfig.CREDENTIAL + "="
                    + config.credential().name().toLowerCase(Locale.ROOT).replace('_', '-') + "): "
                    + String.join("; ", problems)
                    + ". Without Azure actions, leave azure.* unset: the default credential is only used on demand.");
        }
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }
}
