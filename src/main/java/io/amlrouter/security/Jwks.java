package io.amlrouter.security;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The signing keys of a token issuer, fetched from its JWKS document and cached. An unknown key id
 * triggers one refetch (Entra rotates keys), at most once per {@code refetchCooldown}, so a flood of
 * tokens with made-up key ids cannot turn into a flood of requests to the issuer.
 */
public final class Jwks {

    private static final Logger LOG = Logger.getLogger(Jwks.class);

    private final URI url;
    private final HttpClient http;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration refetchCooldown;
    private final ObjectMapper mapper = new ObjectMapper();

    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile Instant fetchedAt = Instant.EPOCH;
    private volatile CompletableFuture<Map<String, PublicKey>> inFlight;

    public Jwks(URI url, Clock clock, Duration maxAge, Duration refetchCooldown) {
        this.url = url;
        this.clock = clock;
        this.maxAge = maxAge;
        this.refetchCooldown = refetchCooldown;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The key for {@code kid}: empty when the issuer does not publish it; fails when the document
     * cannot be fetched and no cached copy has the key.
     */
    public CompletionStage<Optional<PublicKey>> key(String kid) {
        Instant now = clock.instant();
        PublicKey cached = keys.get(kid);
        boolean stale = now.isAfter(fetchedAt.plus(maxAge));
        if (cached != null && !stale) {
            return CompletableFuture.completedFuture(Optional.of(cached));
        }
        if (cached == null && !stale && now.isBefore(fetchedAt.plus(refetchCooldown))) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return refresh().handle((fresh, error) -> {
            if (error != null) {
                if (cached != null) {
                    LOG.warnf("Could not refresh signing keys from %s, using the cached copy: %s", url, error.getMessage());
                    return Optional.of(cached);
                }
                throw new IllegalStateException("signing keys unavailable from " + url + ": " + rootMessage(error), error);
            }
            return Optional.ofNullable(fresh.get(kid));
        });
    }

    private synchronized CompletableFuture<Map<String, PublicKey>> refresh() {
        CompletableFuture<Map<String, PublicKey>> running = inFlight;
        if (running != null && !running.isDone()) {
            return running;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET()
                .header("Accept", "application/json").build();
        CompletableFuture<Map<String, PublicKey>> next = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    Map<String, PublicKey> parsed = parse(response.body());
                    keys = parsed;
                    fetchedAt = clock.instant();
                    LOG.debugf("Fetched %d signing keys from %s", parsed.size(), url);
                    return parsed;
                });
        inFlight = next;
        return next;
    }

    private Map<String, PublicKey> parse(byte[] body) {
        try {
            JsonNode doc = mapper.readTree(body);
            Map<String, PublicKey> out = new HashMap<>();
            for (JsonNode k : doc.path("keys")) {
                if (!"RSA".equals(k.path("kty").asText()) || !k.hasNonNull("kid") || !k.hasNonNull("n")
                        || !k.hasNonNull("e")) {
                    continue;
                }
                if (k.hasNonNull("use") && !"sig".equals(k.path("use").asText())) {
                    continue;
                }
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.get("n").asText()));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.get("e").asText()));
                out.put(k.get("kid").asText(), KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
            }
            return Map.copyOf(out);
        } catch (Exception e) {
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
