package io.amlrouter.actions.http;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.WireMockResource;

/**
 * The outbound guard at connect time, in the packaged service: names are resolved by the service, every
 * address is checked, and the connection goes to the checked address. The service resolves names through
 * a hosts file this test rewrites ({@code jdk.net.hosts.file}, no address cache), which stands for DNS,
 * including DNS that changes its answer (rebinding). Loopback is NOT allowed here, unlike in the other
 * tests: only 127.0.0.2 ({@code rules.urls.allowed-private}), where WireMock also listens.
 */
class OutboundGuardIT {

    static WireMockResource peers;
    static WireMockServer wm;
    static Path hosts;
    static ServiceProcess service;

    @BeforeAll
    static void start() throws IOException {
        peers = new WireMockResource();
        Map<String, String> props = new HashMap<>(peers.start());
        wm = WireMockResource.server();
        Path dir = Files.createTempDirectory("outbound-guard");
        hosts = dir.resolve("hosts");
        names("127.0.0.2");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n"
                + rule("to-localhost", "https://localhost:" + wm.httpsPort() + "/guard/localhost")
                + rule("to-rebinding-name", "http://rebind.test:" + wm.port() + "/guard/rebind")
                + rule("to-wrong-certificate", "https://other-name.test:" + wm.httpsPort() + "/guard/tls"));
        props.put("rules.path", rules.toString());
        props.put("rules.urls.allow-http", "true");
        props.put("rules.urls.allowed-private", "127.0.0.2");
        props.put("email.delivery", "log");
        props.put("actions.http.retry.budget", "1s");
        props.put("actions.http.retry.initial-delay", "100ms");
        service = ServiceProcess.start("outbound-guard", List.of("-Xmx256m", "-Djdk.net.hosts.file=" + hosts,
                "-Dsun.net.inetaddr.ttl=0"), props);
        wm.stubFor(post(urlPathEqualTo("/guard/localhost")).willReturn(ok()));
        wm.stubFor(post(urlPathEqualTo("/guard/rebind")).willReturn(ok()));
        wm.stubFor(post(urlPathEqualTo("/guard/tls")).willReturn(ok()));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (peers != null) {
            peers.stop();
        }
    }

    /** What the hosts file says: localhost is loopback, the test names resolve to {@code address}. */
    static void names(String address) {
        try {
            Files.writeString(hosts, "127.0.0.1 localhost\n" + address + " rebind.test\n127.0.0.2 other-name.test\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rule(String name, String url) {
        return "  - name: " + name + "\n"
                + "    filter:\n"
                + "      includedEventTypes: [Microsoft.MachineLearningServices.RunCompleted]\n"
                + "      advancedFilters:\n"
                + "        - { operatorType: StringIn, key: data.runTags.guard, values: [" + name + "] }\n"
                + "    actions:\n"
                + "      - webhook: { url: \"" + url + "\", body: { run: \"{event.data.runId}\" } }\n";
    }

    static Events.Delivery event(String rule) {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunCompleted.json");
        ((ObjectNode) EventFixtures.data(event).get("runTags")).put("guard", rule);
        return Events.of(event);
    }

    static JsonNode action(Events.Delivery d) {
        Reply r = Http.admin(service, "GET", "/events/" + d.id());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("actions").get(0);
    }

    @Test
    void aNameThatResolvesToLoopbackIsNotCalledWithoutAnAllowance() {
        Events.Delivery d = event("to-localhost");
        Reply r = Http.deliver(service, d);
        // Refused for good: a dead letter, answered 200 (retrying cannot help), and nothing was sent.
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode action = action(d);
        assertThat(action.get("state").asText()).isEqualTo("FAILED");
        assertThat(action.get("lastError").asText()).isEqualTo("webhook https://localhost:" + wm.httpsPort()
                + " not called: host localhost resolves to a refused address: 127.0.0.1 is a loopback address; requests may not go "
                + "there unless rules.urls.allowed-private covers it");
        wm.verify(0, postRequestedFor(urlPathEqualTo("/guard/localhost")));
    }

    @Test
    void aNameThatResolvesElsewhereLaterIsCheckedAgainBeforeItIsCalled() {
        names("127.0.0.2");
        Events.Delivery allowed = event("to-rebinding-name");
        assertThat(Http.deliver(service, allowed).status()).isEqualTo(200);
        assertThat(action(allowed).get("state").asText()).isEqualTo("SUCCEEDED");
        wm.verify(1, postRequestedFor(urlPathEqualTo("/guard/rebind")));

        // DNS now answers with the loopback address (rebinding): the next request is not sent.
        names("127.0.0.1");
        Events.Delivery rebound = event("to-rebinding-name");
        assertThat(Http.deliver(service, rebound).status()).isEqualTo(200);
        JsonNode action = action(rebound);
        assertThat(action.get("state").asText()).isEqualTo("FAILED");
        assertThat(action.get("lastError").asText()).contains("host rebind.test resolves to a refused address: 127.0.0.1 is a "
                + "loopback address");
        wm.verify(1, postRequestedFor(urlPathEqualTo("/guard/rebind")));
        names("127.0.0.2");
    }

    @Test
    void theConnectionToTheCheckedAddressStillVerifiesTheCertificateForTheName() {
        // other-name.test resolves to an allowed address where a server answers, with a certificate for
        // localhost and 127.0.0.1 only: TLS fails (transiently), nothing is posted.
        Events.Delivery d = event("to-wrong-certificate");
        Reply r = Http.deliver(service, d);
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        JsonNode action = action(d);
        assertThat(action.get("state").asText()).isEqualTo("PENDING");
        assertThat(action.get("lastError").asText()).containsIgnoringCase("other-name.test");
        wm.verify(0, postRequestedFor(urlPathEqualTo("/guard/tls")));
    }
}
