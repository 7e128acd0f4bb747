package io.amlrouter.ingest.eventhubs;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.KafkaBroker;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.TestData;
import io.amlrouter.support.WireMockResource;

/**
 * {@code ingest.eventhubs.auth=entra} end to end: the packaged service asks the HTTPS Entra stand-in (WireMock,
 * the client-secret credential the Azure tests use) for a token of the Event Hubs scope, and logs in to a
 * real broker's SASL_SSL listener with it (OAUTHBEARER). The broker validates with Kafka's unsecured
 * validator: the token must be a well-formed JWT, unexpired, naming a subject, with the Event Hubs scope
 * (it does not check a signature, as Event Hubs checks Entra's). Only the stand-in issues such a token, so
 * a consumed record proves the token presented is the stand-in's.
 */
class EventHubsEntraIT {

    static final String SCOPE = "https://aml-it.servicebus.windows.net/.default";
    static final String TOPIC = "aml-events-entra";

    static WireMockResource peers;
    static WireMockServer wm;
    static KafkaBroker kafka;
    static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        peers = new WireMockResource();
        Map<String, String> p = new HashMap<>(peers.start());
        wm = WireMockResource.server();
        Path keyStore = WireMockResource.trustStore().getParent().resolve("server.p12");
        kafka = KafkaBroker.startWithOAuth(keyStore, WireMockResource.STORE_PASSWORD, SCOPE);
        kafka.createTopic(TOPIC, 1);
        // The stand-in answers a token request for the Event Hubs scope with an (unsigned) JWT carrying it; the
        // ARM stub of WireMockResource answers every other scope.
        long now = Instant.now().getEpochSecond();
        String jwt = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"aml-event-router-it\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + ",\"scope\":\"" + SCOPE + "\"}") + ".";
        wm.stubFor(post(urlPathEqualTo(WireMockResource.tokenPath())).atPriority(1)
                .withRequestBody(containing(URLEncoder.encode(SCOPE, StandardCharsets.UTF_8)))
                .willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                        + "\"access_token\":\"" + jwt + "\"}")));
        wm.stubFor(post(urlPathEqualTo("/eh/count")).willReturn(ok()));
        Path rules = Files.createTempDirectory("eventhubs-entra").resolve("rules.yaml");
        Files.writeString(rules, TestData.text("eventhubs-rules.yaml").replace(WireMockResource.HOST_PLACEHOLDER,
                WireMockResource.httpsUrl()).replace(WireMockResource.IP_HOST_PLACEHOLDER, WireMockResource.httpsIpUrl()));
        p.put("rules.path", rules.toString());
        p.put("email.delivery", "log");
        p.put("ingest.eventhubs.bootstrap-servers", kafka.oauthBootstrap());
        p.put("ingest.eventhubs.topic", TOPIC);
        p.put("ingest.eventhubs.token-scope", SCOPE);
        // auth=entra is the default. The broker's certificate is the stand-in's (trusted by the test store).
        p.put("mp.messaging.incoming.eventhubs.ssl.truststore.location", WireMockResource.trustStore().toString());
        p.put("mp.messaging.incoming.eventhubs.ssl.truststore.password", WireMockResource.STORE_PASSWORD);
        p.put("mp.messaging.incoming.eventhubs.ssl.truststore.type", "PKCS12");
        service = ServiceProcess.start("eventhubs-entra", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), p);
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (peers != null) {
            peers.stop();
        }
    }

    @Test
    void theConsumerLogsInWithAnEntraTokenOfTheEventHubsScope() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunCompleted.json");
        ((ObjectNode) EventFixtures.data(event).get("runTags")).put("eh", "count");
        String id = event.get("id").asText();
        kafka.send(TOPIC, List.of(KafkaBroker.Record.of(0, id, event.toString())));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> wm.findAll(
                postRequestedFor(urlPathEqualTo("/eh/count")).withRequestBody(containing(id))).size() == 1);
        wm.verify(postRequestedFor(urlPathEqualTo(WireMockResource.tokenPath()))
                // MSAL asks for the scope beside openid, profile and offline_access.
                .withRequestBody(containing(URLEncoder.encode(SCOPE, StandardCharsets.UTF_8)))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_id=" + WireMockResource.AZURE_CLIENT)));
        assertThat(service.log()).doesNotContain("token_unavailable").doesNotContain(
                "Authentication failed");
    }
}
