package io.amlrouter.actions.http;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.azure.AzureCredentials;
import io.amlrouter.azure.AzureTrust;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * Builds the actions' Quarkus REST clients alike: the connect and read timeouts of
 * {@code actions.http}, no redirects (a redirect is a rejected answer: it could lead anywhere), no
 * exception for error statuses (every answer is sorted by {@link Outbound}), and the JDK's trusted
 * certificates plus {@code azure.trust-store}.
 */
@ApplicationScoped
public class RestClients {

    private final ActionsConfig.Http config;
    private final AzureTrust trust;

    public RestClients(ActionsConfig config, AzureCredentials azure) {
        this.config = config.http();
        this.trust = azure.trust();
    }

    public <T> T build(Class<T> api, URI baseUri) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUri)
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .disableDefaultMapper(true)
                .userAgent("aml-event-router");
        trust.keyStore().ifPresent(ks -> builder.trustStore(ks, AzureTrust.COMBINED_PASSWORD));
        return builder.build(api);
    }
}
