package io.amlrouter.routing;

import io.amlrouter.rules.action.RenderedAction;
import io.smallrye.mutiny.Uni;

/**
 * Runs one kind of action: one implementation per {@link RenderedAction} record, a CDI bean the hand-off
 * ({@link ActionHandOff}) discovers. The router never names an executor (nothing below {@code actions}
 * imports it): it hands each claimed task to {@link ActionHandOff#run}, which picks the executor from the
 * task's rendered action, the one place the kind is decided, and casts the action once for it.
 * <p>
 * An executor only runs the action and says how it ended. Claiming it, recording the outcome, the
 * action's span, metrics and log context, and releasing the claim when anything goes wrong are the
 * hand-off's.
 *
 * @param <A> the rendered action this executor runs
 */
public interface ActionExecutor<A extends RenderedAction> {

    /** The rendered action this executor runs. */
    Class<A> handles();

    /**
     * Runs the task's action. A thrown exception or a failed {@code Uni} counts as a transient failure
     * (the claim is released and the event redelivered); a permanent one is answered as
     * {@link ActionResult.FailedPermanently}.
     */
    Uni<ActionResult> execute(ActionTask task, A action);
}
