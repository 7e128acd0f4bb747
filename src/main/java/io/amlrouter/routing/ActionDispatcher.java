package io.amlrouter.routing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.amlrouter.observability.TraceSpan;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.action.ActionKind;
import io.smallrye.mutiny.Uni;

/**
 * Sends action tasks to their kind's channel and reports the acknowledgement: the returned Uni
 * completes when the processor acked the task (done or failed permanently) and fails when it nacked
 * it (failed transiently).
 */
@ApplicationScoped
public class ActionDispatcher {

    private final Map<ActionKind, Emitter<ActionTask>> emitters = new EnumMap<>(ActionKind.class);
    private final Tracing tracing;

    public ActionDispatcher(Tracing tracing,
            @Channel("action-email") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> email,
            @Channel("action-webhook") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> webhook,
            @Channel("action-aml-job") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> amlJob,
            @Channel("action-adf-pipeline-run") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> adfPipelineRun,
            @Channel("action-aml-pipeline-endpoint") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> amlPipelineEndpoint,
            @Channel("action-aml-online-deployment") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<ActionTask> amlOnlineDeployment) {
        this.tracing = tracing;
        emitters.put(ActionKind.EMAIL, email);
        emitters.put(ActionKind.WEBHOOK, webhook);
        emitters.put(ActionKind.AML_JOB, amlJob);
        emitters.put(ActionKind.ADF_PIPELINE_RUN, adfPipelineRun);
        emitters.put(ActionKind.AML_PIPELINE_ENDPOINT, amlPipelineEndpoint);
        emitters.put(ActionKind.AML_ONLINE_DEPLOYMENT, amlOnlineDeployment);
    }

    public Uni<Void> dispatch(ActionTask task) {
        return dispatch(task, TraceSpan.NONE);
    }

    /** Dispatches the task as part of {@code span} (an event's routing), so the action's span is its child. */
    public Uni<Void> dispatch(ActionTask task, TraceSpan span) {
        Emitter<ActionTask> emitter = emitters.get(task.kind());
        if (emitter == null) {
            return Uni.createFrom().failure(new IllegalStateException("no processor for " + task.kind().key()));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<ActionTask> message = Message.of(task,
                () -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    done.completeExceptionally(reason == null ? new IllegalStateException("action failed") : reason);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(tracing.carry(message, span));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return Uni.createFrom().completionStage(done);
    }
}
