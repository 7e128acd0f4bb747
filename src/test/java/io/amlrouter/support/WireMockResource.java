package io.amlrouter.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server for the whole test run, on plain HTTP and on HTTPS with a certificate made at
 * test time by keytool (azure-identity refuses plain-HTTP authorities). It stands in for the Entra
 * signing-key endpoint (JWKS), the Entra token endpoint ({@link #AZURE_TENANT}, client-secret
 * credential, one token for the whole run), Azure Resource Manager and webhook receivers. The rules
 * file the tests run with is {@code testdata/service-rules.yaml} with its stand-in hosts
 * ({@link #HOST_PLACEHOLDER}, {@link #IP_HOST_PLACEHOLDER}) replaced by this server's HTTPS origins, since
 * rules file URLs are fixed and the port is only known now. Tests register stubs on {@link #server()}
 * and remove them after.
 */
public class WireMockResource implements QuarkusTestResourceLifecycleManager {

    public static final String STORE_PASSWORD = "changeit";
    /** The tenant of the test credential (azure.tenant-id). */
    public static final String AZURE_TENANT = "3f2a9c41-6b7d-4e58-a0c1-9d8e7f6a5b4c";
    /** The client id of the test credential (azure.client-id). */
    public static final String AZURE_CLIENT = "8c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    /** The access token the Entra stub issues. */
    public static final String ARM_TOKEN = "test-arm-access-token";
    /** Stands for {@link #httpsUrl()} in the test rules file. */
    public static final String HOST_PLACEHOLDER = "https://wiremock.invalid";
    /** Stands for {@link #httpsIpUrl()} (a second origin on the same server) in the test rules file. */
    public static final String IP_HOST_PLACEHOLDER = "https://wiremock-ip.invalid";

    /** What the tests allow of the special addresses: loopback, where this server listens. */
    public static final String LOOPBACK = "127.0.0.0/8,::1";

    private static WireMockServer server;
    private static Path trustStore;
    private static StubMapping jwksStub;
    private static Path rules;

    public static WireMockServer server() {
        return server;
    }

    public static Path trustStore() {
        return trustStore;
    }

    public static String httpUrl() {
        return "http://localhost:" + server.port();
    }

    public static String httpsUrl() {
        return "https://localhost:" + server.httpsPort();
    }

    /** The same HTTPS server under another origin (the certificate names 127.0.0.1 too). */
    public static String httpsIpUrl() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    /** The Entra token endpoint of the test tenant. */
    public static String tokenPath() {
        return "/" + AZURE_TENANT + "/oauth2/v2.0/token";
    }

    public static String jwksPath() {
        return "/" + TestTokens.TENANT + "/discovery/v2.0/keys";
    }

    /** Serves the trusted test JWKS again (after a test replaced it). */
    public static void serveJwks() {
        serveJwks(TestTokens.jwks());
    }

    /** Serves {@code jwks} as the signing keys until {@link #serveJwks()}. */
    public static void serveJwks(String jwks) {
        if (jwksStub != null) {
            server.removeStub(jwksStub);
        }
        jwksStub = server.stubFor(jwksMapping().willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(jwks)));
    }

    /** How many times the signing keys were fetched so far. */
    public static int jwksFetches() {
        return server.countRequestsMatching(getRequestedFor(urlPathEqualTo(jwksPath())).build()).getCount();
    }

    /** Makes the JWKS endpoint fail until {@link #serveJwks()}. */
    public static void failJwks() {
        if (jwksStub != null) {
            server.removeStub(jwksStub);
        }
        jwksStub = server.stubFor(jwksMapping().willReturn(aResponse().withStatus(503)));
    }

    private static MappingBuilder jwksMapping() {
        return get(urlPathEqualTo(jwksPath())).atPriority(1);
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("wiremock-tls");
            Path keyStore = dir.resolve("server.p12");
            Path cert = dir.resolve("server.crt");
            trustStore = dir.resolve("trust.p12");
            keytool("-genkeypair", "-alias", "wm", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(),
                    "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            keytool("-exportcert", "-alias", "wm", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "wm", "-file", cert.toString(), "-keystore",
                    trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
            server = new WireMockServer(options().dynamicPort().dynamicHttpsPort()
                    .keystorePath(keyStore.toString()).keystorePassword(STORE_PASSWORD)
                    .keyManagerPassword(STORE_PASSWORD).keystoreType("PKCS12"));
            server.start();
            serveJwks();
            // Entra echoes the client's correlation id (MSAL logs a mismatch at every token request otherwise).
            server.stubFor(post(urlPathEqualTo(tokenPath())).atPriority(1).willReturn(okJson("{\"token_type\":\"Bearer\","
                    + "\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + ARM_TOKEN + "\"}")
                    .withHeader("client-request-id", "{{request.headers.client-request-id}}")
                    .withTransformers("response-template")));
            rules = dir.resolve("service-rules.yaml");
            Files.writeString(rules, TestData.text("service-rules.yaml").replace(HOST_PLACEHOLDER, httpsUrl())
                    .replace(IP_HOST_PLACEHOLDER, httpsIpUrl()));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start WireMock", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("ingest.auth.entra.tenant-id", TestTokens.TENANT);
        config.put("ingest.auth.entra.audiences", TestTokens.APP_ID_URI + "," + TestTokens.APP_ID);
        config.put("ingest.auth.entra.jwks-url", httpUrl() + jwksPath());
        config.put("ingest.auth.entra.jwks-refetch-cooldown", "0s");
        config.put("rules.path", rules.toString());
        // The receivers are this server on loopback, which outbound requests may not reach by default.
        config.put("rules.urls.allowed-private", LOOPBACK);
        config.put("azure.credential", "client-secret");
        config.put("azure.tenant-id", AZURE_TENANT);
        config.put("azure.client-id", AZURE_CLIENT);
        config.put("azure.client-secret", "test-client-secret");
        config.put("azure.authority-host", httpsUrl() + "/");
        config.put("azure.arm-endpoint", httpsUrl());
        config.put("azure.trust-store.path", trustStore.toString());
        config.put("azure.trust-store.password", STORE_PASSWORD);
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new java.util.ArrayList<>(List.of(keytool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
