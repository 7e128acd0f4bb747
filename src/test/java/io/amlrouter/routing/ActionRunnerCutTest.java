package io.amlrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionRecord;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.InMemoryLedger;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.action.RenderedAmlJob;
import io.amlrouter.rules.action.RenderedEmail;
import io.amlrouter.rules.action.RenderedWebhook;
import io.amlrouter.support.EventFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Actions still running when the service stops ({@link ActionHandOff#cutUnfinished}): each is settled in
 * the ledger per its kind, its claim is gone, and its own outcome arriving later changes nothing.
 */
class ActionRunnerCutTest {

    private static final Duration LEASE = Duration.ofMinutes(2);

    private final InMemoryLedger ledger = new InMemoryLedger(100, Duration.ofHours(25), Clock.systemUTC(), "stopping");
    /** The outcome of each running action, given (or never given) by the test. */
    private final Map<ActionKey, AtomicReference<UniEmitter<? super ActionResult>>> outcomes = new ConcurrentHashMap<>();
    private final ActionHandOff runner = new ActionHandOff(ledger, new DeadLetterLog(),
            new ActionMetrics(new SimpleMeterRegistry()), Tracing.off(), LEASE, Duration.ofSeconds(20),
            List.of(waiting(RenderedEmail.class), waiting(RenderedAmlJob.class), waiting(RenderedWebhook.class)));
    private final MlEvent event = EventFixtures.decode(EventFixtures.fresh("eventgrid/RunStatusChanged.json"));

    private static final RenderedEmail MAIL = new RenderedEmail(List.of("team@contoso.com"), List.of(), List.of(),
            "subject", null, "text");

    @Test
    void aMailHandedToTheSmtpServerIsSettledAsADeadLetterThatMayHaveBeenDelivered() {
        Running mail = start("mail-sent", MAIL);
        runner.handingOver(mail.task.key());

        assertThat(runner.cutUnfinished().await().atMost(Duration.ofSeconds(5))).isEqualTo(1);

        ActionRecord r = record(mail.task.key());
        assertThat(r.state()).isEqualTo(ActionState.FAILED);
        assertThat(r.lastError()).contains("cut by the shutdown", "it may have been delivered", "replay the event");
        assertThat(mail.acked).isCompleted(); // a dead letter: the event is done with it
        assertThat(claimAgain(mail.task.key())).isInstanceOf(Claim.AlreadyDone.class);
        assertThat(runner.running()).isZero();
    }

    @Test
    void aMailNotHandedOverYetIsReleasedAndTheNextDeliveryRunsItAtOnce() {
        Running mail = start("mail-waiting", MAIL);

        runner.cutUnfinished().await().atMost(Duration.ofSeconds(5));

        ActionRecord r = record(mail.task.key());
        assertThat(r.state()).isEqualTo(ActionState.PENDING);
        assertThat(r.lastError()).contains("before the mail was handed to the SMTP server");
        assertThat(mail.acked).isCompletedExceptionally();
        assertThat(claimAgain(mail.task.key())).isInstanceOf(Claim.Granted.class);
    }

    @Test
    void anArmPutOfADeterministicNameIsReleasedEvenOnceSent() {
        Running job = start("job", new RenderedAmlJob("/subscriptions/s/resourceGroups/g/providers/"
                + "Microsoft.MachineLearningServices/workspaces/w", "retrain-abc", JsonNodeFactory.instance.objectNode()));
        runner.handingOver(job.task.key());

        runner.cutUnfinished().await().atMost(Duration.ofSeconds(5));

        ActionRecord r = record(job.task.key());
        assertThat(r.state()).isEqualTo(ActionState.PENDING);
        assertThat(r.lastError()).contains("running it again is safe");
        assertThat(claimAgain(job.task.key())).isInstanceOf(Claim.Granted.class);
    }

    @Test
    void aWebhookPostMayHaveBeenReceivedOnceStartedAndIsNotRepeated() {
        Running hook = start("hook", new RenderedWebhook("https://hooks.contoso.com/x", java.util.Map.of(),
                java.util.Map.of(), JsonNodeFactory.instance.objectNode()));

        runner.cutUnfinished().await().atMost(Duration.ofSeconds(5));

        ActionRecord r = record(hook.task.key());
        assertThat(r.state()).isEqualTo(ActionState.FAILED);
        assertThat(r.lastError()).contains("after its request was sent", "may have happened");
    }

    @Test
    void theOutcomeOfACutActionArrivingLaterIsIgnored() {
        Running mail = start("late", MAIL);
        runner.cutUnfinished().await().atMost(Duration.ofSeconds(5));

        mail.emitter.get().complete(ActionResult.succeeded("<id@contoso.com>", "sent"));

        assertThat(record(mail.task.key()).state()).isEqualTo(ActionState.PENDING);
        assertThat(record(mail.task.key()).externalId()).isNull();
    }

    @Test
    void anActionThatFinishedIsNotCut() {
        Running mail = start("done", MAIL);
        mail.emitter.get().complete(ActionResult.succeeded("<id@contoso.com>", "sent"));

        assertThat(runner.cutUnfinished().await().atMost(Duration.ofSeconds(5))).isZero();
        assertThat(record(mail.task.key()).state()).isEqualTo(ActionState.SUCCEEDED);
    }

    /** An action claimed and started through the runner, whose outcome the test decides (or never gives). */
    private record Running(ActionTask task, AtomicReference<UniEmitter<? super ActionResult>> emitter,
            CompletableFuture<Void> acked) {
    }

    private Running start(String rule, RenderedAction action) {
        ActionTask task = new ActionTask(new ActionKey(event.id(), rule, 0), event, rule, action);
        assertThat(claimAgain(task.key())).isInstanceOf(Claim.Granted.class);
        AtomicReference<UniEmitter<? super ActionResult>> emitter = new AtomicReference<>();
        outcomes.put(task.key(), emitter);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        runner.run(task).subscribe().with(acked::complete, acked::completeExceptionally);
        return new Running(task, emitter, acked);
    }

    /** An executor whose outcome the test gives through {@link #outcomes}. */
    private <A extends RenderedAction> ActionExecutor<A> waiting(Class<A> type) {
        return new ActionExecutor<>() {
            @Override
            public Class<A> handles() {
                return type;
            }

            @Override
            public Uni<ActionResult> execute(ActionTask task, A action) {
                return Uni.createFrom().<ActionResult>emitter(e -> outcomes.get(task.key()).set(e));
            }
        };
    }

    private Claim claimAgain(ActionKey key) {
        return ledger.claim(key, "email", LEASE).await().atMost(Duration.ofSeconds(5));
    }

    private ActionRecord record(ActionKey key) {
        return ledger.action(key).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }
}
