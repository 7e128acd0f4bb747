package io.amlrouter.actions.azureml;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.routing.ActionScope;
import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.RetryAfter;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.amlrouter.ingest.IngestMetrics;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.ledger.Watch;
import io.amlrouter.observability.LogContext;
import io.amlrouter.routing.EventBus;
import io.amlrouter.rules.action.ActionKind;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Follows the online deployments the service started, because Azure ML raises no event when one
 * fails: polls the {@code Azure-AsyncOperation} URL (or the deployment's provisioning state) at the
 * pace ARM asks with {@code Retry-After}, else every {@code actions.deployment.poll-interval}, until
 * Succeeded, Failed or Canceled (or {@code max-watch} passes); shifts endpoint traffic when asked; and
 * publishes the outcome as a synthetic event on {@code ml-events}, again and again while the actions
 * of its rules fail transiently. Each watch lives in the ledger until its outcome is announced, and
 * open watches are resumed at startup (with a persistent ledger there are some).
 */
@ApplicationScoped
public class DeploymentWatcher {

    private static final Logger LOG = Logger.getLogger(DeploymentWatcher.class);
    private static final Duration MAX_PUBLISH_DELAY = Duration.ofMinutes(5);

    private final ArmClient arm;
    private final OutcomeLedger ledger;
    private final EventBus bus;
    private final DeploymentOutcomeEvents events;
    private final Vertx vertx;
    private final ActionsConfig.Deployment config;
    private final IngestMetrics metrics;

    public DeploymentWatcher(ArmClient arm, OutcomeLedger ledger, EventBus bus, DeploymentOutcomeEvents events,
            Vertx vertx, ActionsConfig config, IngestMetrics metrics) {
        this.arm = arm;
        this.ledger = ledger;
        this.bus = bus;
        this.events = events;
        this.vertx = vertx;
        this.config = config.deployment();
        this.metrics = metrics;
    }

    /** Starts following a watch that was just saved, first polling after {@code firstDelay}. */
    void watch(Watch watch, Duration firstDelay) {
        schedule(watch, firstDelay);
    }

    /** Resumes the watches replicas left open (a persistent ledger keeps them across restarts). */
    void resume(@Observes StartupEvent started) {
        vertx.setTimer(1000, id -> ledger.openWatches().subscribe().with(watches -> {
            if (!watches.isEmpty()) {
                LOG.infof("Resuming %d open deployment watch(es)", watches.size());
            }
            for (Watch w : watches) {
                if (w.attributes().containsKey(DeploymentOutcomeEvents.STATUS)) {
                    publish(w, Instant.now(), config.publishRetryDelay());
                } else {
                    schedule(w, Duration.ZERO);
                }
            }
        }, failure -> LOG.warnf("Cannot read the open deployment watches: %s", failure.getMessage())));
    }

    private void schedule(Watch watch, Duration delay) {
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> poll(watch));
    }

    private void poll(Watch w) {
        if (inTrafficPhase(w)) {
            pollTraffic(w);
            return;
        }
        String context = context(w);
        if (Instant.now().isAfter(w.until())) {
            log(w, () -> LOG.warnf("%s: deployment still not finished after %s; giving up the watch", context,
                    config.maxWatch()));
            finish(w, Map.of(DeploymentOutcomeEvents.STATUS, "WatchTimedOut", DeploymentOutcomeEvents.ERROR_CODE,
                    "WatchTimedOut", DeploymentOutcomeEvents.ERROR_MESSAGE, "the deployment did not finish within "
                            + config.maxWatch()), false);
            return;
        }
        ActionKind kind = ActionKind.fromKey(w.kind()).orElse(ActionKind.AML_ONLINE_DEPLOYMENT);
        arm.get(w.operationUrl(), context).subscribe().with(ActionScope.of(w.key(), kind).context(),
                result -> handle(w, result), failure -> {
            log(w, () -> LOG.warnf("%s: polling %s failed: %s", context, w.operationUrl(), failure.getMessage()));
            schedule(w, config.pollInterval());
        });
    }

    private void handle(Watch w, CallResult result) {
        String context = context(w);
        if (result instanceof CallResult.Unavailable u) {
            log(w, () -> LOG.warnf("%s: deployment status unavailable (%s); polling again in %s", context,
                    u.reason(), config.pollInterval()));
            schedule(w, config.pollInterval());
            return;
        }
        if (result instanceof CallResult.Rejected rejected) {
            ArmError error = ArmError.of(rejected.reply());
            log(w, () -> LOG.warnf("%s: the deployment operation cannot be read: %s", context, error.describe()));
            finish(w, Map.of(DeploymentOutcomeEvents.STATUS, "Unknown", DeploymentOutcomeEvents.ERROR_CODE,
                    error.code(), DeploymentOutcomeEvents.ERROR_MESSAGE, error.message()), false);
            return;
        }
        CallResult.Ok ok = (CallResult.Ok) result;
        JsonNode body = ArmOutcomes.json(ok.reply());
        boolean resource = "resource".equals(w.attributes().get(DeploymentOutcomeEvents.POLL));
        String status = resource ? body.at("/properties/provisioningState").asText("")
                : body.path("status").asText("");
        switch (status.toLowerCase(Locale.ROOT)) {
            case "succeeded" -> {
                log(w, () -> LOG.infof("%s: deployment %s Succeeded", context,
                        w.attributes().get(DeploymentOutcomeEvents.DEPLOYMENT)));
                finish(w, Map.of(DeploymentOutcomeEvents.STATUS, "Succeeded"), true);
            }
            case "failed", "canceled", "cancelled" -> {
                JsonNode error = body.get("error");
                Map<String, String> outcome = new HashMap<>();
                outcome.put(DeploymentOutcomeEvents.STATUS, status.equalsIgnoreCase("failed") ? "Failed" : "Canceled");
                if (error != null && error.isObject()) {
                    ArmError e = ArmError.fromNode(ok.reply().status(), error);
                    outcome.put(DeploymentOutcomeEvents.ERROR_CODE, e.code());
                    outcome.put(DeploymentOutcomeEvents.ERROR_MESSAGE, e.message());
                }
                log(w, () -> LOG.warnf("%s: deployment %s %s%s", context,
                        w.attributes().get(DeploymentOutcomeEvents.DEPLOYMENT), outcome.get(DeploymentOutcomeEvents.STATUS),
                        outcome.containsKey(DeploymentOutcomeEvents.ERROR_CODE)
                                ? ": " + outcome.get(DeploymentOutcomeEvents.ERROR_CODE) + ": "
                                        + outcome.get(DeploymentOutcomeEvents.ERROR_MESSAGE)
                                : ""));
                finish(w, outcome, false);
            }
            default -> {
                Duration next = RetryAfter.of(ok.reply()).orElse(config.pollInterval());
                log(w, () -> LOG.debugf("%s: deployment %s; polling again in %s", context,
                        status.isEmpty() ? "in progress" : status, next));
                schedule(w, next);
            }
        }
    }

    /**
     * Shifts traffic when asked (and follows that operation as a watch of its own), else records the outcome on
     * the watch and announces it.
     */
    private void finish(Watch w, Map<String, String> outcome, boolean succeeded) {
        if (!succeeded || !w.attributes().containsKey(DeploymentOutcomeEvents.TRAFFIC)) {
            announce(w, outcome, succeeded);
            return;
        }
        shiftTraffic(w).subscribe().with(step -> {
            if (step instanceof TrafficStep.Announce a) {
                announce(w, a.outcome(), true);
            } else {
                TrafficStep.Follow f = (TrafficStep.Follow) step;
                ledger.saveWatch(f.watch()).subscribe().with(ignored -> schedule(f.watch(), f.delay()), failure -> {
                    log(w, () -> LOG.warnf("%s: cannot record the traffic operation in the ledger (%s); following it "
                            + "anyway", context(w), failure.getMessage()));
                    schedule(f.watch(), f.delay());
                });
            }
        }, failure -> log(w, () -> LOG.errorf(failure, "%s: cannot shift the endpoint traffic", context(w))));
    }

    /** Records the outcome on the watch, then announces it. */
    private void announce(Watch w, Map<String, String> outcome, boolean succeeded) {
        Map<String, String> attributes = new HashMap<>(w.attributes());
        attributes.putAll(outcome);
        attributes.put(DeploymentOutcomeEvents.SUCCEEDED, String.valueOf(succeeded
                && "Succeeded".equals(outcome.get(DeploymentOutcomeEvents.STATUS))));
        Watch done = w.withAttributes(attributes);
        ledger.saveWatch(done).subscribe().with(ignored -> publish(done, Instant.now(), config.publishRetryDelay()),
                failure -> {
                    log(w, () -> LOG.warnf("%s: cannot record the outcome in the ledger (%s); announcing it "
                            + "anyway", context(w), failure.getMessage()));
                    publish(done, Instant.now(), config.publishRetryDelay());
                });
    }

    /** What the traffic update led to: an outcome to announce now, or its long-running operation to follow. */
    private sealed interface TrafficStep {
        record Announce(Map<String, String> outcome) implements TrafficStep {
        }

        record Follow(Watch watch, Duration delay) implements TrafficStep {
        }
    }

    /**
     * Gives the deployment its traffic share: reads the endpoint and {@code PUT}s it back with the new split.
     * Online Endpoints - Create Or Update is a long-running operation ({@code Azure-AsyncOperation},
     * final state via the original URI): when ARM answers with an operation, or with the endpoint still
     * provisioning, the watch goes on with that operation (its own {@code max-watch}).
     */
    private Uni<TrafficStep> shiftTraffic(Watch w) {
        Map<String, String> a = w.attributes();
        Workspace ws = Workspace.fromArmId(a.get(DeploymentOutcomeEvents.WORKSPACE)).orElseThrow();
        String endpoint = a.get(DeploymentOutcomeEvents.ENDPOINT);
        String deployment = a.get(DeploymentOutcomeEvents.DEPLOYMENT);
        int percent = Integer.parseInt(a.get(DeploymentOutcomeEvents.TRAFFIC));
        String context = context(w);
        return arm.getEndpoint(ws, endpoint, context).chain(got -> {
            if (!(got instanceof CallResult.Ok ok)) {
                return Uni.createFrom().item(new TrafficStep.Announce(trafficFailure(got)));
            }
            JsonNode read = ArmOutcomes.json(ok.reply());
            if (!read.isObject() || !read.path("properties").isObject()) {
                return Uni.createFrom().item(new TrafficStep.Announce(trafficFailed("UnexpectedEndpoint",
                        "endpoint " + endpoint + " could not be read to set its traffic")));
            }
            ObjectNode body = (ObjectNode) read;
            body.remove(List.of("id", "name", "type", "systemData"));
            ObjectNode properties = (ObjectNode) body.get("properties");
            properties.remove(List.of("provisioningState", "scoringUri", "swaggerUri"));
            ObjectNode traffic = TrafficSplit.split(properties.get("traffic"), deployment, percent);
            properties.set("traffic", traffic);
            String share = String.valueOf(traffic.path(deployment).asInt());
            return arm.putEndpoint(ws, endpoint, body, context).map(put -> {
                if (!(put instanceof CallResult.Ok accepted)) {
                    return new TrafficStep.Announce(trafficFailure(put));
                }
                Optional<String> async = accepted.reply().header("Azure-AsyncOperation").filter(arm::onArm);
                String state = ArmOutcomes.json(accepted.reply()).at("/properties/provisioningState").asText("");
                if (async.isEmpty() && (state.isEmpty() || isTerminal(state))) {
                    return new TrafficStep.Announce(trafficSettled(w, state, null, ArmOutcomes.json(accepted.reply())));
                }
                Map<String, String> following = new HashMap<>(a);
                following.put(DeploymentOutcomeEvents.TRAFFIC_POLL_URL, async.orElse(arm.endpointUrl(ws, endpoint)));
                following.put(DeploymentOutcomeEvents.TRAFFIC_POLL, async.isPresent() ? "operation" : "resource");
                following.put(DeploymentOutcomeEvents.TRAFFIC_SHARE, share);
                log(w, () -> LOG.infof("%s: endpoint %s traffic update to %s accepted (HTTP %d); watching %s", context,
                        endpoint, traffic, accepted.reply().status(), async.isPresent() ? "its Azure-AsyncOperation"
                                : "its provisioning state"));
                Instant now = Instant.now();
                return new TrafficStep.Follow(new Watch(w.key(), w.kind(), w.operationUrl(), following, w.startedAt(),
                        now.plus(config.maxWatch())), RetryAfter.of(accepted.reply()).orElse(config.pollInterval()));
            });
        });
    }

    private static boolean isTerminal(String state) {
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "succeeded", "failed", "canceled", "cancelled" -> true;
            default -> false;
        };
    }

    private static boolean inTrafficPhase(Watch w) {
        return w.attributes().containsKey(DeploymentOutcomeEvents.TRAFFIC_POLL_URL);
    }

    /** Polls the endpoint's traffic operation (or the endpoint's provisioning state). */
    private void pollTraffic(Watch w) {
        String context = context(w);
        String endpoint = w.attributes().get(DeploymentOutcomeEvents.ENDPOINT);
        if (Instant.now().isAfter(w.until())) {
            log(w, () -> LOG.warnf("%s: endpoint %s traffic update still not finished after %s; giving up the watch",
                    context, endpoint, config.maxWatch()));
            announce(w, trafficFailed("TrafficUpdateTimedOut", "the traffic update of endpoint " + endpoint
                    + " did not finish within " + config.maxWatch()), true);
            return;
        }
        String url = w.attributes().get(DeploymentOutcomeEvents.TRAFFIC_POLL_URL);
        ActionKind kind = ActionKind.fromKey(w.kind()).orElse(ActionKind.AML_ONLINE_DEPLOYMENT);
        arm.get(url, context).subscribe().with(ActionScope.of(w.key(), kind).context(),
                result -> handleTraffic(w, result), failure -> {
            log(w, () -> LOG.warnf("%s: polling %s failed: %s", context, url, failure.getMessage()));
            schedule(w, config.pollInterval());
        });
    }

    private void handleTraffic(Watch w, CallResult result) {
        String context = context(w);
        String endpoint = w.attributes().get(DeploymentOutcomeEvents.ENDPOINT);
        if (result instanceof CallResult.Unavailable u) {
            log(w, () -> LOG.warnf("%s: endpoint %s traffic update status unavailable (%s); polling again in %s",
                    context, endpoint, u.reason(), config.pollInterval()));
            schedule(w, config.pollInterval());
            return;
        }
        if (result instanceof CallResult.Rejected) {
            announce(w, trafficFailure(result), true);
            return;
        }
        CallResult.Ok ok = (CallResult.Ok) result;
        JsonNode body = ArmOutcomes.json(ok.reply());
        boolean resource = "resource".equals(w.attributes().get(DeploymentOutcomeEvents.TRAFFIC_POLL));
        String status = resource ? body.at("/properties/provisioningState").asText("") : body.path("status").asText("");
        if (!isTerminal(status)) {
            Duration next = RetryAfter.of(ok.reply()).orElse(config.pollInterval());
            log(w, () -> LOG.debugf("%s: endpoint %s traffic update %s; polling again in %s", context, endpoint,
                    status.isEmpty() ? "in progress" : status, next));
            schedule(w, next);
            return;
        }
        if (resource || !status.equalsIgnoreCase("succeeded")) {
            JsonNode error = resource ? null : body.get("error");
            announce(w, trafficSettled(w, status, error, body), true);
            return;
        }
        // final-state-via original-uri: the endpoint itself says what its traffic now is.
        Workspace ws = Workspace.fromArmId(w.attributes().get(DeploymentOutcomeEvents.WORKSPACE)).orElseThrow();
        arm.getEndpoint(ws, endpoint, context).subscribe().with(got -> {
            if (got instanceof CallResult.Ok read) {
                announce(w, trafficSettled(w, "Succeeded", null, ArmOutcomes.json(read.reply())), true);
            } else if (got instanceof CallResult.Rejected) {
                announce(w, trafficFailure(got), true);
            } else {
                schedule(w, config.pollInterval());
            }
        }, failure -> schedule(w, config.pollInterval()));
    }

    /**
     * The outcome of a traffic update that ended in {@code state}: Succeeded when the endpoint (when its
     * body is at hand) gives the deployment the share asked for, else TrafficUpdateFailed with Azure's error.
     */
    private Map<String, String> trafficSettled(Watch w, String state, JsonNode error, JsonNode endpointBody) {
        String endpoint = w.attributes().get(DeploymentOutcomeEvents.ENDPOINT);
        String deployment = w.attributes().get(DeploymentOutcomeEvents.DEPLOYMENT);
        if (!state.isEmpty() && !state.equalsIgnoreCase("succeeded")) {
            String word = state.equalsIgnoreCase("failed") ? "Failed" : "Canceled";
            if (error != null && error.isObject()) {
                ArmError e = ArmError.fromNode(200, error);
                return trafficFailed(e.code(), "the traffic update of endpoint " + endpoint + " ended " + word + ": "
                        + e.message());
            }
            return trafficFailed("TrafficUpdate" + word, "the traffic update of endpoint " + endpoint + " ended "
                    + word);
        }
        JsonNode traffic = endpointBody.at("/properties/traffic");
        String expected = w.attributes().get(DeploymentOutcomeEvents.TRAFFIC_SHARE);
        if (expected != null && traffic.isObject()) {
            JsonNode actual = null;
            for (var it = traffic.fields(); it.hasNext();) {
                var e = it.next();
                if (e.getKey().equalsIgnoreCase(deployment)) {
                    actual = e.getValue();
                }
            }
            int got = actual == null ? 0 : actual.asInt(0);
            if (got != Integer.parseInt(expected)) {
                return trafficFailed("TrafficNotShifted", "the traffic update of endpoint " + endpoint
                        + " succeeded, but the endpoint gives " + deployment + " " + got + " % instead of " + expected
                        + " % (traffic " + traffic + ")");
            }
        }
        log(w, () -> LOG.infof("%s: endpoint %s traffic is now %s", context(w), endpoint,
                traffic.isObject() ? traffic : "as asked"));
        return Map.of(DeploymentOutcomeEvents.STATUS, "Succeeded");
    }

    private static Map<String, String> trafficFailure(CallResult result) {
        if (result instanceof CallResult.Rejected r) {
            ArmError e = ArmError.of(r.reply());
            return trafficFailed(e.code(), e.message());
        }
        return trafficFailed("TrafficUpdateUnavailable", ((CallResult.Unavailable) result).reason());
    }

    private static Map<String, String> trafficFailed(String code, String message) {
        return Map.of(DeploymentOutcomeEvents.STATUS, "TrafficUpdateFailed", DeploymentOutcomeEvents.ERROR_CODE, code,
                DeploymentOutcomeEvents.ERROR_MESSAGE, "the deployment succeeded but its traffic share was not set: "
                        + message);
    }

    /** Publishes the outcome event; publishes it again (backing off) while its actions fail transiently. */
    private void publish(Watch w, Instant firstAttempt, Duration delay) {
        String context = context(w);
        MlEvent event;
        try {
            event = events.build(w, Instant.now());
        } catch (RuntimeException e) {
            log(w, () -> LOG.errorf(e, "%s: cannot build the deployment outcome event; the watch ends unannounced",
                    context));
            ledger.closeWatch(w.key()).subscribe().with(x -> {
            }, x -> {
            });
            return;
        }
        metrics.receivedInternal(event);
        bus.submit(event).thenAccept(outcome -> {
            if (outcome instanceof EventBus.Outcome.Done) {
                log(w, () -> LOG.infof("%s: announced %s as event %s (%s)", context,
                        w.attributes().get(DeploymentOutcomeEvents.STATUS), event.id(), event.type()));
                ledger.closeWatch(w.key())
                        .chain(() -> ledger.succeeded(w.key(), w.operationUrl(), "deployment "
                                + w.attributes().get(DeploymentOutcomeEvents.STATUS) + "; " + event.type() + " "
                                + event.id() + " published"))
                        .subscribe().with(x -> {
                        }, e -> log(w, () -> LOG.warnf("%s: cannot close the watch in the ledger: %s", context,
                                e.getMessage())));
                return;
            }
            String why = ((EventBus.Outcome.Owed) outcome).reason();
            if (Duration.between(firstAttempt, Instant.now()).compareTo(config.publishRetryFor()) > 0) {
                log(w, () -> LOG.errorf("%s: event %s (%s) still not processed after %s (%s); giving up", context,
                        event.id(), event.type(), config.publishRetryFor(), why));
                ledger.closeWatch(w.key()).subscribe().with(x -> {
                }, x -> {
                });
                return;
            }
            log(w, () -> LOG.warnf("%s: event %s (%s) not processed yet (%s); publishing it again in %s", context,
                    event.id(), event.type(), why, delay));
            Duration next = delay.multipliedBy(2).compareTo(MAX_PUBLISH_DELAY) > 0 ? MAX_PUBLISH_DELAY
                    : delay.multipliedBy(2);
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> publish(w, firstAttempt, next));
        });
    }

    /** Logs a line about a watch with its event and action in the MDC. */
    private static void log(Watch w, Runnable line) {
        ActionKind kind = ActionKind.fromKey(w.kind()).orElse(ActionKind.AML_ONLINE_DEPLOYMENT);
        try (LogContext ignored = ActionScope.of(w.key(), kind).logContext()) {
            line.run();
        }
    }

    private static String context(Watch w) {
        return "Event " + w.key().eventId() + " rule " + w.key().rule() + " action " + w.key().actionIndex() + " ("
                + w.kind() + " " + w.attributes().get(DeploymentOutcomeEvents.ENDPOINT) + "/"
                + w.attributes().get(DeploymentOutcomeEvents.DEPLOYMENT) + ")";
    }
}
