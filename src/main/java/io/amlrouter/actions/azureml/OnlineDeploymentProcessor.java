package io.amlrouter.actions.azureml;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;


import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.RetryAfter;
import io.amlrouter.events.Workspace;
import io.amlrouter.ledger.OutcomeLedger;
import io.amlrouter.ledger.Watch;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedAmlOnlineDeployment;
import io.smallrye.mutiny.Uni;

/**
 * Runs {@code amlOnlineDeployment} actions: reads the endpoint's region when the body names none,
 * {@code PUT}s the deployment, and once ARM accepted it, records a watch in the ledger and hands it to
 * the {@link DeploymentWatcher}. The action succeeds as soon as the PUT is accepted (so Event Grid's
 * delivery is answered), with the operation URL as external id; the outcome is announced later by
 * the watch.
 */
@ApplicationScoped
public class OnlineDeploymentProcessor implements ActionExecutor<RenderedAmlOnlineDeployment> {

    private final ArmClient arm;
    private final OutcomeLedger ledger;
    private final DeploymentWatcher watcher;
    private final ActionsConfig.Deployment config;

    public OnlineDeploymentProcessor(ArmClient arm, OutcomeLedger ledger,
            DeploymentWatcher watcher, ActionsConfig config) {
        this.arm = arm;
        this.ledger = ledger;
        this.watcher = watcher;
        this.config = config.deployment();
    }

    @Override
    public Class<RenderedAmlOnlineDeployment> handles() {
        return RenderedAmlOnlineDeployment.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedAmlOnlineDeployment action) {
        return deploy(task, action);
    }

    private Uni<ActionResult> deploy(ActionTask task, RenderedAmlOnlineDeployment d) {
        int chain = DeploymentOutcomeEvents.chainDepth(task.event());
        if (chain >= config.maxChain()) {
            return Uni.createFrom().item(new ActionResult.FailedPermanently("deployment " + d.endpoint() + "/"
                    + d.deployment() + " not started: event " + task.event().id() + " announces the outcome of the "
                    + chain + (chain == 1 ? "st" : chain == 2 ? "nd" : chain == 3 ? "rd" : "th")
                    + " deployment in a chain that rules started from one another's outcomes, and "
                    + "actions.deployment.max-chain is " + config.maxChain()
                    + " (a rule answering a deployment's outcome with another deployment may loop)"));
        }
        Workspace ws = Workspace.fromArmId(d.workspace()).orElseThrow();
        String context = ArmOutcomes.context(task);
        ObjectNode body = d.body().deepCopy();
        String what = "deployment " + d.endpoint() + "/" + d.deployment();
        Uni<ActionResult> located = body.hasNonNull("location") ? Uni.createFrom().nullItem()
                : arm.getEndpoint(ws, d.endpoint(), context).map(result -> {
                    if (result instanceof CallResult.Ok ok) {
                        String location = ArmOutcomes.json(ok.reply()).path("location").asText("");
                        if (location.isEmpty()) {
                            return new ActionResult.FailedPermanently("endpoint " + d.endpoint()
                                    + " has no location; give \"location\" in the rule");
                        }
                        body.put("location", location);
                        return null;
                    }
                    return ArmOutcomes.failed("endpoint " + d.endpoint(), result);
                });
        return located.chain(failed -> failed != null ? Uni.createFrom().item(failed)
                : arm.putDeployment(ws, d.endpoint(), d.deployment(), body, context).chain(result -> {
                    if (!(result instanceof CallResult.Ok ok)) {
                        return Uni.createFrom().item(ArmOutcomes.failed(what, result));
                    }
                    Optional<String> async = ok.reply().header("Azure-AsyncOperation").filter(arm::onArm);
                    String pollUrl = async.orElse(arm.deploymentUrl(ws, d.endpoint(), d.deployment()));
                    Watch watch = new Watch(task.key(), task.kind().key(), pollUrl,
                            attributes(task, d, async.isEmpty(), chain + 1),
                            Instant.now(), Instant.now().plus(config.maxWatch()));
                    Duration first = RetryAfter.of(ok.reply()).orElse(config.pollInterval());
                    return ledger.saveWatch(watch).invoke(() -> watcher.watch(watch, first))
                            .replaceWith(new ActionResult.Succeeded(pollUrl, what + " accepted (HTTP "
                                    + ok.reply().status() + "); watching "
                                    + (async.isPresent() ? "its Azure-AsyncOperation" : "its provisioning state")));
                }));
    }

    private static Map<String, String> attributes(ActionTask task, RenderedAmlOnlineDeployment d, boolean resource,
            int chain) {
        Map<String, String> a = new HashMap<>();
        a.put(DeploymentOutcomeEvents.WORKSPACE, d.workspace());
        a.put(DeploymentOutcomeEvents.ENDPOINT, d.endpoint());
        a.put(DeploymentOutcomeEvents.DEPLOYMENT, d.deployment());
        a.put(DeploymentOutcomeEvents.MODEL, d.model());
        a.put(DeploymentOutcomeEvents.RULE, task.ruleName());
        a.put(DeploymentOutcomeEvents.SOURCE_EVENT, task.key().eventId());
        a.put(DeploymentOutcomeEvents.POLL, resource ? "resource" : "operation");
        a.put(DeploymentOutcomeEvents.CHAIN, String.valueOf(chain));
        if (d.trafficPercent() != null) {
            a.put(DeploymentOutcomeEvents.TRAFFIC, String.valueOf(d.trafficPercent()));
        }
        return a;
    }
}
