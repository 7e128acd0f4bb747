package io.amlrouter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;
import io.amlrouter.support.TestTokens;
import io.amlrouter.support.WireMockResource;

/**
 * No secret the service holds ever leaves it where it should not: the packaged jar runs with a known
 * value for each (two ingest keys, an admin key, the SMTP password, the Azure client secret, a webhook's
 * secret header) and sees every path that touches one: good and wrong keys, an Entra token and a forged
 * one, the rules and the dry run of a webhook rule, a mail sent after an SMTP login, an ARM call with the
 * bearer token it got for the client secret (and an ARM error), a webhook with its secret header (and a
 * receiver that echoes the header back in its error). Then none of the values, nor a bearer token, may be
 * in the process output, in any answer (rules, dry run, history, metrics, health), or in the spans it
 * exported (tracing on, OTLP to a stub).
 */
class SecretsIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String INGEST_KEY = "ingest-" + RUN + "-Kq8vZ2mX";
    static final String INGEST_KEY_2 = "ingest2-" + RUN + "-Wd4pL7nB";
    static final String ADMIN_KEY = "admin-" + RUN + "-Hs3tR9cY";
    static final String SMTP_PASSWORD = "smtp-" + RUN + "-Pz6uJ1eV";
    static final String CLIENT_SECRET = "azure-" + RUN + "-Ng5wQ8kT";
    static final String HOOK_SECRET = "hook-" + RUN + "-Lm2yF4xC";
    static final String ENTRA_TOKEN = TestTokens.sign(TestTokens.eventGridClaims());
    static final String FORGED_TOKEN = TestTokens.signWithUntrustedKey(TestTokens.eventGridClaims());

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static WireMockResource azure;
    static WireMockServer wm;
    static SmtpPeer smtp;
    static ServiceProcess service;
    /** Every answer the service gave, to search for secrets. */
    static final List<String> ANSWERS = new ArrayList<>();

    record Answer(int status, String body) {
    }

    @BeforeAll
    static void start() {
        azure = new WireMockResource();
        Map<String, String> props = new HashMap<>(azure.start());
        wm = WireMockResource.server();
        wm.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(ok()));
        smtp = SmtpPeer.startWithUser("router@contoso.com", "router", SMTP_PASSWORD);
        props.putAll(smtp.serviceProperties(
                Map.entry("ingest.auth.keys", INGEST_KEY + "," + INGEST_KEY_2),
                Map.entry("admin.auth.keys", ADMIN_KEY),
                Map.entry("azure.client-secret", CLIENT_SECRET),
                Map.entry("actions.secrets.test-hook-token", "Bearer " + HOOK_SECRET),
                Map.entry("quarkus.mailer.username", "router"),
                Map.entry("quarkus.mailer.password", SMTP_PASSWORD),
                Map.entry("quarkus.mailer.login", "REQUIRED"),
                Map.entry("actions.http.retry.budget", "1s"),
                Map.entry("actions.http.retry.initial-delay", "100ms"),
                // Tracing on, exported to the stub: spans must not carry secrets either.
                Map.entry("quarkus.otel.sdk.disabled", "false"),
                Map.entry("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf"),
                Map.entry("quarkus.otel.exporter.otlp.traces.endpoint", WireMockResource.httpUrl()),
                Map.entry("quarkus.otel.bsp.schedule.delay", "100ms")));
        service = ServiceProcess.start("secrets", List.of("-Xmx256m"), props);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { service, smtp }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (azure != null) {
            azure.stop();
        }
    }

    static Answer send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String all = r.headers().map() + "\n" + r.body();
            synchronized (ANSWERS) {
                // The request's own query (an ingest key) is not part of the answer.
                ANSWERS.add(method + " " + path.replaceAll("\\?.*", "") + " " + r.statusCode() + "\n" + all);
            }
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> json(String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        return h;
    }

    static Answer deliverWithQueryKey(String key, ObjectNode event) {
        return send("POST", "/events?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8),
                json(EventFixtures.contentType(event)), EventFixtures.delivery(event));
    }

    static Answer deliverWithHeader(String header, String value, ObjectNode event) {
        Map<String, String> h = json(EventFixtures.contentType(event));
        h.put(header, value);
        return send("POST", "/events", h, EventFixtures.delivery(event));
    }

    static Answer admin(String method, String path, String key, String contentType, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + key);
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        return send(method, path, h, body);
    }

    @Test
    void noSecretLeavesTheServiceThroughAnyPath() {
        List<String> ids = new ArrayList<>();

        // Ingest: both keys, in the query and in the header; wrong keys; an Entra token; a forged one;
        // an ingest key sent as a bearer token (the router must not echo what it refuses).
        ObjectNode mail = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        ids.add(mail.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, mail).status()).isEqualTo(200);
        assertThat(smtp.received()).as("the mail went out after an SMTP login").isNotEmpty();
        ObjectNode second = EventFixtures.fresh("cloudevents/RunStatusChanged.json");
        ids.add(second.get("id").asText());
        assertThat(deliverWithHeader("X-Event-Key", INGEST_KEY_2, second).status()).isEqualTo(200);
        ObjectNode entra = EventFixtures.fresh("eventgrid/ModelRegistered.json");
        ids.add(entra.get("id").asText());
        assertThat(deliverWithHeader("Authorization", "Bearer " + ENTRA_TOKEN, entra).status()).isEqualTo(200);
        ObjectNode refused = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        assertThat(deliverWithQueryKey(INGEST_KEY + "x", refused).status()).isEqualTo(401);
        assertThat(deliverWithHeader("X-Event-Key", INGEST_KEY_2.toUpperCase(), refused).status()).isEqualTo(401);
        assertThat(deliverWithHeader("Authorization", "Bearer " + FORGED_TOKEN, refused).status()).isEqualTo(401);
        assertThat(deliverWithHeader("Authorization", "Bearer " + INGEST_KEY, refused).status()).isEqualTo(401);
        assertThat(deliverWithQueryKey(ADMIN_KEY, refused).status()).isEqualTo(401);

        // ARM: a job submitted with the bearer token the client secret bought; then an ARM error.
        ObjectNode job = ActionTestSupport.runCompleted("aml-job");
        String jobRun = job.at("/data/runId").asText();
        wm.stubFor(put(urlPathMatching(".*/jobs/.*")).withRequestBody(containing(jobRun))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"name\":\"j\",\"properties\":{\"status\":\"NotStarted\"}}")));
        ids.add(job.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, job).status()).isEqualTo(200);
        wm.verify(putRequestedFor(urlPathMatching(".*/jobs/.*")).withRequestBody(containing(jobRun))
                .withHeader("Authorization", equalTo("Bearer " + WireMockResource.ARM_TOKEN)));
        wm.verify(postRequestedFor(urlPathEqualTo(WireMockResource.tokenPath()))
                .withRequestBody(containing("client_secret=" + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8))));
        ObjectNode denied = ActionTestSupport.runCompleted("aml-job");
        wm.stubFor(put(urlPathMatching(".*/jobs/.*")).withRequestBody(containing(denied.at("/data/runId").asText()))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client '"
                                + WireMockResource.AZURE_CLIENT + "' does not have authorization to perform action "
                                + "'Microsoft.MachineLearningServices/workspaces/jobs/write'\"}}")));
        ids.add(denied.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, denied).status()).isEqualTo(200);

        // A webhook with its secret header; a receiver that refuses it and echoes the header back.
        ObjectNode hook = ActionTestSupport.runCompleted("webhook");
        wm.stubFor(post(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(hook.at("/data/runId").asText()))
                .willReturn(ok()));
        ids.add(hook.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, hook).status()).isEqualTo(200);
        wm.verify(postRequestedFor(urlPathEqualTo("/hooks/teams"))
                .withHeader("Authorization", equalTo("Bearer " + HOOK_SECRET)));
        ObjectNode echoed = ActionTestSupport.runCompleted("webhook");
        wm.stubFor(post(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(echoed.at("/data/runId").asText()))
                .willReturn(aResponse().withStatus(401).withBody("invalid credential: {{request.headers.Authorization}}")
                        .withTransformers("response-template")));
        ids.add(echoed.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, echoed).status()).isEqualTo(200);
        ObjectNode echoedRetried = ActionTestSupport.runCompleted("webhook");
        wm.stubFor(post(urlPathEqualTo("/hooks/teams"))
                .withRequestBody(containing(echoedRetried.at("/data/runId").asText()))
                .willReturn(aResponse().withStatus(503).withBody("cannot check {{request.headers.Authorization}} now")
                        .withTransformers("response-template")));
        ids.add(echoedRetried.get("id").asText());
        assertThat(deliverWithQueryKey(INGEST_KEY, echoedRetried).status()).as("retried, then transient").isEqualTo(503);

        // Admin: the rules, the dry run of the webhook rule, a wrong key, the history of every event.
        assertThat(admin("GET", "/rules", ADMIN_KEY, null, null).status()).isEqualTo(200);
        Answer dryRun = admin("POST", "/rules/evaluate", ADMIN_KEY, "application/cloudevents+json; charset=utf-8",
                ActionTestSupport.runCompleted("webhook").toString());
        assertThat(dryRun.status()).isEqualTo(200);
        assertThat(dryRun.body()).contains("test-hook-token");
        assertThat(admin("GET", "/rules", ADMIN_KEY + "x", null, null).status()).isEqualTo(401);
        assertThat(admin("GET", "/rules", INGEST_KEY, null, null).status()).isEqualTo(401);
        for (String id : ids) {
            assertThat(admin("GET", "/events/" + id, ADMIN_KEY, null, null).status()).as(id).isEqualTo(200);
        }
        Answer echoedHistory = admin("GET", "/events/" + echoed.get("id").asText(), ADMIN_KEY, null, null);
        assertThat(echoedHistory.body()).as("the receiver's answer is kept, without the secret")
                .contains("HTTP 401: invalid credential: [REDACTED]");
        assertThat(admin("GET", "/events/recent?limit=50", ADMIN_KEY, null, null).status()).isEqualTo(200);
        assertThat(send("GET", "/q/metrics", Map.of(), null).status()).isEqualTo(200);
        assertThat(send("GET", "/q/health", Map.of(), null).status()).isEqualTo(200);

        // Spans reached the OTLP stub; then stop the service, so everything it would log is logged.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !wm.findAll(postRequestedFor(urlPathEqualTo("/v1/traces"))).isEmpty());
        service.close();
        assertThat(service.alive()).isFalse();

        String output = service.log();
        String answers = String.join("\n", ANSWERS);
        String traces = String.join("\n", wm.findAll(postRequestedFor(urlPathEqualTo("/v1/traces"))).stream()
                .map(r -> new String(r.getBody(), StandardCharsets.ISO_8859_1)).toList());
        assertThat(traces).as("the exported spans name the routed events").contains(ids.get(0));
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("ingest key", INGEST_KEY);
        secrets.put("second ingest key", INGEST_KEY_2);
        secrets.put("admin key", ADMIN_KEY);
        secrets.put("SMTP password", SMTP_PASSWORD);
        secrets.put("Azure client secret", CLIENT_SECRET);
        secrets.put("webhook secret", HOOK_SECRET);
        secrets.put("ARM access token", WireMockResource.ARM_TOKEN);
        secrets.put("Entra token", ENTRA_TOKEN);
        secrets.put("Entra token signature", ENTRA_TOKEN.substring(ENTRA_TOKEN.lastIndexOf('.') + 1));
        secrets.put("forged token signature", FORGED_TOKEN.substring(FORGED_TOKEN.lastIndexOf('.') + 1));
        secrets.forEach((what, value) -> {
            assertAbsent(output, value, what + " in the process output");
            assertAbsent(answers, value, what + " in an answer");
            assertAbsent(traces, value, what + " in the exported spans");
        });
        java.util.regex.Pattern bearer = java.util.regex.Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/-]{8,}");
        assertThat(bearer.matcher(output).results().map(m -> m.group()).toList())
                .as("bearer tokens in the process output").isEmpty();
        assertThat(bearer.matcher(answers).results().map(m -> m.group()).toList())
                .as("bearer tokens in the answers").isEmpty();
    }

    /** Fails naming where the secret was found, with a little context (not the whole text). */
    static void assertAbsent(String text, String secret, String what) {
        int at = text.indexOf(secret);
        if (at >= 0) {
            throw new AssertionError(what + ": ..." + text.substring(Math.max(0, at - 200), Math.min(text.length(),
                    at + secret.length() + 50)) + "...");
        }
    }
}
