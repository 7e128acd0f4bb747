package io.amlrouter.actions.azureml;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.RetryAfter;
import io.amlrouter.events.EventBus;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.ledger.Watch;
import io.amlrouter.observability.ActionScope;
import io.amlrouter.observability.IngestMetrics;
import io.amlrouter.observability.LogContext;
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

    /** Shifts traffic when asked, records the outcome on the watch, then announces it. */
    private void finish(Watch w, Map<String, String> outcome, boolean succeeded) {
        Uni<Map<String, String>> decided = succeeded && w.attributes().containsKey(DeploymentOutcomeEvents.TRAFFIC)
                ? shiftTraffic(w).map(failure -> failure == null ? outcome : failure)
                : Uni.createFrom().item(outcome);
        decided.subscribe().with(o -> {
            Map<String, String> attributes = new HashMap<>(w.attributes());
            attributes.putAll(o);
            attributes.put(DeploymentOutcomeEvents.SUCCEEDED, String.valueOf(succeeded
                    && "Succeeded".equals(o.get(DeploymentOutcomeEvents.STATUS))));
            Watch done = w.withAttributes(attributes);
            ledger.saveWatch(done).subscribe().with(ignored -> publish(done, Instant.now(), config.publishRetryDelay()),
                    failure -> {
                        log(w, () -> LOG.warnf("%s: cannot record the outcome in the ledger (%s); announcing it "
                                + "anyway", context(w), failure.getMessage()));
                        publish(done, Instant.now(), config.publishRetryDelay());
                    });
        }, failure -> log(w, () -> LOG.errorf(failure, "%s: cannot finish the deployment watch", context(w))));
    }

    /** Gives the deployment its traffic share; null when done, else the failure outcome to announce. */
    private Uni<Map<String, String>> shiftTraffic(Watch w) {
        Map<String, String> a = w.attributes();
        Workspace ws = Workspace.fromArmId(a.get(DeploymentOutcomeEvents.WORKSPACE)).orElseThrow();
        String endpoint = a.get(DeploymentOutcomeEvents.ENDPOINT);
        String deployment = a.get(DeploymentOutcomeEvents.DEPLOYMENT);
        int percent = Integer.parseInt(a.get(DeploymentOutcomeEvents.TRAFFIC));
        String context = context(w);
        return arm.getEndpoint(ws, endpoint, context).chain(got -> {
            if (!(got instanceof CallResult.Ok ok)) {
                return Uni.createFrom().item(trafficFailure(got));
            }
            JsonNode read = ArmOutcomes.json(ok.reply());
            if (!read.isObject() || !read.path("properties").isObject()) {
                return Uni.createFrom().item(Map.of(DeploymentOutcomeEvents.STATUS, "TrafficUpdateFailed",
                        DeploymentOutcomeEvents.ERROR_CODE, "UnexpectedEndpoint", DeploymentOutcomeEvents.ERROR_MESSAGE,
                        "the deployment succeeded but endpoint " + endpoint + " could not be read to set its traffic"));
            }
            ObjectNode body = (ObjectNode) read;
            body.remove(List.of("id", "name", "type", "systemData"));
            ObjectNode properties = (ObjectNode) body.get("properties");
            properties.remove(List.of("provisioningState", "scoringUri", "swaggerUri"));
            ObjectNode traffic = TrafficSplit.split(properties.get("traffic"), deployment, percent);
            properties.set("traffic", traffic);
            return arm.putEndpoint(ws, endpoint, body, context).map(put -> {
                if (put instanceof CallResult.Ok) {
                    log(w, () -> LOG.infof("%s: endpoint %s traffic is now %s", context, endpoint, traffic));
                    return null;
                }
                return trafficFailure(put);
            });
        });
    }

    private static Map<String, String> trafficFailure(CallResult result) {
        String code;
        String message;
        if (result instanceof CallResult.Rejected r) {
            ArmError e = ArmError.of(r.reply());
            code = e.code();
            message = e.message();
        } else {
            code = "TrafficUpdateUnavailable";
            message = ((CallResult.Unavailable) result).reason();
        }
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<MlEvent> message = Message.of(event, () -> {
            done.complete(null);
            return CompletableFuture.completedFuture(null);
        }, reason -> {
            done.completeExceptionally(reason == null ? new IllegalStateException("not processed") : reason);
            return CompletableFuture.completedFuture(null);
        });
        try {
            metrics.receivedInternal(event);
            bus.send(message);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        done.whenComplete((ok, failure) -> {
            if (failure == null) {
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
            if (Duration.between(firstAttempt, Instant.now()).compareTo(config.publishRetryFor()) > 0) {
                log(w, () -> LOG.errorf("%s: event %s (%s) still not processed after %s (%s); giving up", context,
                        event.id(), event.type(), config.publishRetryFor(), failure.getMessage()));
                ledger.closeWatch(w.key()).subscribe().with(x -> {
                }, x -> {
                });
                return;
            }
            log(w, () -> LOG.warnf("%s: event %s (%s) not processed yet (%s); publishing it again in %s", context,
                    event.id(), event.type(), failure.getMessage(), delay));
            Duration next = delay.multipliedBy(2).compareTo(MAX_PUBLISH_DELAY) > 0 ? MAX_PUBLISH_DELAY
                    : delay.multipliedBy(2);
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> publish(w, firstAttempt, next));
        });
    }

    /** Logs a line about a watch with its event and action in the MDC. */
    private static void log(Watch w, Runnable line) {
        ActionKind kind = ActionKind.fromKey(w.kind()).orElse(ActionKind.AML_ONLINE_DEPLOYMENT);
        try (LogContext ignored = LogContext.of(ActionScope.of(w.key(), kind))) {
            line.run();
        }
    }

    private static String context(Watch w) {
        return "Event " + w.key().eventId() + " rule " + w.key().rule() + " action " + w.key().actionIndex() + " ("
                + w.kind() + " " + w.attributes().get(DeploymentOutcomeEvents.ENDPOINT) + "/"
                + w.attributes().get(DeploymentOutcomeEvents.DEPLOYMENT) + ")";
    }
}
