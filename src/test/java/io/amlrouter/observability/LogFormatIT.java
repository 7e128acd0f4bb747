package io.amlrouter.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.amlrouter.support.Events;
import io.amlrouter.support.Http;
import io.amlrouter.support.LogLines;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * The packaged service's log in the prod profile: every line a JSON object, and every line about an
 * event carrying the event's fields (and the rule's and action's, for lines about an action) in
 * {@code mdc}, whichever thread wrote it.
 */
class LogFormatIT {

    static SmtpPeer smtp;
    static ServiceProcess service;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        service = ServiceProcess.start("log-format", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                // An unmatched event is logged at DEBUG only; this test checks that line's fields too.
                Map.entry("quarkus.log.category.\"io.amlrouter.routing.EventRouter\".level", "DEBUG")));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void everyLineIsJsonAndEveryLineAboutAnEventCarriesItsFields() {
        smtp.refuse("drift@contoso.com", 1, "550 5.1.1 <drift@contoso.com>: Recipient address rejected");
        Events.Delivery failed = Events.eventGrid("RunStatusChanged.json");
        Events.Delivery drift = Events.eventGrid("DatasetDriftDetected.json");
        Events.Delivery unmatched = Events.eventGrid("ModelRegistered.json");
        for (Events.Delivery d : List.of(failed, drift, unmatched)) {
            assertThat(Http.deliver(service, d).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> LogLines.parse(service.log())
                .mentioning("Dead letter: event " + drift.id()).size() == 1);

        LogLines.Parsed log = LogLines.parse(service.log());
        assertThat(log.other()).as("lines that are not JSON").isEmpty();
        assertThat(log.json()).allSatisfy(line -> assertThat(line.fieldNames()).toIterable()
                .contains("timestamp", "level", "loggerName", "message", "mdc"));

        List<JsonNode> succeeded = log.mentioning("Event " + failed.id() + " rule mail-failed-runs action");
        assertThat(succeeded).hasSize(2).allSatisfy(line -> {
            JsonNode mdc = line.get("mdc");
            assertThat(mdc.path("eventId").asText()).isEqualTo(failed.id());
            assertThat(mdc.path("eventType").asText()).isEqualTo("Microsoft.MachineLearningServices.RunStatusChanged");
            assertThat(mdc.path("subject").asText()).startsWith("experiments/");
            assertThat(mdc.path("rule").asText()).isEqualTo("mail-failed-runs");
            assertThat(mdc.path("actionKind").asText()).isEqualTo("email");
        });
        assertThat(succeeded).extracting(l -> l.at("/mdc/action").asText()).containsExactlyInAnyOrder("0", "1");

        JsonNode deadLetter = log.mentioning("Dead letter: event " + drift.id()).get(0);
        assertThat(deadLetter.path("level").asText()).isEqualTo("WARN");
        assertThat(deadLetter.at("/mdc/eventId").asText()).isEqualTo(drift.id());
        assertThat(deadLetter.at("/mdc/rule").asText()).isEqualTo("mail-drift");
        assertThat(deadLetter.at("/mdc/eventType").asText())
                .isEqualTo("Microsoft.MachineLearningServices.DatasetDriftDetected");

        JsonNode noMatch = log.mentioning("Event " + unmatched.id()).get(0);
        assertThat(noMatch.path("message").asText()).contains("no rule matched");
        assertThat(noMatch.path("level").asText()).isEqualTo("DEBUG");
        assertThat(noMatch.at("/mdc/eventId").asText()).isEqualTo(unmatched.id());
        assertThat(noMatch.get("mdc").has("rule")).isFalse();

        // Whatever logged it, on whichever thread: a line naming an event carries that event's id.
        for (Events.Delivery d : List.of(failed, drift, unmatched)) {
            assertThat(log.mentioning(d.id())).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.at("/mdc/eventId").asText()).as(line.toString())
                            .isEqualTo(d.id()));
        }
    }
}
