package io.amlrouter.actions.azureml;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.HttpReply;
import io.amlrouter.events.Workspace;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedAmlJob;
import io.smallrye.mutiny.Uni;

/**
 * Submits {@code amlJob} actions: {@code PUT .../jobs/{name}} with the derived name. A job that already
 * exists under that name is the job this action created on an earlier delivery: ARM answers such a PUT
 * with 200 when nothing immutable differs, or with an error saying "A job with this name already
 * exists" (code UserError, inner code Immutable / JobPropertyImmutable); both count as success once a
 * {@code GET} confirms the job is there.
 */
@ApplicationScoped
public class AmlJobProcessor implements ActionExecutor<RenderedAmlJob> {

    private static final Logger LOG = Logger.getLogger(AmlJobProcessor.class);

    private final ArmClient arm;

    public AmlJobProcessor(ArmClient arm) {
        this.arm = arm;
    }

    @Override
    public Class<RenderedAmlJob> handles() {
        return RenderedAmlJob.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedAmlJob action) {
        return submit(task, action);
    }

    private Uni<ActionResult> submit(ActionTask task, RenderedAmlJob job) {
        Workspace ws = Workspace.fromArmId(job.workspace()).orElseThrow();
        String context = ArmOutcomes.context(task);
        return arm.putJob(ws, job.jobName(), job.body(), context, AmlJobProcessor::alreadyExists).chain(result -> {
            if (result instanceof CallResult.Ok ok && ok.reply().successful()) {
                String status = ArmOutcomes.json(ok.reply()).at("/properties/status").asText("");
                return Uni.createFrom().item(new ActionResult.Succeeded(job.jobName(), "job submitted (HTTP "
                        + ok.reply().status() + (status.isEmpty() ? "" : ", status " + status) + ") in " + ws.name()));
            }
            if (result instanceof CallResult.Ok exists) {
                ArmError error = ArmError.of(exists.reply());
                LOG.infof("%s: ARM says job %s already exists (%s); confirming with GET", context, job.jobName(),
                        error.describe());
                return confirm(ws, job.jobName(), context, error);
            }
            return Uni.createFrom().item(ArmOutcomes.failed("job " + job.jobName(), result));
        });
    }

    private Uni<ActionResult> confirm(Workspace ws, String name, String context, ArmError putError) {
        return arm.getJob(ws, name, context).map(result -> {
            if (result instanceof CallResult.Ok ok) {
                String status = ArmOutcomes.json(ok.reply()).at("/properties/status").asText("");
                return new ActionResult.Succeeded(name, "job already existed (submitted by an earlier delivery"
                        + (status.isEmpty() ? "" : ", status " + status) + ")");
            }
            if (result instanceof CallResult.Rejected) {
                return new ActionResult.FailedPermanently("job " + name + ": " + putError.describe());
            }
            return ArmOutcomes.failed("job " + name, result);
        });
    }

    /** ARM's answer to a PUT of an existing job whose immutable parts differ (seen as 400; 409 accepted too). */
    static boolean alreadyExists(HttpReply reply) {
        if (reply.status() < 400 || reply.status() >= 500) {
            return false;
        }
        ArmError error = ArmError.of(reply);
        return error.messageContains("already exists") || error.hasCode("JobPropertyImmutable")
                || error.hasCode("Immutable");
    }
}
