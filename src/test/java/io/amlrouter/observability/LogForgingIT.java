package io.amlrouter.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.amlrouter.support.Http;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * The packaged service with text logs (the JSON format turned off, the MDC event id in the pattern): an
 * event id carrying CR/LF and other line breaks cannot start a line of its own, in the message or in the
 * MDC; it is written with escapes.
 */
class LogForgingIT {

    static final String FORGED = "2026-01-01 00:00:00,000 ERROR [io.amlrouter.security] (main) FORGED admin login";

    static SmtpPeer smtp;
    static ServiceProcess service;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        service = ServiceProcess.start("log-forging", List.of("-Xmx256m"), smtp.serviceProperties(
                Map.entry("rules.path", "src/test/resources/testdata/ledger-rules.yaml"),
                Map.entry("quarkus.log.console.json.enabled", "false"),
                Map.entry("quarkus.log.console.format", "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) <%X{eventId}> %s%e%n")));
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
    void anEventIdWithLineBreaksCannotForgeALine() {
        String base = UUID.randomUUID().toString();
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        event.put("id", base + "\r\n" + FORGED + "\n" + FORGED + "\u2028x\u0085y\u001b[31m");
        Events.Delivery delivery = Events.of(event);
        assertThat(Http.deliver(service, delivery).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> service.log().contains("rule mail-failed-runs action 1"));

        List<String> lines = Arrays.asList(service.log().split("\n"));
        List<String> aboutIt = lines.stream().filter(l -> l.contains("FORGED")).toList();
        assertThat(aboutIt).as("lines naming the event").isNotEmpty();
        String escaped = base + "\\r\\n" + FORGED + "\\n" + FORGED + "\\u2028x\\u0085y\\u001b[31m";
        assertThat(aboutIt).allSatisfy(line -> {
            assertThat(line).doesNotStartWith(FORGED).doesNotContain("\r").doesNotContain("\u2028")
                    .doesNotContain("\u0085").doesNotContain("\u001b");
            assertThat(line).contains(escaped);
        });
        // the MDC too: the pattern shows it between < and >
        assertThat(aboutIt).anySatisfy(line -> assertThat(line).contains("<" + escaped + ">"));
    }
}
