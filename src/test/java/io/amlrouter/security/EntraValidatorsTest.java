package io.amlrouter.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.amlrouter.support.TestTokens;
import io.vertx.core.Vertx;

/**
 * Validators built from the Entra settings, checking real signed tokens against a JWKS served over HTTP:
 * the issuers follow the authority host (Azure China has its own), and only the allowed callers get in,
 * the refused one logged by its app id.
 */
class EntraValidatorsTest {

    static final String TENANT = TestTokens.TENANT;
    static HttpServer jwks;
    static Vertx vertx;

    final List<LogRecord> records = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    final Logger logger = Logger.getLogger(JwtValidator.class.getName());
    /** The validators a test built, closed after it (each holds an HTTP client). */
    final List<JwtValidator> built = new ArrayList<>();

    @BeforeAll
    static void serveJwks() throws Exception {
        vertx = Vertx.vertx();
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/keys", exchange -> {
            byte[] body = TestTokens.jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
    }

    @AfterAll
    static void stopJwks() {
        jwks.stop(0);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        built.forEach(JwtValidator::close);
    }

    @Test
    void azureChinaIssuersFollowFromEitherChinaAuthorityHost() {
        for (String host : List.of("https://login.chinacloudapi.cn", "https://login.partner.microsoftonline.cn/")) {
            JwtValidator validator = ingest(host);
            assertInstanceOf(TokenCheck.Valid.class, check(validator, c -> c.put("iss", "https://sts.chinacloudapi.cn/" + TENANT + "/")), host);
            assertInstanceOf(TokenCheck.Valid.class, check(validator,
                    c -> c.put("iss", "https://login.partner.microsoftonline.cn/" + TENANT + "/v2.0")), host);
            TokenCheck publicCloud = check(validator, c -> c.put("iss", "https://sts.windows.net/" + TENANT + "/"));
            assertTrue(publicCloud instanceof TokenCheck.Invalid i && i.reason().contains("issuer"), publicCloud.toString());
        }
    }

    @Test
    void publicAndGovernmentIssuersAreUnchanged() {
        assertEquals(List.of("https://sts.windows.net/" + TENANT + "/", "https://login.microsoftonline.com/" + TENANT + "/v2.0"),
                EntraValidators.defaultIssuers("https://login.microsoftonline.com", TENANT));
        assertEquals(List.of("https://sts.windows.net/" + TENANT + "/", "https://login.microsoftonline.us/" + TENANT + "/v2.0"),
                EntraValidators.defaultIssuers("https://login.microsoftonline.us", TENANT));
    }

    @Test
    void aRoleHolderThatIsNotEventGridIsRefusedAndLoggedByItsAppId() {
        String user = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
        String token = TestTokens.sign(withCaller(user));
        TokenCheck check = ingest("https://login.microsoftonline.com").check(token).await().atMost(Duration.ofSeconds(30));
        assertTrue(check instanceof TokenCheck.Invalid i && i.reason().contains(user), check.toString());
        List<String> lines = records.stream().map(EntraValidatorsTest::message).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains(user) && l.contains("4962773b-9cdb-44cf-a8bf-237846a00ab7")),
                lines.toString());
        for (String part : token.split("\\.")) {
            assertTrue(lines.stream().noneMatch(l -> l.contains(part)), lines.toString());
        }
    }

    @Test
    void theAdminValidatorAcceptsAnyCallerUnlessTold() {
        JwtValidator admin = keep(EntraValidators.from(vertx, settings("https://login.microsoftonline.com", Optional.empty()),
                "admin.auth.entra", TestTokens.ROLE, List.of()).orElseThrow());
        assertInstanceOf(TokenCheck.Valid.class, check(admin, c -> c.put("appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46")));
        JwtValidator restricted = keep(EntraValidators.from(vertx, settings("https://login.microsoftonline.com",
                Optional.of(List.of("11111111-2222-3333-4444-555555555555"))), "admin.auth.entra", TestTokens.ROLE, List.of())
                .orElseThrow());
        assertInstanceOf(TokenCheck.Invalid.class, check(restricted, c -> c.put("appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46")));
        assertInstanceOf(TokenCheck.Valid.class, check(restricted, c -> c.put("appid", "11111111-2222-3333-4444-555555555555")));
    }

    private static Map<String, Object> withCaller(String appId) {
        Map<String, Object> claims = TestTokens.eventGridClaims();
        claims.put("appid", appId);
        return claims;
    }

    private JwtValidator ingest(String host) {
        return keep(EntraValidators.from(vertx, settings(host, Optional.empty()), "ingest.auth.entra", TestTokens.ROLE,
                EntraValidators.EVENT_GRID_APPS).orElseThrow());
    }

    private JwtValidator keep(JwtValidator validator) {
        built.add(validator);
        return validator;
    }

    private static TokenCheck check(JwtValidator validator, Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = TestTokens.eventGridClaims();
        change.accept(claims);
        return validator.check(TestTokens.sign(claims)).await().atMost(Duration.ofSeconds(30));
    }

    private static String message(LogRecord r) {
        return r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
                : String.format(r.getMessage(), r.getParameters());
    }

    private static EntraSettings settings(String host, Optional<List<String>> callers) {
        URI keys = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys");
        return new EntraSettings() {
            @Override
            public Optional<String> tenantId() {
                return Optional.of(TENANT);
            }

            @Override
            public Optional<List<String>> audiences() {
                return Optional.of(List.of(TestTokens.APP_ID_URI, TestTokens.APP_ID));
            }

            @Override
            public Optional<List<String>> allowedCallers() {
                return callers;
            }

            @Override
            public Optional<String> requiredRole() {
                return Optional.empty();
            }

            @Override
            public String authorityHost() {
                return host;
            }

            @Override
            public Optional<URI> jwksUrl() {
                return Optional.of(keys);
            }

            @Override
            public Optional<List<String>> issuers() {
                return Optional.empty();
            }

            @Override
            public Duration jwksRefetchCooldown() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration jwksFetchTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofMinutes(5);
            }
        };
    }
}
