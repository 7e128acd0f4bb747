package io.amlrouter.ingest.eventhubs;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.jboss.logging.Logger;

import com.azure.core.credential.AccessToken;

import io.amlrouter.azure.AzureCredentials;
import io.quarkus.arc.Arc;

/**
 * Kafka's OAUTHBEARER login with the service's own Azure identity ({@link AzureCredentials}: workload
 * identity on AKS, a client secret, or whatever DefaultAzureCredential finds), for the scope of the Event
 * Hubs namespace ({@code https://<namespace>.servicebus.windows.net/.default}, the JAAS option
 * {@code scope}). Kafka's login refreshes the token before it expires by calling this again; tokens are
 * never logged. Kafka instantiates this class itself, so the credentials come from the CDI container.
 */
public class EntraTokenCallbackHandler implements AuthenticateCallbackHandler {

    private static final Logger LOG = Logger.getLogger(EntraTokenCallbackHandler.class);

    private String scope;

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        for (AppConfigurationEntry entry : jaasConfigEntries) {
            Object s = entry.getOptions().get(EventHubsKafkaConfig.SCOPE_OPTION);
            if (s != null) {
                scope = s.toString();
            }
        }
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("the OAUTHBEARER JAAS configuration names no " + EventHubsKafkaConfig.SCOPE_OPTION);
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerTokenCallback tokenCallback) {
                try {
                    tokenCallback.token(token());
                } catch (RuntimeException e) {
                    LOG.warnf("No Entra token for %s: %s", scope, e.getMessage());
                    tokenCallback.error("token_unavailable", "no Entra token for " + scope + ": " + e.getMessage(), null);
                }
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    private OAuthBearerToken token() {
        AzureCredentials credentials = Arc.container().instance(AzureCredentials.class).get();
        AccessToken token = credentials.tokenSync(scope);
        long now = System.currentTimeMillis();
        long expires = token.getExpiresAt().toInstant().toEpochMilli();
        LOG.debugf("Entra token for %s, valid until %s", scope, token.getExpiresAt());
        String value = token.getToken();
        String scopeValue = scope;
        return new OAuthBearerToken() {
            @Override
            public String value() {
                return value;
            }

            @Override
            public Set<String> scope() {
                return Set.of(scopeValue);
            }

            @Override
            public long lifetimeMs() {
                return expires;
            }

            @Override
            public String principalName() {
                return "aml-event-router";
            }

            @Override
            public Long startTimeMs() {
                return now;
            }
        };
    }

    @Override
    public void close() {
        // Nothing held: the credential belongs to the service.
    }
}
