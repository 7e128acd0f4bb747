package io.amlrouter.rules.action;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of action a rule can run; each has its own executor (routing.ActionExecutor, one per rendered action). */
public enum ActionKind {
    EMAIL("email", IfCut.RELEASE_BEFORE_HANDOVER),
    WEBHOOK("webhook", IfCut.SETTLE_ONCE_STARTED),
    AML_JOB("amlJob", IfCut.REPEAT),
    ADF_PIPELINE_RUN("adfPipelineRun", IfCut.SETTLE_ONCE_STARTED),
    AML_PIPELINE_ENDPOINT("amlPipelineEndpoint", IfCut.SETTLE_ONCE_STARTED),
    AML_ONLINE_DEPLOYMENT("amlOnlineDeployment", IfCut.REPEAT);

    /**
     * What an action of this kind that is still running when the service stops (cut at the end of
     * {@code quarkus.shutdown.timeout}) means for the next delivery; docs/reliability.md, "Shutdown".
     */
    public enum IfCut {
        /**
         * Running it again is safe: an ARM {@code PUT} of a name derived from the event, so a repeat
         * addresses the same resource. Released: the next delivery runs it again at once.
         */
        REPEAT,
        /**
         * Released while nothing has left the process yet (the processor says when it hands the effect
         * over, {@code ActionHandOff.handingOver}); once handed over (a mail given to the SMTP server) it may
         * have happened, and it is settled as a dead letter saying so, never repeated by a redelivery.
         */
        RELEASE_BEFORE_HANDOVER,
        /** A {@code POST} that may have been received as soon as it started: settled as a dead letter saying so. */
        SETTLE_ONCE_STARTED
    }

    private final String key;
    private final IfCut ifCut;

    ActionKind(String key, IfCut ifCut) {
        this.key = key;
        this.ifCut = ifCut;
    }

    /** What a cut action of this kind means (see {@link IfCut}). */
    public IfCut ifCut() {
        return ifCut;
    }

    /** The key that names this kind in the rules file. */
    public String key() {
        return key;
    }

    public static Optional<ActionKind> fromKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(ActionKind::key).toList();
    }
}
