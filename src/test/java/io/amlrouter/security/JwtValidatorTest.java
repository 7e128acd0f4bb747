package io.amlrouter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpServer;

import io.amlrouter.support.TestTokens;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * The token check against a JWKS endpoint whose answers the test controls: what jose4j refuses is a 401
 * with our messages, keys that cannot be fetched are a 503, a rotated key is accepted after exactly one
 * refetch, unknown key ids refetch at most once per cooldown, and after a fetch each caller resumes on its
 * own Vert.x context.
 */
class JwtValidatorTest {

    static Vertx vertx;
    static HttpServer server;
    static final AtomicInteger fetches = new AtomicInteger();
    static volatile String body;
    static volatile int status;
    /** When set, the endpoint answers only once the latch is released. */
    static volatile CountDownLatch gate;

    final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/keys", exchange -> {
            fetches.incrementAndGet();
            CountDownLatch g = gate;
            try {
                if (g != null && !g.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void serveTrustedKey() {
        body = TestTokens.jwks();
        status = 200;
        gate = null;
        fetches.set(0);
    }

    @AfterEach
    void openGate() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    @Test
    void aTokenOfAnUnknownKeyIs401AndAForgedOneToo() {
        JwtValidator validator = validator(Duration.ZERO);
        assertThat(check(validator, TestTokens.signWithUnknownKey(TestTokens.eventGridClaims(), "someone-elses-key")))
                .isEqualTo(new TokenCheck.Invalid("token signed with unknown key \"someone-elses-key\""));
        assertThat(check(validator, TestTokens.signWithUntrustedKey(TestTokens.eventGridClaims())))
                .isEqualTo(new TokenCheck.Invalid("bad signature"));
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    void keysThatCannotBeFetchedOnACacheMissAre503NotA401() {
        JwtValidator validator = validator(Duration.ZERO);
        status = 503;
        TokenCheck down = check(validator, TestTokens.sign(TestTokens.eventGridClaims()));
        assertThat(down).isInstanceOf(TokenCheck.Unavailable.class);
        assertThat(((TokenCheck.Unavailable) down).reason()).contains("HTTP 503").contains("/keys");
        body = "{\"not\":\"a key set\"}";
        status = 200;
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Unavailable.class);
        body = TestTokens.jwks();
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    void keysUnreachableOverTlsAre503() {
        // WireMock's own certificate, which the JDK does not trust: the fetch fails, and that is no 401.
        WireMockServer tls = new WireMockServer(WireMockConfiguration.options().dynamicPort().dynamicHttpsPort());
        tls.start();
        try {
            tls.stubFor(WireMock.get("/keys").willReturn(WireMock.okJson(TestTokens.jwks())));
            JwtValidator validator = new JwtValidator(new Jwks(vertx, URI.create("https://localhost:" + tls.httpsPort() + "/keys"),
                    clock, Duration.ofHours(24), Duration.ZERO, Duration.ofSeconds(10)), expectations(), clock);
            assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Unavailable.class);
            assertThat(tls.getAllServeEvents()).isEmpty();
        } finally {
            tls.stop();
        }
    }

    @Test
    void aRotatedKeyIsAcceptedAfterExactlyOneRefetch() {
        JwtValidator validator = validator(Duration.ofMinutes(1));
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(fetches).hasValue(1);
        body = TestTokens.jwksWithRotatedKey();
        clock.advance(Duration.ofMinutes(2)); // the last fetch is older than the cooldown
        assertThat(check(validator, TestTokens.signWithRotatedKey(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(fetches).hasValue(2);
        assertThat(check(validator, TestTokens.signWithRotatedKey(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void unknownKeyIdsRefetchAtMostOncePerCooldown() {
        JwtValidator validator = validator(Duration.ofMinutes(1));
        assertThat(check(validator, TestTokens.signWithKid(TestTokens.eventGridClaims(), "made-up-1"))).isInstanceOf(TokenCheck.Invalid.class);
        assertThat(check(validator, TestTokens.signWithKid(TestTokens.eventGridClaims(), "made-up-2"))).isInstanceOf(TokenCheck.Invalid.class);
        clock.advance(Duration.ofSeconds(59));
        assertThat(check(validator, TestTokens.signWithKid(TestTokens.eventGridClaims(), "made-up-3"))).isInstanceOf(TokenCheck.Invalid.class);
        assertThat(fetches).hasValue(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(check(validator, TestTokens.signWithKid(TestTokens.eventGridClaims(), "made-up-4")))
                .isEqualTo(new TokenCheck.Invalid("token signed with unknown key \"made-up-4\""));
        assertThat(fetches).hasValue(2);
    }

    @Test
    void staleKeysAreKeptWhileTheEndpointIsDown() {
        JwtValidator validator = validator(Duration.ZERO);
        assertThat(check(validator, TestTokens.sign(TestTokens.eventGridClaims()))).isInstanceOf(TokenCheck.Valid.class);
        status = 500;
        clock.advance(Duration.ofHours(25));
        assertThat(check(validator, token(c -> {
            c.put("iat", clock.instant().getEpochSecond());
            c.put("nbf", clock.instant().getEpochSecond());
            c.put("exp", clock.instant().plusSeconds(3600).getEpochSecond());
        }))).isInstanceOf(TokenCheck.Valid.class);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void refusedClaimsAre401WithTheirReasonAndCostNoFetch() {
        JwtValidator validator = validator(Duration.ZERO);
        assertThat(check(validator, token(c -> c.put("aud", "api://someone-else"))))
                .isEqualTo(new TokenCheck.Invalid("audience [api://someone-else] is not accepted"));
        assertThat(check(validator, token(c -> c.put("iss", "https://sts.windows.net/another-tenant/"))))
                .isEqualTo(new TokenCheck.Invalid("issuer \"https://sts.windows.net/another-tenant/\" is not accepted"));
        assertThat(check(validator, token(c -> c.remove("iss")))).isEqualTo(new TokenCheck.Invalid("issuer \"\" is not accepted"));
        assertThat(check(validator, token(c -> c.put("exp", clock.instant().minusSeconds(301).getEpochSecond()))))
                .isEqualTo(new TokenCheck.Invalid("token expired"));
        assertThat(check(validator, token(c -> c.put("nbf", clock.instant().plusSeconds(301).getEpochSecond()))))
                .isEqualTo(new TokenCheck.Invalid("token not yet valid"));
        assertThat(check(validator, token(c -> c.remove("exp")))).isEqualTo(new TokenCheck.Invalid("token has no expiry"));
        assertThat(check(validator, token(c -> c.put("roles", List.of("SomethingElse")))))
                .isEqualTo(new TokenCheck.Invalid("token lacks the role " + TestTokens.ROLE));
        assertThat(check(validator, "a.b")).isEqualTo(new TokenCheck.Invalid("not a signed JWT"));
        assertThat(check(validator, "e30.e30.")).isEqualTo(new TokenCheck.Invalid("unsupported signing algorithm \"\""));
        assertThat(check(validator, "!!.??.xx")).isEqualTo(new TokenCheck.Invalid("malformed token"));
        assertThat(fetches).hasValue(0);
        // within the skew
        assertThat(check(validator, token(c -> {
            c.put("iat", clock.instant().minusSeconds(3600).getEpochSecond());
            c.put("nbf", clock.instant().minusSeconds(3600).getEpochSecond());
            c.put("exp", clock.instant().minusSeconds(299).getEpochSecond());
        }))).isInstanceOf(TokenCheck.Valid.class);
    }

    /**
     * A JWKS endpoint that takes the connection (the kernel completes the handshake) and never answers:
     * the check is unavailable once the fetch bound passes, and the abandoned request gives the client's
     * one pooled connection back, so the next fetch is bounded too instead of waiting for it.
     */
    @Test
    void aFetchThatGetsNoAnswerIsUnavailableOnceItsBoundPasses() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/keys");
            try (JwtValidator validator = new JwtValidator(new Jwks(vertx, url, clock, Duration.ofHours(24), Duration.ZERO,
                    Duration.ofMillis(300)), expectations(), clock)) {
                String token = TestTokens.sign(TestTokens.eventGridClaims());
                for (int attempt = 0; attempt < 2; attempt++) {
                    TokenCheck check = assertTimeoutPreemptively(Duration.ofSeconds(5),
                            () -> validator.check(token).await().indefinitely());
                    assertThat(check).isInstanceOf(TokenCheck.Unavailable.class);
                    assertThat(((TokenCheck.Unavailable) check).reason()).contains(url.toString());
                }
            }
        }
    }

    /**
     * On a thread that is no Vert.x thread, {@code Vertx.currentContext()} comes from a thread local shared
     * by every Vert.x instance in the JVM and may name a context of a Vert.x that is closed (in a test run
     * many come and go): the caller still gets its answer, where the fetch completed.
     */
    @Test
    void aCallerOnAPlainThreadGetsItsAnswerWhenTheThreadNamesAContextOfAClosedVertx() throws Exception {
        Vertx closed = Vertx.vertx();
        ContextInternal stale = (ContextInternal) closed.getOrCreateContext();
        closed.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ExecutorService plain = Executors.newSingleThreadExecutor();
        try (JwtValidator validator = validator(Duration.ofMinutes(1))) {
            String token = TestTokens.sign(TestTokens.eventGridClaims());
            TokenCheck check = plain.submit(() -> {
                ContextInternal previous = stale.beginDispatch();
                try {
                    return validator.check(token).await().atMost(Duration.ofSeconds(5));
                } finally {
                    stale.endDispatch(previous);
                }
            }).get(10, TimeUnit.SECONDS);
            assertThat(check).isInstanceOf(TokenCheck.Valid.class);
        } finally {
            plain.shutdownNow();
        }
    }

    /**
     * Two requests miss the key cache at once on two Vert.x contexts: they share one fetch, started on the
     * first one's context, and each continues on its own context, never on an HTTP client's thread.
     */
    @Test
    void afterAKeyCacheMissEachCallerResumesOnItsOwnVertxContext() throws Exception {
        JwtValidator validator = validator(Duration.ZERO);
        gate = new CountDownLatch(1);
        // two requests on one event loop, each on its own duplicated context, as Quarkus serves them
        Context eventLoop = vertx.getOrCreateContext();
        Context first = VertxContext.createNewDuplicatedContext(eventLoop);
        Context second = VertxContext.createNewDuplicatedContext(eventLoop);
        assertThat(first).isNotSameAs(second);
        CompletableFuture<Context> resumedFirst = new CompletableFuture<>();
        CompletableFuture<Context> resumedSecond = new CompletableFuture<>();
        CompletableFuture<TokenCheck> checkSecond = new CompletableFuture<>();
        String token = TestTokens.sign(TestTokens.eventGridClaims());
        first.runOnContext(v -> validator.check(token).subscribe().with(check -> resumedFirst.complete(Vertx.currentContext()),
                resumedFirst::completeExceptionally));
        awaitFetches(1);
        second.runOnContext(v -> validator.check(token).subscribe().with(check -> {
            checkSecond.complete(check);
            resumedSecond.complete(Vertx.currentContext());
        }, resumedSecond::completeExceptionally));
        // a context runs its tasks in order: once this one ran, the second check waits for the first's fetch
        CompletableFuture<Void> secondWaiting = new CompletableFuture<>();
        second.runOnContext(v -> secondWaiting.complete(null));
        secondWaiting.get(10, TimeUnit.SECONDS);
        gate.countDown();
        assertThat(resumedFirst.get(10, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(resumedSecond.get(10, TimeUnit.SECONDS)).isSameAs(second);
        assertThat(checkSecond.get()).isInstanceOf(TokenCheck.Valid.class);
        assertThat(fetches).hasValue(1);
    }

    private static void awaitFetches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fetches.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the keys were not fetched");
            }
            Thread.onSpinWait();
        }
    }

    private JwtValidator validator(Duration cooldown) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/keys");
        return new JwtValidator(new Jwks(vertx, url, clock, Duration.ofHours(24), cooldown, Duration.ofSeconds(10)),
                expectations(), clock);
    }

    private static JwtValidator.Expectations expectations() {
        return new JwtValidator.Expectations(List.of("https://sts.windows.net/" + TestTokens.TENANT + "/"),
                List.of(TestTokens.APP_ID_URI, TestTokens.APP_ID), Optional.of(TestTokens.ROLE),
                List.of(TestTokens.EVENT_GRID_APP), Duration.ofMinutes(5));
    }

    private String token(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.eventGridClaims();
        change.accept(claims);
        return TestTokens.sign(claims);
    }

    private static TokenCheck check(JwtValidator validator, String token) {
        return validator.check(token).await().atMost(Duration.ofSeconds(30));
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
