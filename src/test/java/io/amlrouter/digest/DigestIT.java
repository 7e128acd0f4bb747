package io.amlrouter.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.Events;
import io.amlrouter.support.Http.Reply;
import io.amlrouter.support.Http;
import io.amlrouter.support.RedisServer;
import io.amlrouter.support.ServiceProcess;
import io.amlrouter.support.SmtpPeer;

/**
 * Digests through the packaged service and a real SMTP server: the failed steps of one pipeline (30 RunStatusChanged
 * events of one experiment) go out as exactly one mail listing all 30, with one replica (in-memory ledger), with two
 * replicas sharing a real Redis and every event delivered to both, and when the replica that took the events is
 * killed (SIGKILL) before the digest is due. A stopping in-memory replica sends the digests still waiting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DigestIT {

    static final String RULES = "src/test/resources/testdata/digest-rules.yaml";
    /** The run lines of the digest's text part: "- Failed: run step-7 of experiment ...". */
    static final Pattern RUN_LINE = Pattern.compile("- (Failed|Canceled|Completed): run (\\S+) of experiment");

    static SmtpPeer smtp;
    static RedisServer redis;
    static ServiceProcess alone;
    static ServiceProcess replicaA;
    static ServiceProcess replicaB;

    @BeforeAll
    static void start() {
        smtp = SmtpPeer.start();
        redis = RedisServer.startWithAppendOnly();
        alone = ServiceProcess.start("digest-memory", List.of("-Xmx256m"), props(Map.of()));
        Map<String, String> shared = Map.of("ledger.store", "redis", "quarkus.redis.hosts", redis.url());
        replicaA = ServiceProcess.start("digest-redis-a", List.of("-Xmx256m"), props(shared));
        replicaB = ServiceProcess.start("digest-redis-b", List.of("-Xmx256m"), props(shared));
    }

    static Map<String, String> props(Map<String, String> more) {
        Map<String, String> props = new HashMap<>(smtp.serviceProperties(Map.entry("rules.path", RULES),
                Map.entry("digest.poll-interval", "200ms"), Map.entry("quarkus.shutdown.timeout", "20s")));
        props.putAll(more);
        return props;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { alone, replicaA, replicaB, redis, smtp }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** {@code n} step runs of one pipeline's experiment (named after {@code marker}) ending in {@code status}. */
    static List<ObjectNode> steps(String marker, String status, int n) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode e = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
            ObjectNode data = EventFixtures.data(e);
            data.put("experimentName", marker);
            data.put("runId", marker + "-step-" + i);
            data.put("runType", "azureml.StepRun");
            data.put("runStatus", status);
            events.add(e);
        }
        return events;
    }

    static String marker() {
        return "pipeline-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Delivers every event to every replica at once; every answer must be 200. */
    static void deliverToAll(List<ObjectNode> events, ServiceProcess... replicas) {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (ObjectNode e : events) {
            for (ServiceProcess replica : replicas) {
                replies.add(Http.deliverAsync(replica, Events.of(e).body()));
            }
        }
        replies.forEach(r -> assertThat(r.join().status()).as(r.join().body()).isEqualTo(200));
    }

    /** Waits for the one digest of {@code marker}, then checks no second one follows. */
    static SmtpPeer.Mail theOneDigest(String marker, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> !smtp.received(marker).isEmpty());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.received(marker).size() == 1);
        return smtp.received(marker).get(0);
    }

    /** Run ids listed in a digest, each as often as listed. */
    static Map<String, Integer> listedRuns(SmtpPeer.Mail mail) {
        Map<String, Integer> runs = new HashMap<>();
        Matcher m = RUN_LINE.matcher(mail.body());
        while (m.find()) {
            runs.merge(m.group(2), 1, Integer::sum);
        }
        return runs;
    }

    static void assertListsEveryStepOnce(SmtpPeer.Mail mail, List<ObjectNode> events, String marker) {
        Map<String, Integer> expected = new HashMap<>();
        events.forEach(e -> expected.put(e.at("/data/runId").asText(), 1));
        assertThat(listedRuns(mail)).isEqualTo(expected);
        assertThat(mail.subject()).contains(events.size() + " run status change(s) in " + marker);
        assertThat(mail.to()).containsExactly("mlops@contoso.com");
        assertThat(mail.body()).contains("https://ml.azure.com/runs/" + marker + "-step-0?wsid=");
    }

    @Test
    @Order(1)
    void thirtyFailedStepsOfOnePipelineGoOutAsOneDigest() {
        String marker = marker();
        List<ObjectNode> events = steps(marker, "Failed", 30);
        deliverToAll(events, alone);

        SmtpPeer.Mail digest = theOneDigest(marker, Duration.ofSeconds(30));
        assertListsEveryStepOnce(digest, events, marker);

        // Each event's action is final, its detail naming the group; a redelivery sends nothing more.
        JsonNode history = Http.admin(alone, "GET", "/events/" + events.get(7).get("id").asText()).json();
        JsonNode action = history.at("/actions/0");
        assertThat(action.get("state").asText()).as(history.toString()).isEqualTo("GROUPED");
        assertThat(action.get("detail").asText()).contains("grouped into the digest \"" + marker + "\"");
        deliverToAll(events, alone);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.received(marker).size() == 1);
        String metrics = Http.get(alone, "/q/metrics").body();
        assertThat(metrics).containsPattern("digest_events_grouped_total\\{kind=\"email\",rule=\"digest-failed-steps\"} 30\\.0");
        assertThat(metrics).containsPattern("digest_sent_total\\{kind=\"email\",outcome=\"sent\",rule=\"digest-failed-steps\"} 1\\.0");
    }

    @Test
    @Order(2)
    void twoReplicasSharingRedisSendOneDigestWhenEveryEventReachesBoth() {
        String marker = marker();
        List<ObjectNode> events = steps(marker, "Failed", 30);
        deliverToAll(events, replicaA, replicaB);

        assertListsEveryStepOnce(theOneDigest(marker, Duration.ofSeconds(30)), events, marker);
    }

    @Test
    @Order(3)
    void aReplicaKilledBeforeTheDigestIsDueLeavesItToTheOther() {
        String marker = marker();
        List<ObjectNode> events = steps(marker, "Canceled", 30);
        deliverToAll(events, replicaA);
        replicaA.kill();
        replicaA.awaitExit(Duration.ofSeconds(10));
        assertThat(smtp.received(marker)).as("not due yet (wait 8s)").isEmpty();

        SmtpPeer.Mail digest = theOneDigest(marker, Duration.ofSeconds(40));
        Map<String, Integer> expected = new HashMap<>();
        events.forEach(e -> expected.put(e.at("/data/runId").asText(), 1));
        assertThat(listedRuns(digest)).isEqualTo(expected);
    }

    @Test
    @Order(4)
    void aStoppingReplicaWithTheInMemoryLedgerSendsTheDigestsStillWaiting() {
        String marker = marker();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode e = EventFixtures.fresh("eventgrid/RunCompleted.json");
            EventFixtures.data(e).put("experimentName", marker);
            EventFixtures.data(e).put("runId", marker + "-run-" + i);
            events.add(e);
        }
        deliverToAll(events, alone);
        assertThat(smtp.received(marker)).as("due in an hour").isEmpty();

        alone.terminate();
        assertThat(alone.awaitExit(Duration.ofSeconds(30))).as(alone.log()).isEqualTo(143);
        SmtpPeer.Mail digest = theOneDigest(marker, Duration.ofSeconds(5));
        assertThat(digest.subject()).contains("3 run(s) completed in " + marker);
        assertThat(listedRuns(digest)).containsOnlyKeys(marker + "-run-0", marker + "-run-1", marker + "-run-2");
    }
}
