package io.amlrouter.security;

import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.Use;
import org.jose4j.lang.JoseException;

import io.amlrouter.observability.OwnContext;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The signing keys of a token issuer, fetched from its JWKS document on Vert.x and cached. An unknown key
 * id triggers one refetch (Entra rotates keys), at most once per {@code refetchCooldown}, so a flood of
 * tokens with made-up key ids cannot turn into a flood of requests to the issuer. Concurrent misses share
 * one fetch, and each caller continues on its own Vert.x context (the request's), whichever request's
 * fetch it waited for. HTTPS trusts the JDK's certificates, hostnames verified.
 *
 * <p>A fetch is bounded end to end by {@code fetchTimeout}: waiting for the pool's one connection, connecting,
 * and the whole answer. Vert.x's own timeouts each cover one phase only (the client's connect timeout not
 * the wait for a pooled connection, the request's idle timeout not the time before the request is sent),
 * so a timer fails the fetch, and resets its request, when the bound passes: a fetch that cannot finish
 * makes the keys unavailable (503) instead of leaving the caller waiting for ever.
 *
 * <p>Every fetch runs on one event-loop context of its own ({@code home}), whichever thread asked for it: the
 * HTTP client's request, its answer and the body's read all happen there. Started from a thread outside
 * Vert.x (a test's main thread, a plain executor), the client put the request on a context made for that
 * thread, and in about one full test run in two the answer's end was handled before {@code body()} was
 * asked for, so the body never completed and the fetch ran into its bound (seen as
 * {@code trailers() != null} when the answer reached {@code compose}).
 */
public final class Jwks implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Jwks.class);

    private final URI url;
    private final Vertx vertx;
    private final HttpClient http;
    private final Context home;
    private final Duration fetchTimeout;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration refetchCooldown;

    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile Instant fetchedAt = Instant.EPOCH;
    private Future<Map<String, PublicKey>> inFlight;

    /**
     * @param fetchTimeout the most one fetch of the document may take, from asking the pool for a connection
     *            to the last byte of the answer
     */
    public Jwks(Vertx vertx, URI url, Clock clock, Duration maxAge, Duration refetchCooldown, Duration fetchTimeout) {
        this.url = url;
        this.vertx = vertx;
        this.clock = clock;
        this.maxAge = maxAge;
        this.refetchCooldown = refetchCooldown;
        this.fetchTimeout = fetchTimeout;
        this.home = VertxContext.getRootContext(vertx.getOrCreateContext());
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, fetchTimeout.toMillis())).setMaxPoolSize(1)
                .setVerifyHost(true));
    }

    /** Closes the HTTP client; a fetch in flight fails. */
    @Override
    public void close() {
        http.close();
    }

    /**
     * The key for {@code kid}: empty when the issuer does not publish it; fails with
     * {@link KeysUnavailable} when the document cannot be fetched and no cached copy has the key.
     */
    public Uni<Optional<PublicKey>> key(String kid) {
        Instant now = clock.instant();
        PublicKey cached = keys.get(kid);
        boolean stale = now.isAfter(fetchedAt.plus(maxAge));
        if (cached != null && !stale) {
            return Uni.createFrom().item(Optional.of(cached));
        }
        if (cached == null && !stale && now.isBefore(fetchedAt.plus(refetchCooldown))) {
            return Uni.createFrom().item(Optional.empty());
        }
        // a waiting caller resumes on the context it asked from (a request's duplicated context keeps its local data),
        // whichever request's fetch it waited for; a caller outside Vert.x where the fetch completes
        return Uni.createFrom().deferred(() -> UniHelper.toUni(refresh()).emitOn(OwnContext.currentOnVertxThread()))
                .map(fresh -> Optional.ofNullable(fresh.get(kid)))
                .onFailure().recoverWithUni(error -> {
                    if (cached != null) {
                        LOG.warnf("Could not refresh signing keys from %s, using the cached copy: %s", url, rootMessage(error));
                        return Uni.createFrom().item(Optional.of(cached));
                    }
                    return Uni.createFrom().failure(new KeysUnavailable(
                            "signing keys unavailable from " + url + ": " + rootMessage(error), error));
                });
    }

    /** The document cannot be fetched and no cached copy holds the key: the check is to be retried, never refused. */
    public static final class KeysUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private synchronized Future<Map<String, PublicKey>> refresh() {
        Future<Map<String, PublicKey>> running = inFlight;
        if (running != null && !running.isComplete()) {
            return running;
        }
        Promise<Map<String, PublicKey>> fetched = Promise.promise();
        home.runOnContext(ignored -> fetch(fetched));
        inFlight = fetched.future();
        return inFlight;
    }

    private void fetch(Promise<Map<String, PublicKey>> fetched) {
        long bound = Math.max(1, fetchTimeout.toMillis());
        // connect timeout: also the wait for the pool's connection; idle timeout: between bytes of the answer
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .putHeader("Accept", "application/json").setConnectTimeout(bound).setIdleTimeout(bound);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = vertx.setTimer(bound, ignored -> {
            if (fetched.tryFail(new TimeoutException("no answer within " + fetchTimeout))) {
                HttpClientRequest req = sent.get();
                if (req != null) {
                    req.reset();
                }
            }
        });
        http.request(request)
                .compose(req -> {
                    sent.set(req);
                    return req.send();
                })
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : Future.<Buffer>failedFuture("HTTP " + response.statusCode()))
                .map(body -> parse(body.toString()))
                .onComplete(result -> {
                    vertx.cancelTimer(timer);
                    if (result.failed()) {
                        fetched.tryFail(result.cause());
                        return;
                    }
                    keys = result.result();
                    fetchedAt = clock.instant();
                    LOG.debugf("Fetched %d signing keys from %s", result.result().size(), url);
                    fetched.tryComplete(result.result());
                });
    }

    /** The RSA signing keys of the document, by key id; keys of other types or uses are skipped. */
    static Map<String, PublicKey> parse(String body) {
        try {
            Map<String, PublicKey> out = new HashMap<>();
            for (JsonWebKey k : new JsonWebKeySet(body).getJsonWebKeys()) {
                if (k instanceof RsaJsonWebKey rsa && k.getKeyId() != null
                        && (k.getUse() == null || Use.SIGNATURE.equals(k.getUse()))) {
                    out.put(k.getKeyId(), rsa.getPublicKey());
                }
            }
            return Map.copyOf(out);
        } catch (JoseException | RuntimeException e) {
            throw new IllegalStateException("not a JWKS document: " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
