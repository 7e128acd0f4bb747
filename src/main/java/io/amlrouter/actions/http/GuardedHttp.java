package io.amlrouter.actions.http;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.azure.AzureCredentials;
import io.amlrouter.rules.RulesConfig;
import io.amlrouter.rules.action.AddressPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * POSTs JSON to URLs of the rules file (webhooks, v1 pipeline endpoints) with the SSRF guard at connect time:
 * the host is resolved here, every address it resolves to is checked against {@link AddressPolicy}
 * ({@code rules.urls.allowed-private}), and the connection goes to the address that was checked, with the
 * URL's host name in {@code Host}, in TLS SNI and in the certificate check. Nothing resolves the name again
 * after the check, so a name that resolves to a public address when checked and to an internal one a moment
 * later (DNS rebinding) gains nothing. A refused address fails the attempt with {@link AddressRefused}.
 * <p>
 * The Vert.x HTTP client is used directly because the REST client resolves the host itself and cannot be
 * told which address to connect to. Like the REST clients of {@link RestClients}: the connect timeout of
 * {@code actions.http}, no redirects, the JDK's trusted certificates plus {@code azure.trust-store}.
 */
@ApplicationScoped
public class GuardedHttp {

    private final Vertx vertx;
    private final HttpClient client;
    private final AddressPolicy policy;
    private final long idleTimeoutMs;

    public GuardedHttp(Vertx vertx, RulesConfig rules, ActionsConfig actions, AzureCredentials azure) {
        this.vertx = vertx;
        this.policy = AddressPolicy.allowing(rules.urls().allowedPrivate().orElse(List.of()));
        this.idleTimeoutMs = actions.http().timeout().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) actions.http().connectTimeout().toMillis())
                .setVerifyHost(true)
                .setKeepAliveTimeout(30);
        azure.trust().trustManagers().ifPresent(tmf -> options.setTrustOptions(TrustOptions.wrap(tmf)));
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(50));
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }

    /** POSTs {@code body} (JSON) to {@code url}, which the rules file's checks accepted. */
    public Uni<HttpReply> post(URI url, Map<String, String> headers, String body) {
        String host = url.getHost();
        boolean https = url.getScheme().equalsIgnoreCase("https");
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        return resolve(host).chain(address -> {
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            RequestOptions request = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                    .setHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    .setPort(port)
                    .setSsl(https)
                    .setURI(path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
                    .setIdleTimeout(idleTimeoutMs)
                    .setFollowRedirects(false)
                    .putHeader("User-Agent", "aml-event-router")
                    .putHeader("Content-Type", "application/json");
            headers.forEach(request::putHeader);
            return client.request(request).chain(r -> r.send(body)).chain(GuardedHttp::read);
        });
    }

    /** The address to connect to: the first one the host resolves to, when none of them is refused. */
    Uni<InetAddress> resolve(String host) {
        Optional<InetAddress> literal = AddressPolicy.literal(host);
        if (literal.isPresent()) {
            return check(host, List.of(literal.get()));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> lookup(host)), false)
                .chain(addresses -> check(host, addresses));
    }

    private static List<InetAddress> lookup(String host) {
        try {
            return Arrays.asList(InetAddress.getAllByName(host));
        } catch (java.net.UnknownHostException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Uni<InetAddress> check(String host, List<InetAddress> addresses) {
        List<String> refusals = new ArrayList<>();
        for (InetAddress a : addresses) {
            policy.refusal(a).ifPresent(refusals::add);
        }
        if (!refusals.isEmpty()) {
            String names = AddressPolicy.literal(host).isPresent() ? "" : "host " + host + " resolves to a refused address: ";
            return Uni.createFrom().failure(new AddressRefused(names + String.join("; ", refusals)
                    + "; requests may not go there unless rules.urls.allowed-private covers it"));
        }
        return Uni.createFrom().item(addresses.get(0));
    }

    private static Uni<HttpReply> read(HttpClientResponse response) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : response.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), response.headers().getAll(name));
        }
        return response.body().map(b -> new HttpReply(response.statusCode(), headers,
                b.toString(StandardCharsets.UTF_8)));
    }
}
